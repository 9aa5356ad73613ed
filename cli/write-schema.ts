/** `npm run schema:experiments`: regenerates experiments/schema.json from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asCodeJsonSchema } from './as-code';

const file = join(import.meta.dirname, '..', 'experiments', 'schema.json');
writeFileSync(file, `${JSON.stringify(asCodeJsonSchema(), null, 2)}\n`);
console.log(`Wrote ${file}`);
