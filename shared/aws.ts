import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { config } from './config';

/**
 * AWS SDK clients, created once per process (Lambda container) and shared by all handlers.
 * Endpoints come from the environment, so the same code talks to AWS or to the local runtime.
 */
let doc: DynamoDBDocumentClient | undefined;
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

export function db(): DynamoDBDocumentClient {
  if (!doc) {
    const client = new DynamoDBClient({ endpoint: config.dynamoEndpoint(), maxAttempts: 5 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        dynamoOperationCounts.set(name, (dynamoOperationCounts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countOperations' },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        const stat = operationStat(context.commandName ?? 'unknown', input);
        const track = dynamoCapacityTracking.enabled && CAPACITY_COMMANDS.has(context.commandName ?? '');
        try {
          const out = await next(track ? { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } } : args);
          if (track) stat.capacityUnits += capacityOf(out.output as { ConsumedCapacity?: unknown });
          return out;
        } catch (e) {
          stat.failed++;
          throw e;
        }
      },
      { step: 'initialize', name: 'recordOperationStats' },
    );
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }
  return doc;
}

export function connections(): ApiGatewayManagementApiClient {
  const endpoint = config.connectionsEndpoint();
  if (!mgmt || mgmt.endpoint !== endpoint) {
    mgmt = { endpoint, client: new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 2 }) };
  }
  return mgmt.client;
}

/** Forget cached clients (the local runtime calls this after pointing the environment elsewhere). */
export function resetClients(): void {
  doc = undefined;
  mgmt = undefined;
}
