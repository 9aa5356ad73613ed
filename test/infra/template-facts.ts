/** Reads a synthesized template the way the infra tests ask about it: by names, not logical ids. */
import type { Template } from 'aws-cdk-lib/assertions';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** Our functions (CDK's own helper functions have no OMNILAB_TABLE_PREFIX), by name. */
export function omnilabFunctions(
  template: Template,
): Map<string, { logicalId: string; props: Record<string, unknown> }> {
  const out = new Map<string, { logicalId: string; props: Record<string, unknown> }>();
  for (const [logicalId, r] of Object.entries(resources(template, 'AWS::Lambda::Function'))) {
    const props = r.Properties ?? {};
    const env = (props.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
    if (!env.OMNILAB_TABLE_PREFIX) continue;
    out.set(String(props.FunctionName).replace(env.OMNILAB_TABLE_PREFIX, ''), { logicalId, props });
  }
  return out;
}

/**
 * Every permission a function's role grants, as `action on what` lines, with tables and log groups
 * named: the least-privilege assertions compare these with infra/function-access.ts.
 */
export function rolePermissions(template: Template, functionLogicalId: string): string[] {
  const fn = resources(template, 'AWS::Lambda::Function')[functionLogicalId];
  const role = fn.Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  const roleId = role?.['Fn::GetAtt'][0] ?? '';
  const named = new Map<string, string>();
  for (const [id, r] of Object.entries(resources(template, 'AWS::DynamoDB::Table')))
    named.set(id, `table ${String(r.Properties?.TableName)}`);
  for (const [id, r] of Object.entries(resources(template, 'AWS::Logs::LogGroup')))
    named.set(id, `log group ${String(r.Properties?.LogGroupName)}`);
  const describe = (resource: unknown): string => {
    if (typeof resource === 'string') return resource;
    const att = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (att && att[1] === 'StreamArn' && named.has(att[0])) return `stream of ${named.get(att[0])}`;
    if (att && att[1] === 'Arn' && named.has(att[0])) return named.get(att[0])!;
    if (att) return `${att[0]}.${att[1]}`;
    const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map((p) => describe(p)).join(join[0]);
    return JSON.stringify(resource);
  };
  const lines: string[] = [];
  for (const r of Object.values(resources(template, 'AWS::IAM::Policy'))) {
    const roles = (r.Properties?.Roles as { Ref: string }[]) ?? [];
    if (!roles.some((x) => x.Ref === roleId)) continue;
    const document = r.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined;
    const statements = document?.Statement ?? [];
    for (const s of statements) {
      if (s.Effect !== 'Allow') throw new Error(`unexpected ${String(s.Effect)} statement`);
      const actions = ([] as unknown[]).concat(s.Action);
      const targets = ([] as unknown[]).concat(s.Resource);
      for (const a of actions) for (const t of targets) lines.push(`${String(a)} on ${describe(t)}`);
    }
  }
  const roleResource = resources(template, 'AWS::IAM::Role')[roleId];
  const managed = (roleResource.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? [];
  for (const m of managed) lines.push(`managed policy ${JSON.stringify(m)}`);
  return lines.sort();
}
