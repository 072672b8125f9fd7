// $connect authorizer: OCPP 1.6 security whitepaper §2 / OCPP 2.0.1 A00 — Basic auth, user = charge point identity.
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizeConnection } from '../shared/connect/authorize';
import { identityFromQuery } from '../shared/edge';
import { refuseReason } from '../shared/lambda/gauges';
import { metrics } from '../shared/lambda/metrics';
import { lambda } from '../shared/lambda/middy';
import { log, setLogKeys } from '../shared/log';
import { CERT_HEADERS, TRANSPORT_HEADER } from '../shared/security/profiles';

const header = (h: Record<string, string | undefined> | null, name: string) =>
  Object.entries(h ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

export const handler = lambda('authorizer', async (event: APIGatewayRequestAuthorizerEvent) => {
  const chargePointId = identityFromQuery(event.queryStringParameters);
  setLogKeys({ chargePointId });
  const decision = await authorizeConnection({
    chargePointId,
    authorization: header(event.headers, 'authorization'),
    subprotocols: header(event.headers, 'sec-websocket-protocol'),
    originSecret: header(event.headers, 'x-origin-verify'),
    sourceIp: event.requestContext?.identity?.sourceIp,
    transport: header(event.headers, TRANSPORT_HEADER),
    clientCertificate: {
      subject: header(event.headers, CERT_HEADERS.subject),
      issuer: header(event.headers, CERT_HEADERS.issuer),
      serial: header(event.headers, CERT_HEADERS.serial),
      sha256: header(event.headers, CERT_HEADERS.sha256),
    },
  });
  if (!decision.allow) {
    log.info('connection refused', { reason: decision.reason });
    metrics.refusedConnect(refuseReason(decision.reason));
    // API Gateway answers 401 for this exact error message, 403 for a Deny policy.
    if (decision.status === 401) throw new Error('Unauthorized');
    return policy('anonymous', 'Deny', event.methodArn);
  }
  return { ...policy(decision.context.chargePointId, 'Allow', event.methodArn), context: decision.context };
});

function policy(principalId: string, effect: 'Allow' | 'Deny', resource: string) {
  return { principalId, policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] } };
}
