/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles (an esbuild alias, see
 * aliases.ts). The SDK imports it lazily for operations with event-stream payloads; none of the
 * operations the CSMS uses (DynamoDB, API Gateway Management API, Step Functions, S3
 * PutObject/GetObject and presigning) has one, yet esbuild inlines the dynamic import: ~15 kB of
 * every bundle. The S3 client still resolves an event-stream marshaller when it is created: it
 * gets one that fails loudly if an event-stream operation is ever called.
 */
const missing = (): never => {
  throw new Error('@smithy/core/event-streams is not bundled (infra/lambda/no-event-streams.ts): remove the alias to use an event-stream operation');
};
export class EventStreamSerde {
  constructor() {
    missing();
  }
}
export const eventStreamSerdeProvider = () => ({ serialize: missing, deserialize: missing });
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(input: T) =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
