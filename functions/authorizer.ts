// $connect authorizer: OCPP 1.6 security whitepaper §2 / OCPP 2.0.1 A00 — Basic auth, user = charge point identity.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeConnection } from '../shared/connect/authorize';
import { identityFromQuery } from '../shared/edge';
import { log } from '../shared/log';

const header = (h: Record<string, string | undefined> | null, name: string) =>
  Object.entries(h ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

export const handler = async (event: APIGatewayRequestAuthorizerEvent) => {
  const decision = await authorizeConnection({
    chargePointId: identityFromQuery(event.queryStringParameters),
    authorization: header(event.headers, 'authorization'),
    subprotocols: header(event.headers, 'sec-websocket-protocol'),
    originSecret: header(event.headers, 'x-origin-verify'),
    sourceIp: event.requestContext?.identity?.sourceIp,
  });
  if (!decision.allow) {
    log.info('connection refused', { chargePointId: event.queryStringParameters?.cpid, reason: decision.reason });
    // API Gateway answers 401 for this exact error message, 403 for a Deny policy.
    if (decision.status === 401) throw new Error('Unauthorized');
    return policy('anonymous', 'Deny', event.methodArn);
  }
  return { ...policy(decision.context.chargePointId, 'Allow', event.methodArn), context: decision.context };
};

function policy(principalId: string, effect: 'Allow' | 'Deny', resource: string) {
  return { principalId, policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] } };
}
