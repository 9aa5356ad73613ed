/**
 * The DynamoDB API shapes omnilab uses (JSON protocol, 2012-08-10), as its own client sends and
 * receives them: attribute values, the item operations, transactions, batches and the table
 * provisioning local/create-tables.ts does. Binary values are Uint8Array here, base64 on the wire.
 */

/** Every member an attribute value may have; a value has exactly one (as the SDK types it). */
interface AttributeMembers {
  S: string;
  N: string;
  B: Uint8Array;
  SS: string[];
  NS: string[];
  BS: Uint8Array[];
  M: Record<string, AttributeValue>;
  L: AttributeValue[];
  NULL: boolean;
  BOOL: boolean;
}
type Only<K extends keyof AttributeMembers> = { [P in K]: AttributeMembers[P] } & {
  [P in Exclude<keyof AttributeMembers, K>]?: never;
};
export type AttributeValue =
  | Only<'S'>
  | Only<'N'>
  | Only<'B'>
  | Only<'SS'>
  | Only<'NS'>
  | Only<'BS'>
  | Only<'M'>
  | Only<'L'>
  | Only<'NULL'>
  | Only<'BOOL'>;

export type Item = Record<string, AttributeValue>;

export type ReturnValue = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
export type ReturnValuesOnConditionCheckFailure = 'ALL_OLD' | 'NONE';

/** What every conditional or expression-bearing request may carry; `V` is the value form. */
export interface Expressions<V> {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, V>;
}

export interface GetInput<K> {
  TableName: string;
  Key: K;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
export interface GetOutput<K> {
  Item?: K;
}

export interface PutInput<K, V> extends Expressions<V> {
  TableName: string;
  Item: K;
  ConditionExpression?: string;
  ReturnValues?: ReturnValue;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}
export interface UpdateInput<K, V> extends Expressions<V> {
  TableName: string;
  Key: K;
  UpdateExpression: string;
  ConditionExpression?: string;
  ReturnValues?: ReturnValue;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}
export interface DeleteInput<K, V> extends Expressions<V> {
  TableName: string;
  Key: K;
  ConditionExpression?: string;
  ReturnValues?: ReturnValue;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}
export interface WriteOutput<K> {
  Attributes?: K;
}

export interface QueryInput<K, V> extends Expressions<V> {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
  ScanIndexForward?: boolean;
  Limit?: number;
  Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
  ExclusiveStartKey?: K;
}
export interface ScanInput<K, V> extends Expressions<V> {
  TableName: string;
  IndexName?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
  Limit?: number;
  Segment?: number;
  TotalSegments?: number;
  Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
  ExclusiveStartKey?: K;
}
export interface PageOutput<K> {
  Items?: K[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: K;
}

export interface KeysAndAttributes<K> {
  Keys: K[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
export interface BatchGetInput<K> {
  RequestItems: Record<string, KeysAndAttributes<K>>;
}
export interface BatchGetOutput<K> {
  Responses?: Record<string, K[]>;
  /** Keys DynamoDB did not read this time (ask again for them). */
  UnprocessedKeys?: Record<string, KeysAndAttributes<K>>;
}

export interface WriteRequest<K> {
  PutRequest?: { Item: K };
  DeleteRequest?: { Key: K };
}
export interface BatchWriteInput<K> {
  RequestItems: Record<string, WriteRequest<K>[]>;
}
export interface BatchWriteOutput<K> {
  /** Writes DynamoDB did not make this time (send them again). */
  UnprocessedItems?: Record<string, WriteRequest<K>[]>;
}

export interface ConditionCheckInput<K, V> extends Expressions<V> {
  TableName: string;
  Key: K;
  ConditionExpression: string;
  ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}
type TransactionPart<T> = Omit<T, 'ReturnValues'>;
export interface TransactWriteItem<K, V> {
  ConditionCheck?: ConditionCheckInput<K, V>;
  Put?: TransactionPart<PutInput<K, V>>;
  Delete?: TransactionPart<DeleteInput<K, V>>;
  Update?: TransactionPart<UpdateInput<K, V>>;
}
export interface TransactWriteInput<K, V> {
  TransactItems: TransactWriteItem<K, V>[];
  /** Makes a resent transaction apply once; the client fills one in when absent, as the SDK does. */
  ClientRequestToken?: string;
}
// biome-ignore lint/complexity/noBannedTypes: DynamoDB answers a transaction with an empty object.
export type TransactWriteOutput = {};

export interface TransactGetInput<K> {
  TransactItems: { Get: Omit<GetInput<K>, 'ConsistentRead'> }[];
}
export interface TransactGetOutput<K> {
  Responses?: { Item?: K }[];
}

// Table provisioning (local/create-tables.ts).
export type ScalarAttributeType = 'S' | 'N' | 'B';
export interface AttributeDefinition {
  AttributeName: string;
  AttributeType: ScalarAttributeType;
}
export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
export interface Projection {
  ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  NonKeyAttributes?: string[];
}
export interface GlobalSecondaryIndex {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
}
export type StreamViewType = 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
export interface CreateTableInput {
  TableName: string;
  BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: StreamViewType };
}
export interface TableDescription {
  TableName?: string;
  TableStatus?: string;
  ItemCount?: number;
  KeySchema?: KeySchemaElement[];
  GlobalSecondaryIndexes?: (GlobalSecondaryIndex & { IndexStatus?: string })[];
  StreamSpecification?: { StreamEnabled: boolean; StreamViewType?: StreamViewType };
  LatestStreamArn?: string;
}
export interface CreateTableOutput {
  TableDescription?: TableDescription;
}
export interface DescribeTableInput {
  TableName: string;
}
export interface DescribeTableOutput {
  Table?: TableDescription;
}
export interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  GlobalSecondaryIndexUpdates?: { Create?: GlobalSecondaryIndex; Delete?: { IndexName: string } }[];
}
export interface UpdateTableOutput {
  TableDescription?: TableDescription;
}
export interface DeleteTableInput {
  TableName: string;
}
export interface DeleteTableOutput {
  TableDescription?: TableDescription;
}
export interface TimeToLiveSpecification {
  AttributeName: string;
  Enabled: boolean;
}
export interface UpdateTimeToLiveInput {
  TableName: string;
  TimeToLiveSpecification: TimeToLiveSpecification;
}
export interface UpdateTimeToLiveOutput {
  TimeToLiveSpecification?: TimeToLiveSpecification;
}
export interface DescribeTimeToLiveInput {
  TableName: string;
}
export interface DescribeTimeToLiveOutput {
  TimeToLiveDescription?: {
    TimeToLiveStatus?: 'ENABLING' | 'DISABLING' | 'ENABLED' | 'DISABLED';
    AttributeName?: string;
  };
}
export interface ListTablesInput {
  ExclusiveStartTableName?: string;
  Limit?: number;
}
export interface ListTablesOutput {
  TableNames?: string[];
  LastEvaluatedTableName?: string;
}
