/**
 * What break-glass may apply, pure: a declared emergency (`omnilab-emergency`) exists to restore
 * service, i.e. to change what flags serve in production at once. It never changes rights or
 * governance itself: minting or revoking tokens of any kind, creating or changing an environment
 * (its protection), release templates and plans (their approval gates), and deciding change
 * requests (approving, rejecting, applying, editing, reviewing an emergency). The governed commit
 * (functions/http/governed-handler.ts) asks `mayDeclareEmergency` before a route runs and
 * `mayApplyAsEmergency` before it applies a change as an emergency.
 */
import type { Effect } from '../governance/effect';
import type { ProposedOp } from '../governance/proposed-change';
import { ALLOWED, refused, type Verdict } from './verdict';

const HOW =
  'send it without the omnilab-emergency header and ask another platform admin (or an auditor) to approve the change request';

/** The routes that change rights or governance, whatever their body: never under break-glass. */
const RIGHTS_ROUTES: readonly { test: (routeKey: string) => boolean; what: string }[] = [
  { test: (k) => k.includes(' /api/admin/tokens'), what: 'mints or revokes tokens' },
  {
    test: (k) => k.includes(' /api/admin/environments') && !k.endsWith('/import'),
    what: 'changes environments or their protection',
  },
  {
    test: (k) => k.includes(' /api/admin/change-requests'),
    what: 'decides change requests (approving, rejecting, applying, editing or reviewing one)',
  },
  {
    test: (k) => k.includes(' /api/admin/release-templates'),
    what: 'changes release templates (their approval gates)',
  },
  { test: (k) => k.endsWith('/release-plan'), what: 'changes release plans (their approval gates)' },
  // A guardrail halted the treatment because it harmed customers: turning it back on restores an
  // experiment, not service, and always takes an approved change request (docs/governance.md).
  {
    test: (k) => k.endsWith('/resume'),
    what: 'turns a treatment a guardrail halted back on',
  },
];

/** Release-plan actions that are someone's approval, not the plan running. */
const DECIDING_ACTIONS = new Set(['approve', 'reject']);

/** May a request to `routeKey` (with its path `params`) declare an emergency at all. */
export function mayDeclareEmergency(
  routeKey: string,
  params: Readonly<Record<string, string>> = {},
): Verdict {
  if (routeKey.startsWith('GET ')) return ALLOWED;
  for (const r of RIGHTS_ROUTES)
    if (r.test(routeKey)) return refused(`an emergency restores service; it never ${r.what}: ${HOW}`);
  if (routeKey.endsWith('/release-plan/{action}') && DECIDING_ACTIONS.has(params.action ?? ''))
    return refused(`an emergency restores service; it never approves or rejects a release plan: ${HOW}`);
  return ALLOWED;
}

/**
 * May the change `ops` (with its computed `effect`) apply at once as an emergency: not when it
 * writes a token or an environment (from any route, an import included), lifts a protection, or
 * carries a route's declaration that it is always approved (an admin token for someone else).
 */
export function mayApplyAsEmergency(ops: readonly ProposedOp[], effect: Effect): Verdict {
  for (const op of ops) {
    if (op.type === 'token-create' || op.type === 'token-revoke')
      return refused(`an emergency restores service; it never mints or revokes tokens: ${HOW}`);
    if (op.type === 'environment')
      return refused(
        `an emergency restores service; it never changes an environment or its protection: ${HOW}`,
      );
  }
  if (effect.definitions.some((d) => d.startsWith('environment:')))
    return refused(`an emergency restores service; it never lifts an environment's protection: ${HOW}`);
  if (effect.declared.some((d) => d.startsWith('token:') || d.includes(':token:') || d.endsWith(':always')))
    return refused(`an emergency restores service; it never changes rights: ${HOW}`);
  return ALLOWED;
}
