/**
 * One omnilab Lambda function: bundled by esbuild from its handler entry, with its own role holding
 * only the table actions function-access.ts gives it and the right to write its own log group.
 */
import { join } from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TableId } from '../../functions/tables/tables';
import type { TableAccess, TableAction } from '../function-access';
import { esbuildArgsOf, functionBundling } from '../function-bundling';
import type { LambdaFunctionSpec } from '../lambda-functions';
import { REPO_ROOT } from '../repo-root';
import type { StageConfig } from '../stages';
import type { OmnilabTables } from './omnilab-tables';

export interface OmnilabFunctionProps {
  spec: LambdaFunctionSpec;
  prefix: string;
  stage: StageConfig;
  tables: OmnilabTables;
  access: TableAccess;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize: number;
}

/** Only these actions can use an index; granting the index ARN for others would be dead weight. */
const INDEX_ACTIONS: ReadonlySet<TableAction> = new Set(['Query', 'Scan']);

export class OmnilabFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly spec: LambdaFunctionSpec;

  constructor(scope: Construct, id: string, props: OmnilabFunctionProps) {
    super(scope, id);
    const { spec, stage } = props;
    this.spec = spec;
    const functionName = `${props.prefix}${spec.name}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: stage.logRetention,
      removalPolicy: stage.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Our own role rather than the managed basic-execution policy, which may write to any log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `omnilab ${stage.name} ${spec.name}: its tables per infra/function-access.ts`,
    });
    this.logGroup.grantWrite(this.role);
    for (const [tableId, actions] of Object.entries(props.access) as [TableId, readonly TableAction[]][]) {
      if (actions.length === 0) continue;
      const table = props.tables.table(tableId);
      const indexes = actions.some((a) => INDEX_ACTIONS.has(a))
        ? props.tables.definition(tableId).globalIndexes.map((i) => `${table.tableArn}/index/${i.name}`)
        : [];
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...actions].sort().map((a) => `dynamodb:${a}`),
          resources: [table.tableArn, ...indexes],
        }),
      );
    }
    const bundling = functionBundling();
    this.fn = new NodejsFunction(this, 'Function', {
      functionName,
      entry: join(REPO_ROOT, spec.entry),
      handler: bundling.handler,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...props.environment,
        // Stack traces point into the TypeScript sources rather than the minified bundle. Parsing the
        // map costs about 19 ms per cold start (npm run bench:bundles): worth it for a readable crash.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: bundling.minify,
        sourceMap: bundling.sourceMap,
        target: bundling.target,
        format: { esm: OutputFormat.ESM, cjs: OutputFormat.CJS }[bundling.format],
        mainFields: bundling.mainFields,
        banner: bundling.banner,
        bundleAwsSDK: bundling.bundleAwsSDK,
        externalModules: bundling.externalModules,
        esbuildArgs: esbuildArgsOf(bundling),
        forceDockerBundling: false,
      },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the chosen runtime: the Node line the repository builds for (esbuild target node22) and is tested against; moving to a newer runtime is a deliberate upgrade, made with the bundle bench and the test suite re-run.',
    });
  }
}

/** Builds a function with the stage's defaults; each capability construct calls it for its own. */
export type FunctionFactory = (
  scope: Construct,
  spec: LambdaFunctionSpec,
  sizing: { timeout: Duration; memorySize?: number },
) => OmnilabFunction;

export function functionFactory(props: {
  prefix: string;
  stage: StageConfig;
  tables: OmnilabTables;
  access: Readonly<Record<string, TableAccess>>;
  environment: Record<string, string>;
  /** Every function built, in order, for monitoring. */
  built: OmnilabFunction[];
}): FunctionFactory {
  return (scope, spec, sizing) => {
    const access = props.access[spec.name];
    if (!access) {
      throw new Error(
        `function ${spec.name} (${spec.entry}) has no entry in infra/function-access.ts: decide which table actions it needs`,
      );
    }
    const fn = new OmnilabFunction(scope, `Fn-${spec.name}`, {
      spec,
      prefix: props.prefix,
      stage: props.stage,
      tables: props.tables,
      access,
      environment: props.environment,
      timeout: sizing.timeout,
      // 512 MB buys the CPU for a quick cold start; the handlers use a fraction of the memory.
      memorySize: sizing.memorySize ?? 512,
    });
    props.built.push(fn);
    return fn;
  };
}
