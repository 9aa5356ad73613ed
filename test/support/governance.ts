/** Four-eyes helpers for tests: a second principal approves and applies what production holds. */
import { expect } from 'vitest';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { TestPlatform } from './platform';

/** Approves a change request as `approver` and applies it; returns the applied request. */
export async function approveAndApply(
  p: TestPlatform,
  id: string,
  approver: string = p.tokens.secondAdmin,
): Promise<ChangeRequest> {
  const read = (await (
    await p.call('GET', `/api/admin/change-requests/${id}`, { token: approver })
  ).json()) as ChangeRequest;
  const approved = await p.call('POST', `/api/admin/change-requests/${id}/approve`, {
    token: approver,
    body: { version: read.version },
  });
  expect(approved.status, await approved.clone().text()).toBe(200);
  const cr = (await approved.json()) as ChangeRequest;
  const applied = await p.call('POST', `/api/admin/change-requests/${id}/apply`, {
    token: approver,
    body: { version: cr.version },
  });
  expect(applied.status, await applied.clone().text()).toBe(200);
  return (await applied.json()) as ChangeRequest;
}

/** The 202 of a held write: the change request it opened. */
export async function heldRequest(res: Response): Promise<ChangeRequest> {
  expect(res.status, 'a protected write answers 202').toBe(202);
  return ((await res.json()) as { changeRequest: ChangeRequest }).changeRequest;
}

/** Approves and applies every open change request, oldest first. */
export async function approveAllOpen(p: TestPlatform, approver: string = p.tokens.secondAdmin) {
  const { changeRequests } = (await (
    await p.call('GET', '/api/admin/change-requests?status=open', { token: approver })
  ).json()) as { changeRequests: ChangeRequest[] };
  const applied: ChangeRequest[] = [];
  for (const cr of changeRequests.reverse()) applied.push(await approveAndApply(p, cr.id, approver));
  return applied;
}

/** A running two-arm experiment on mobile and web, as the governance attacks write it. */
export function experimentBody(key: string, environment: string, trafficPercent: number) {
  return {
    key,
    name: key,
    hypothesis: 'h',
    squad: 'payments',
    environment,
    trafficPercent,
    channels: ['mobile', 'web'],
    unit: 'customer',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'signups',
    secondaryMetrics: [],
    guardrails: [],
    status: 'running',
    analysis: { sequential: true, alpha: 0.05, cuped: false },
  };
}
