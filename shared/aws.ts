import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from './config';
import { LeanDynamoClient, type OperationHook } from './dynamo-client';
import { traced, tracingOn } from './lambda/tracing';

/**
 * AWS SDK clients, created once per process (Lambda container) and shared by all handlers.
 * Endpoints come from the environment, so the same code talks to AWS or to the local runtime.
 */
let doc: DynamoDBDocumentClient | undefined;
let lean: LeanDynamoClient | undefined;
let audit: LeanDynamoClient | undefined;
let mgmt: { endpoint: string; client: ApiGatewayManagementApiClient } | undefined;

/** Counts DynamoDB operations by command name (read by `npm run bench`). */
export const dynamoOperationCounts = new Map<string, number>();

/**
 * Per command and table detail for `npm run bench` (key `${commandName} ${table}`): how many
 * operations, how many failed (a failed conditional write is still billed), and the capacity
 * units DynamoDB reported. Capacity is only asked for (ReturnConsumedCapacity TOTAL) while
 * `dynamoCapacityTracking.enabled` is set, so normal operation sends the same requests as before.
 */
export interface DynamoOperationStat {
  count: number;
  failed: number;
  capacityUnits: number;
}
export const dynamoOperationStats = new Map<string, DynamoOperationStat>();
export const dynamoCapacityTracking = { enabled: false };

/** The data-plane commands that accept ReturnConsumedCapacity. */
const CAPACITY_COMMANDS = new Set([
  'GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand', 'ScanCommand',
  'BatchGetItemCommand', 'BatchWriteItemCommand', 'TransactGetItemsCommand', 'TransactWriteItemsCommand',
]);

function tablesOf(input: Record<string, unknown> | undefined): string {
  if (!input) return '?';
  if (typeof input.TableName === 'string') return input.TableName;
  if (input.RequestItems && typeof input.RequestItems === 'object') return Object.keys(input.RequestItems).sort().join('+');
  if (Array.isArray(input.TransactItems)) {
    const names = input.TransactItems.map((t: Record<string, { TableName?: string }>) => Object.values(t)[0]?.TableName ?? '?');
    return [...new Set(names)].sort().join('+');
  }
  return '?';
}

function capacityOf(output: { ConsumedCapacity?: unknown } | undefined): number {
  const c = output?.ConsumedCapacity;
  const list = (Array.isArray(c) ? c : c ? [c] : []) as Array<{ CapacityUnits?: number }>;
  return list.reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0);
}

function operationStat(commandName: string, input: Record<string, unknown> | undefined): DynamoOperationStat {
  const key = `${commandName} ${tablesOf(input)}`;
  let stat = dynamoOperationStats.get(key);
  if (!stat) dynamoOperationStats.set(key, (stat = { count: 0, failed: 0, capacityUnits: 0 }));
  stat.count++;
  return stat;
}

/** Counts the operation and records its stats (the same bookkeeping for both send paths). */
const recordOperation: OperationHook = (commandName, input) => {
  dynamoOperationCounts.set(commandName, (dynamoOperationCounts.get(commandName) ?? 0) + 1);
  const stat = operationStat(commandName, input);
  const track = dynamoCapacityTracking.enabled && CAPACITY_COMMANDS.has(commandName);
  return {
    input: track ? { ...input, ReturnConsumedCapacity: 'TOTAL' } : input,
    done: (output, failed) => {
      if (failed) stat.failed++;
      else if (track) stat.capacityUnits += capacityOf(output as { ConsumedCapacity?: unknown });
    },
  };
};

/** Connections kept open to DynamoDB (CSMS_DYNAMODB_MAX_SOCKETS; the SDK's default is 50). */
const maxSockets = () => {
  const n = Number(process.env.CSMS_DYNAMODB_MAX_SOCKETS);
  return Number.isInteger(n) && n > 0 ? n : 50;
};

/**
 * The document client every store uses. Its `send` takes the lib-dynamodb commands; the data-plane
 * ones go straight over DynamoDB's JSON protocol (shared/dynamo-client.ts: same signing,
 * credentials, endpoint, marshalling, errors and retries as the SDK, a fraction of its CPU), the
 * rest through the SDK client.
 */
export function db(): DynamoDBDocumentClient {
  if (!doc) {
    const client = traced(new DynamoDBClient({ endpoint: config.dynamoEndpoint(), maxAttempts: 5 }));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const { input, done } = recordOperation(context.commandName ?? 'unknown', args.input as Record<string, unknown>);
        try {
          const out = await next({ ...args, input });
          done(out.output as unknown as Record<string, unknown>, false);
          return out;
        } catch (e) {
          done(undefined, true);
          throw e;
        }
      },
      { step: 'initialize', name: 'recordOperationStats' },
    );
    const sdkDoc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    if (process.env.CSMS_DYNAMODB_CLIENT === 'sdk' || tracingOn()) {
      // The escape hatch: every command through the SDK's own pipeline (docs/performance.md); with
      // X-Ray tracing on, too, so that every call is a subsegment (shared/lambda/tracing.ts).
      doc = sdkDoc;
    } else {
      lean = new LeanDynamoClient(client, sdkDoc, config.dynamoEndpoint(), { maxSockets: maxSockets(), maxAttempts: 5, requestTimeoutMs: 10_000 }, recordOperation);
      doc = lean as unknown as DynamoDBDocumentClient;
    }
  }
  return doc;
}

/**
 * The client of the audit log's writes: the same client on a small pool of its own, so that when
 * many messages arrive at once the audit entry — the last write before an answer — does not wait
 * behind the first writes of every message that came in after it (answers then flow out at the
 * rate the database sustains instead of all at the end of the burst). On AWS, one more socket.
 */
export function auditDb(): DynamoDBDocumentClient {
  const main = db();
  if (!lean) return main;
  audit ??= lean.withPool(4);
  return audit as unknown as DynamoDBDocumentClient;
}

export function connections(): ApiGatewayManagementApiClient {
  const endpoint = config.connectionsEndpoint();
  if (!mgmt || mgmt.endpoint !== endpoint) {
    mgmt = { endpoint, client: traced(new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 2 })) };
  }
  return mgmt.client;
}

/** Forget cached clients (the local runtime calls this after pointing the environment elsewhere). */
export function resetClients(): void {
  lean?.destroy();
  audit?.destroy();
  lean = undefined;
  audit = undefined;
  doc = undefined;
  mgmt = undefined;
}
