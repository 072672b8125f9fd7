/**
 * OCPP 1.6 over SOAP in the synthesized stack (docs/soap.md): POST /ocpp/soap on the HTTP API
 * without IAM to the SOAP Lambda, a CloudFront behaviour of the charge point distribution in front
 * of it with the origin secret, the secret in that Lambda; and the bundled Lambda answering a SOAP
 * request in a fresh Node process (the WSDL models travel in the bundle).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CsmsStack } from '../../infra/csms-stack';
import { REPO_ROOT } from '../../infra/constructs/csms-function';
import { BUILD_SETTINGS } from '../bench/bundles';
import { bootCsms } from '../support/local';
import { newId } from '../support/clients';

type Resource = { Type: string; Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
const SOAP = 'OCPP 1.6 SOAP stations: CentralSystemService at POST /ocpp/soap';
let resources: Record<string, Resource>;
let template: Template;
beforeAll(() => {
  const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(new CsmsStack(app, 'Csms'));
  resources = template.toJSON().Resources;
});
const ofType = (t: string) => Object.entries(resources).filter(([, r]) => r.Type === t);
const refs = (v: unknown): string[] => {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as { Ref?: string; 'Fn::GetAtt'?: [string] };
      if (o.Ref) out.push(o.Ref);
      if (o['Fn::GetAtt']) out.push(o['Fn::GetAtt'][0]);
      Object.values(x).forEach(walk);
    }
  };
  walk(v);
  return out;
};

describe('the stack serves OCPP 1.6 SOAP', () => {
  it('routes POST /ocpp/soap of the HTTP API, without IAM, payload 2.0, to the SOAP Lambda', () => {
    const httpApi = ofType('AWS::ApiGatewayV2::Api').find(([, r]) => r.Properties.ProtocolType === 'HTTP')![0];
    const route = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => refs(r.Properties.ApiId).includes(httpApi) && r.Properties.RouteKey === 'POST /ocpp/soap')![1];
    expect(route.Properties.AuthorizationType).toBe('NONE');
    const integration = resources[refs(route.Properties.Target)[0]];
    expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
    const fn = resources[refs(integration.Properties.IntegrationUri).find((id) => resources[id]?.Type === 'AWS::Lambda::Function')!];
    expect(fn.Properties.Description).toBe(SOAP);
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(30); // HTTP API integrations stop at 30 s
  });

  it('puts CloudFront in front: /ocpp/soap of the charge point distribution goes to the HTTP API with the origin secret the SOAP Lambda checks', () => {
    const [, dist] = ofType('AWS::CloudFront::Distribution')[0];
    const cfg = dist.Properties.DistributionConfig;
    const behavior = cfg.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/ocpp/soap');
    expect(behavior).toMatchObject({ ViewerProtocolPolicy: 'https-only', CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', AllowedMethods: expect.arrayContaining(['POST']) });
    const origin = cfg.Origins.find((o: { Id: string }) => o.Id === behavior.TargetOriginId);
    const httpApi = ofType('AWS::ApiGatewayV2::Api').find(([, r]) => r.Properties.ProtocolType === 'HTTP')![0];
    expect(refs(origin.DomainName)).toContain(httpApi);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    const secret = origin.OriginCustomHeaders.find((h: { HeaderName: string }) => h.HeaderName === 'x-origin-verify').HeaderValue;
    const soapFn = ofType('AWS::Lambda::Function').find(([, f]) => f.Properties.Description === SOAP)![1];
    expect(soapFn.Properties.Environment.Variables.CSMS_ORIGIN_SECRET).toEqual(secret);
    expect(origin.OriginCustomHeaders).toContainEqual({ HeaderName: 'x-csms-transport', HeaderValue: 'tls' });
  });

  it('outputs the SOAP endpoint on the distribution', () => {
    const value = JSON.stringify(template.findOutputs('SoapUrl').SoapUrl.Value);
    expect(value).toContain('/ocpp/soap');
    expect(value).toContain('DomainName');
  });
});

describe('the bundled SOAP Lambda', () => {
  it('answers a SOAP BootNotification in a fresh Node process', async () => {
    const csms = await bootCsms();
    const dir = mkdtempSync(join(tmpdir(), 'csms-soap-bundle-'));
    try {
      const outfile = join(dir, 'index.js');
      await esbuild.build({ ...BUILD_SETTINGS, entryPoints: [join(__dirname, '../../functions/soap.ts')], outfile, logLevel: 'silent' });
      const id = newId('SOAPB');
      await csms.api.put(`/charge-points/${id}`, {});
      const body = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:cs="urn://Ocpp/Cs/2015/10/"><s:Header>`
        + `<cs:chargeBoxIdentity>${id}</cs:chargeBoxIdentity><a:Action>/BootNotification</a:Action><a:MessageID>urn:uuid:0f9d3c1e-0000-4000-8000-000000000001</a:MessageID>`
        + `</s:Header><s:Body><cs:bootNotificationRequest><cs:chargePointVendor>Acme</cs:chargePointVendor><cs:chargePointModel>B1</cs:chargePointModel></cs:bootNotificationRequest></s:Body></s:Envelope>`;
      const event = { version: '2.0', headers: { 'content-type': 'application/soap+xml' }, body, isBase64Encoded: false, requestContext: { http: { method: 'POST', sourceIp: '192.0.2.1' } } };
      const script = `require(${JSON.stringify(outfile)}).handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 20000 }).then((r) => process.stdout.write('\\n' + JSON.stringify(r)))`;
      const run = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', DYNAMODB_ENDPOINT: csms.dynamoEndpoint, CSMS_MESSAGE_LOG: 'false', LOG_LEVEL: 'silent' },
      });
      expect(run.stderr).toBe('');
      const answer = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toContain('<status>Accepted</status>');
      expect((await csms.api.get(`/charge-points/${id}`)).body).toMatchObject({ transport: 'soap', boot: { vendor: 'Acme', model: 'B1' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await csms.close();
    }
  });
});
