/** The least-privilege map covers every function, names only real tables, and gates synthesis. */
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes/routes';
import { TABLES } from '../../functions/tables/tables';
import { createOmnilabApp } from '../../infra/create-omnilab-app';
import { FUNCTION_ACCESS } from '../../infra/function-access';
import { lambdaFunctions } from '../../infra/lambda-functions';
import { SKIP_BUNDLING } from './synth-app';

describe('infra/function-access.ts', () => {
  it('has a decision for every function of the routes, schedules, stream consumers and the authorizer', () => {
    const missing = lambdaFunctions()
      .map((f) => f.name)
      .filter((name) => !(name in FUNCTION_ACCESS));
    expect(missing, 'add these to infra/function-access.ts').toEqual([]);
  });

  it('has no entry for a function that no longer exists', () => {
    const names = new Set(lambdaFunctions().map((f) => f.name));
    expect(Object.keys(FUNCTION_ACCESS).filter((n) => !names.has(n))).toEqual([]);
  });

  it('names only tables of functions/tables/tables.ts, each action once', () => {
    const tables = new Set<string>(TABLES.map((t) => t.id));
    for (const [name, access] of Object.entries(FUNCTION_ACCESS)) {
      for (const [table, actions] of Object.entries(access)) {
        expect(tables.has(table), `${name} -> ${table}`).toBe(true);
        expect(new Set(actions).size, `${name} -> ${table}`).toBe(actions?.length);
      }
    }
  });

  it('gives no function the right to scan or delete beyond the token administration', () => {
    for (const [name, access] of Object.entries(FUNCTION_ACCESS)) {
      for (const [table, actions] of Object.entries(access)) {
        if (name === 'admin-tokens' && table === 'tokens') continue;
        expect(actions, `${name} -> ${table}`).not.toContain('Scan');
        expect(actions, `${name} -> ${table}`).not.toContain('DeleteItem');
      }
    }
  });

  it('stops synthesis when a route names a function without an entry', () => {
    const route = { ...ROUTES[0], function: 'brand-new', path: '/api/brand-new' };
    expect(() =>
      createOmnilabApp({
        stages: ['dev'],
        context: SKIP_BUNDLING,
        nagChecks: false,
        stackProps: { routes: [...ROUTES, route] },
      }),
    ).toThrow(/brand-new .* has no entry in infra\/function-access.ts/);
  });
});
