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
