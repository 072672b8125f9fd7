// Diagnostics uploads from charge points in the cloud (1.6 §5.9 GetDiagnostics `location`, a
// directory the station appends its file name to): an HTTP API route without IAM, the per-job token
// in the path is the capability (shared/diagnostics/storage.ts S3UploadStorage.receive).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { S3UploadStorage } from '../shared/diagnostics/storage';
import { lambda } from '../shared/lambda/middy';

const PREFIX = '/uploads/';

export async function receiveUpload(event: APIGatewayProxyEventV2, storage = new S3UploadStorage(process.env.DIAGNOSTICS_BUCKET ?? '')): Promise<APIGatewayProxyStructuredResultV2> {
  const path = event.rawPath.startsWith(PREFIX) ? event.rawPath.slice(PREFIX.length) : '';
  const body = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  const reply = await storage.receive({ method: event.requestContext.http.method, path, contentType, body });
  return { statusCode: reply.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply.body) };
}

export const handler = lambda('upload', (event: APIGatewayProxyEventV2) => receiveUpload(event));
