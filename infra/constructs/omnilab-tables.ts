/** The DynamoDB tables, built from the one table-definition list the local platform also uses. */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  type KeyDefinition,
  TABLES,
  type TableDefinition,
  type TableId,
  tableName,
} from '../../functions/tables/tables';

export interface OmnilabTablesProps {
  prefix: string;
  retain: boolean;
  definitions?: readonly TableDefinition[];
}

function key(k: KeyDefinition) {
  return { name: k.name, type: k.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

export class OmnilabTables extends Construct {
  readonly definitions: readonly TableDefinition[];
  private readonly tables = new Map<TableId, Table>();

  constructor(scope: Construct, id: string, props: OmnilabTablesProps) {
    super(scope, id);
    this.definitions = props.definitions ?? TABLES;
    for (const t of this.definitions) {
      const table = new Table(this, t.id, {
        tableName: tableName(props.prefix, t.id),
        partitionKey: key(t.partitionKey),
        ...(t.sortKey ? { sortKey: key(t.sortKey) } : {}),
        // On demand: a bank's traffic follows the working day, and an idle dev stage costs nothing.
        billingMode: BillingMode.PAY_PER_REQUEST,
        // The aws/dynamodb key: its use shows in CloudTrail, and no function needs a KMS grant.
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        ...(t.ttlAttribute ? { timeToLiveAttribute: t.ttlAttribute } : {}),
        ...(t.stream ? { stream: StreamViewType[t.stream] } : {}),
        deletionProtection: props.retain,
        removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const index of t.globalIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: key(index.partitionKey),
          ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
          // As the local platform creates them: the stores read whole items from indexes.
          projectionType: ProjectionType.ALL,
        });
      }
      this.tables.set(t.id, table);
    }
  }

  table(id: TableId): Table {
    const table = this.tables.get(id);
    if (!table) throw new Error(`no table ${id} in functions/tables/tables.ts`);
    return table;
  }

  definition(id: TableId): TableDefinition {
    const definition = this.definitions.find((t) => t.id === id);
    if (!definition) throw new Error(`no table ${id} in functions/tables/tables.ts`);
    return definition;
  }
}
