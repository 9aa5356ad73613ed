/**
 * The document layer over omnilab's DynamoDB client: items, keys and expression values as plain
 * JS values, marshalled by @aws-sdk/util-dynamodb as the SDK's document client did for the stores
 * (undefined values removed, class instances as maps, numbers as JS numbers, Sets as sets).
 * Commands mirror @aws-sdk/lib-dynamodb's names and shapes, so a store changes only its imports.
 */
import {
  marshall,
  type marshallOptions,
  type NativeAttributeValue,
  unmarshall,
  type unmarshallOptions,
} from '@aws-sdk/util-dynamodb';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDbClient,
  GetItemCommand,
  QueryCommand as LowQueryCommand,
  ScanCommand as LowScanCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from './dynamodb-client';
import type {
  AttributeValue,
  BatchGetInput,
  BatchGetOutput,
  BatchWriteInput,
  BatchWriteOutput,
  DeleteInput,
  Expressions,
  GetInput,
  GetOutput,
  Item,
  KeysAndAttributes,
  PageOutput,
  PutInput,
  QueryInput,
  ScanInput,
  TransactGetInput,
  TransactGetOutput,
  TransactWriteInput,
  TransactWriteItem,
  TransactWriteOutput,
  UpdateInput,
  WriteOutput,
  WriteRequest,
} from './dynamodb-types';

/** An item, key or expression value map as the stores write it. */
export type NativeItem = Record<string, NativeAttributeValue>;

/**
 * util-dynamodb's marshall, typed with this client's AttributeValue: the SDK's union also has an
 * `$unknown` member for values a newer service might send, which marshall never produces.
 */
export function marshallItem(native: NativeItem, options?: marshallOptions): Item {
  return marshall(native, options) as Item;
}

export function unmarshallItem(item: Item, options?: unmarshallOptions): NativeItem {
  return unmarshall(item, options);
}

export interface TranslateOptions {
  marshallOptions?: marshallOptions;
  unmarshallOptions?: unmarshallOptions;
}

export class Translator {
  constructor(private readonly options: TranslateOptions) {}
  item(native: NativeItem): Item {
    return marshallItem(native, this.options.marshallOptions);
  }
  maybeItem(native: NativeItem | undefined): Item | undefined {
    return native === undefined ? undefined : this.item(native);
  }
  native(item: Item): NativeItem {
    return unmarshallItem(item, this.options.unmarshallOptions);
  }
  maybeNative(item: Item | undefined): NativeItem | undefined {
    return item === undefined ? undefined : this.native(item);
  }
  /** The input with its key, item and expression values marshalled; everything else as given. */
  expressions<T extends Expressions<NativeAttributeValue>>(
    input: T,
  ): Omit<T, 'ExpressionAttributeValues'> & { ExpressionAttributeValues?: Record<string, AttributeValue> } {
    const { ExpressionAttributeValues: values, ...rest } = input;
    return values === undefined ? rest : { ...rest, ExpressionAttributeValues: this.item(values) };
  }
  writeRequest(w: WriteRequest<NativeItem>): WriteRequest<Item> {
    return {
      ...(w.PutRequest ? { PutRequest: { Item: this.item(w.PutRequest.Item) } } : {}),
      ...(w.DeleteRequest ? { DeleteRequest: { Key: this.item(w.DeleteRequest.Key) } } : {}),
    };
  }
  nativeWriteRequest(w: WriteRequest<Item>): WriteRequest<NativeItem> {
    return {
      ...(w.PutRequest ? { PutRequest: { Item: this.native(w.PutRequest.Item) } } : {}),
      ...(w.DeleteRequest ? { DeleteRequest: { Key: this.native(w.DeleteRequest.Key) } } : {}),
    };
  }
  keys<K, L>(k: KeysAndAttributes<K>, f: (key: K) => L): KeysAndAttributes<L> {
    return { ...k, Keys: k.Keys.map(f) };
  }
  page(out: PageOutput<Item>): PageOutput<NativeItem> {
    const { Items, LastEvaluatedKey, ...rest } = out;
    return {
      ...rest,
      ...(Items ? { Items: Items.map((i) => this.native(i)) } : {}),
      ...(LastEvaluatedKey ? { LastEvaluatedKey: this.native(LastEvaluatedKey) } : {}),
    };
  }
}

