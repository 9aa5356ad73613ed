/**
 * What the Lambda bundles get in place of @smithy/core/event-streams (an esbuild alias,
 * infra/function-bundling.ts): the SDK's HTTP protocol imports it lazily, only for operations with
 * event-stream members, and DynamoDB has none, so its 15 kB minified never need to ship.
 */
function unused(): never {
  throw new Error('event streams are not bundled: no DynamoDB operation uses them');
}

export class EventStreamSerde {
  constructor() {
    unused();
  }
}

export const eventStreamSerdeProvider = (): never => unused();
