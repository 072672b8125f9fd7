import { authorizeConnection } from '../../shared/connect/authorize';
import { identityFromQuery } from '../../shared/edge';
import { offeredSpelling } from '../../shared/ocpp/protocol';
import { apiGatewayQuery, loadRewriteFunction, viewerRequest } from '../../infra/local/cloudfront-function';

describe('the identity CloudFront hands to the authorizer', () => {
  const rewrite = loadRewriteFunction();
  it.each(['CP001', 'a+b', 'a&cpid=b', '100%', '%41', 'x#y?z=1'])('%s survives the rewrite whether or not API Gateway decodes the query', (id) => {
    for (const values of ['decoded', 'raw'] as const) {
      const out = viewerRequest(rewrite, `/ocpp/${encodeURIComponent(id)}`, values);
      expect('query' in out && identityFromQuery(out.query)).toBe(id);
    }
  });
  it('the origin query string carries the identity percent-encoded', () => {
    const out = rewrite({ request: { uri: '/ocpp/a%26b', querystring: {}, headers: {} } });
    expect('querystring' in out && out.querystring.cpid.value).toBe('a%26b');
    expect(apiGatewayQuery('cpid=a%26b&pct=%25', 'raw')).toEqual({ cpid: 'a%26b', pct: '%25' });
  });
  it('refuses other paths and broken escapes', () => {
    expect(viewerRequest(rewrite, '/elsewhere/CP1', 'decoded')).toMatchObject({ statusCode: 404 });
    expect(viewerRequest(rewrite, '/ocpp/%E0%A4%A', 'decoded')).toMatchObject({ statusCode: 400 });
  });
  it('a cpid that is not valid percent-encoding under the raw marker is no identity', () => {
    expect(identityFromQuery({ cpid: '%zz', pct: '%25' })).toBeUndefined();
  });
});

describe('fail closed', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  it('inside a Lambda an empty origin secret refuses the connection before anything is read', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'Csms-Authorizer';
    process.env.CSMS_ORIGIN_SECRET = '';
    await expect(authorizeConnection({ chargePointId: 'CP1', authorization: undefined, subprotocols: 'ocpp1.6', originSecret: '' })).resolves.toMatchObject({ allow: false, status: 403 });
  });
});

describe('subprotocol spelling', () => {
  it('answers the token as offered', () => {
    expect(offeredSpelling('OCPP1.6', 'ocpp1.6')).toBe('OCPP1.6');
    expect(offeredSpelling('ocpp2.0.1, OCPP1.6', 'ocpp1.6')).toBe('OCPP1.6');
    expect(offeredSpelling('ocpp1.6', 'ocpp1.6')).toBe('ocpp1.6');
  });
});
