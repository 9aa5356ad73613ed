/**
 * Re-keys the tokens of a deployed stage stored before the token pepper (keyed by the bare SHA-256
 * of their secret, with no id) under the pepper, with the operator's own AWS credentials; their
 * secrets are not needed and keep working. Until it runs they authenticate through the legacy path.
 *
 *   npm run tokens:migrate:aws -- --stage dev [--region eu-west-1]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRuntime } from '../functions/runtime/composition-root';
import { operatorClients } from './operator-clients';
import { operatorConfig } from './operator-config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { stage: { type: 'string', default: 'dev' }, region: { type: 'string' } },
  });
  const config = operatorConfig(values.stage, values.region);
  const moved = await createRuntime(config, operatorClients(config)).tokens.migrateLegacy();
  process.stdout.write(`Re-keyed ${moved} token(s) of ${config.tablePrefix}tokens under the pepper.\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
