/**
 * A test platform whose raw event store keeps its local lake in a temporary state directory
 * (removed again by close), and an experiment started on it through the admin API, with each
 * customer's variant as the served client document assigns it. The backfill and lake-page tests
 * share this set-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compile, evaluate } from '../../shared';
import { startTestPlatform, type TestPlatform } from './platform';

export interface LakePlatform extends TestPlatform {
  /** OMNILAB_STATE_DIR of its runtime: the lake is under `<stateDir>/lake`. */
  stateDir: string;
}

/** `name` prefixes the temporary directory. */
export async function startLakePlatform(name: string): Promise<LakePlatform> {
  const stateDir = mkdtempSync(join(tmpdir(), `${name}-`));
  const platform = await startTestPlatform({ OMNILAB_STATE_DIR: stateDir });
  return {
    ...platform,
    stateDir,
    async close() {
      await platform.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Defines the metrics (each new: 201) and the experiment, created as a draft (201) and then set
 * running (200), as an admin. Answers the variant a user id gets on mobile, evaluated on the client
 * document served once the experiment runs.
 */
export async function startExperiment(
  p: TestPlatform,
  metrics: readonly { key: string }[],
  experiment: { key: string },
): Promise<(userId: string) => string> {
  for (const m of metrics)
    expect(
      (await p.call('PUT', `/api/admin/metrics/${m.key}`, { token: p.tokens.admin, body: m })).status,
    ).toBe(201);
  const put = (body: unknown) =>
    p.call('PUT', `/api/admin/experiments/${experiment.key}`, { token: p.tokens.admin, body });
  expect((await put(experiment)).status).toBe(201);
  expect((await put({ ...experiment, status: 'running', version: 1 })).status).toBe(200);
  const config = compile(
    await (await p.call('GET', '/api/client/features', { token: p.tokens.client })).json(),
  );
  return (userId) => evaluate(config, experiment.key, { userId, channel: 'mobile' }).variant.name;
}