/** A document command: its input in JS values, run through the low-level client. */
export abstract class DocumentCommand<I, O> {
  /** Only carries the output type (never set). */
  declare readonly output?: O;
  constructor(readonly input: I) {}
  abstract run(client: DynamoDbClient, t: Translator): Promise<O>;
}

type V = NativeAttributeValue;

export type GetCommandInput = GetInput<NativeItem>;
export type GetCommandOutput = GetOutput<NativeItem>;
export class GetCommand extends DocumentCommand<GetCommandInput, GetCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<GetCommandOutput> {
    const out = await client.send(new GetItemCommand({ ...this.input, Key: t.item(this.input.Key) }));
    return out.Item ? { Item: t.native(out.Item) } : {};
  }
}

export type PutCommandInput = PutInput<NativeItem, V>;
export type PutCommandOutput = WriteOutput<NativeItem>;
export class PutCommand extends DocumentCommand<PutCommandInput, PutCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<PutCommandOutput> {
    const out = await client.send(
      new PutItemCommand({ ...t.expressions(this.input), Item: t.item(this.input.Item) }),
    );
    return out.Attributes ? { Attributes: t.native(out.Attributes) } : {};
  }
}

export type UpdateCommandInput = UpdateInput<NativeItem, V>;
export type UpdateCommandOutput = WriteOutput<NativeItem>;
export class UpdateCommand extends DocumentCommand<UpdateCommandInput, UpdateCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<UpdateCommandOutput> {
    const out = await client.send(
      new UpdateItemCommand({ ...t.expressions(this.input), Key: t.item(this.input.Key) }),
    );
    return out.Attributes ? { Attributes: t.native(out.Attributes) } : {};
  }
}

export type DeleteCommandInput = DeleteInput<NativeItem, V>;
export type DeleteCommandOutput = WriteOutput<NativeItem>;
export class DeleteCommand extends DocumentCommand<DeleteCommandInput, DeleteCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<DeleteCommandOutput> {
    const out = await client.send(
      new DeleteItemCommand({ ...t.expressions(this.input), Key: t.item(this.input.Key) }),
    );
    return out.Attributes ? { Attributes: t.native(out.Attributes) } : {};
  }
}

export type QueryCommandInput = QueryInput<NativeItem, V>;
export type QueryCommandOutput = PageOutput<NativeItem>;
export class QueryCommand extends DocumentCommand<QueryCommandInput, QueryCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<QueryCommandOutput> {
    const { ExclusiveStartKey, ...input } = t.expressions(this.input);
    const start = t.maybeItem(ExclusiveStartKey);
    return t.page(
      await client.send(new LowQueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) })),
    );
  }
}

export type ScanCommandInput = ScanInput<NativeItem, V>;
export type ScanCommandOutput = PageOutput<NativeItem>;
export class ScanCommand extends DocumentCommand<ScanCommandInput, ScanCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<ScanCommandOutput> {
    const { ExclusiveStartKey, ...input } = t.expressions(this.input);
    const start = t.maybeItem(ExclusiveStartKey);
    return t.page(
      await client.send(new LowScanCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) })),
    );
  }
}

export type BatchGetCommandInput = BatchGetInput<NativeItem>;
export type BatchGetCommandOutput = BatchGetOutput<NativeItem>;
export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<BatchGetCommandOutput> {
    const RequestItems = Object.fromEntries(
      Object.entries(this.input.RequestItems).map(([table, k]) => [table, t.keys(k, (key) => t.item(key))]),
    );
    const out = await client.send(new BatchGetItemCommand({ RequestItems }));
    return {
      ...(out.Responses
        ? {
            Responses: Object.fromEntries(
              Object.entries(out.Responses).map(([table, items]) => [table, items.map((i) => t.native(i))]),
            ),
          }
        : {}),
      ...(out.UnprocessedKeys
        ? {
            UnprocessedKeys: Object.fromEntries(
              Object.entries(out.UnprocessedKeys).map(([table, k]) => [
                table,
                t.keys(k, (key) => t.native(key)),
              ]),
            ),
          }
        : {}),
    };
  }
}

export type BatchWriteCommandInput = BatchWriteInput<NativeItem>;
export type BatchWriteCommandOutput = BatchWriteOutput<NativeItem>;
export class BatchWriteCommand extends DocumentCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<BatchWriteCommandOutput> {
    const RequestItems = Object.fromEntries(
      Object.entries(this.input.RequestItems).map(([table, ws]) => [table, ws.map((w) => t.writeRequest(w))]),
    );
    const out = await client.send(new BatchWriteItemCommand({ RequestItems }));
    return out.UnprocessedItems
      ? {
          UnprocessedItems: Object.fromEntries(
            Object.entries(out.UnprocessedItems).map(([table, ws]) => [
              table,
              ws.map((w) => t.nativeWriteRequest(w)),
            ]),
          ),
        }
      : {};
  }
}

export type TransactWriteCommandInput = TransactWriteInput<NativeItem, V>;
export type TransactWriteCommandOutput = TransactWriteOutput;
export class TransactWriteCommand extends DocumentCommand<
  TransactWriteCommandInput,
  TransactWriteCommandOutput
> {
  async run(client: DynamoDbClient, t: Translator): Promise<TransactWriteCommandOutput> {
    const part = (i: TransactWriteItem<NativeItem, V>): TransactWriteItem<Item, AttributeValue> => ({
      ...(i.ConditionCheck
        ? { ConditionCheck: { ...t.expressions(i.ConditionCheck), Key: t.item(i.ConditionCheck.Key) } }
        : {}),
      ...(i.Put ? { Put: { ...t.expressions(i.Put), Item: t.item(i.Put.Item) } } : {}),
      ...(i.Delete ? { Delete: { ...t.expressions(i.Delete), Key: t.item(i.Delete.Key) } } : {}),
      ...(i.Update ? { Update: { ...t.expressions(i.Update), Key: t.item(i.Update.Key) } } : {}),
    });
    return client.send(
      new TransactWriteItemsCommand({ ...this.input, TransactItems: this.input.TransactItems.map(part) }),
    );
  }
}

export type TransactGetCommandInput = TransactGetInput<NativeItem>;
export type TransactGetCommandOutput = TransactGetOutput<NativeItem>;
export class TransactGetCommand extends DocumentCommand<TransactGetCommandInput, TransactGetCommandOutput> {
  async run(client: DynamoDbClient, t: Translator): Promise<TransactGetCommandOutput> {
    const out = await client.send(
      new TransactGetItemsCommand({
        TransactItems: this.input.TransactItems.map((g) => ({ Get: { ...g.Get, Key: t.item(g.Get.Key) } })),
      }),
    );
    return out.Responses ? { Responses: out.Responses.map((r) => ({ Item: t.maybeNative(r.Item) })) } : {};
  }
}

/** Sends document commands through one low-level client, with one set of marshalling options. */
export class DynamoDocumentClient {
  private readonly translator: Translator;
  constructor(
    readonly client: DynamoDbClient,
    options: TranslateOptions = {},
  ) {
    this.translator = new Translator(options);
  }
  static from(client: DynamoDbClient, options: TranslateOptions = {}): DynamoDocumentClient {
    return new DynamoDocumentClient(client, options);
  }
  send<I, O>(command: DocumentCommand<I, O>): Promise<O> {
    return command.run(this.client, this.translator);
  }
  destroy(): void {
    this.client.destroy();
  }
}
