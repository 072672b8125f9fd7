import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AWS_QUOTAS, capacityFor } from '../../infra/constructs/capacity';
import { Edge } from '../../infra/constructs/edge';
import { WebSocketGateway } from '../../infra/constructs/websocket-gateway';

describe('capacity from fleetSize', () => {
  it('sizes a 1,000-station fleet well inside the account quotas', () => {
    const c = capacityFor(1000);
    expect(c).toMatchObject({ connectRate: 17, stageRate: 17 + 17 * 5, stageBurst: 204, authorizerConcurrency: 11, connectConcurrency: 7, warnings: [] });
    expect(c.stormSeconds).toBeLessThanOrEqual(60);
  });
  it('never throttles $connect above the 500/s account quota, and says which quota to raise', () => {
    const c = capacityFor(1_000_000);
    expect(c.connectRate).toBe(AWS_QUOTAS.newConnectionsPerSecond);
    expect(c.stormSeconds).toBe(2000);
    expect(c.steadyReconnectsPerSecond).toBeCloseTo(138.9, 1);
    expect(c.stageBurst).toBe(5000);
    expect(c.warnings.join('\n')).toMatch(/New connections per second" = 16667/);
    expect(c.warnings.join('\n')).toMatch(/Throttle rate" ≥ 19667/);
  });
  it('keeps small fleets at a floor and refuses nonsense', () => {
    expect(capacityFor(1)).toMatchObject({ connectRate: 10, stageRate: 100, stageBurst: 200, authorizerConcurrency: 6, connectConcurrency: 5 });
    expect(() => capacityFor(0)).toThrow(/fleetSize/);
  });
});

describe('WebSocket gateway construct', () => {
  const build = (accountRole: boolean) => {
    const stack = new Stack(new App(), 'Gw');
    const fn = (id: string) => new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler=async()=>({})') });
    const gw = new WebSocketGateway(stack, 'Gateway', { stageName: 'ocpp', throttleRate: 102, throttleBurst: 204, connectThrottle: { rate: 17, burst: 34 }, logRetention: RetentionDays.ONE_WEEK, destroyOnRemoval: true, accountRole });
    gw.addRoutes({ authorizer: fn('A'), connect: fn('C'), disconnect: fn('D'), router: fn('R'), actions: { Heartbeat: fn('H') } });
    return Template.fromStack(stack);
  };
  it('does not touch the region\'s API Gateway account setting unless asked', () => {
    build(false).resourceCountIs('AWS::ApiGateway::Account', 0);
    const on = build(true);
    on.resourceCountIs('AWS::ApiGateway::Account', 1);
    expect(Object.values(on.findResources('AWS::ApiGateway::Account'))[0].DeletionPolicy).toBe('Retain');
  });
  it('throttles the stage and, tighter, $connect', () => {
    const t = build(false);
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 102, ThrottlingBurstLimit: 204 },
      RouteSettings: { $connect: { ThrottlingRateLimit: 17, ThrottlingBurstLimit: 34 } },
    });
    const [stage] = Object.values(t.findResources('AWS::ApiGatewayV2::Stage'));
    const connectRouteId = Object.entries(t.findResources('AWS::ApiGatewayV2::Route')).find(([, r]) => r.Properties.RouteKey === '$connect')![0];
    expect(stage.DependsOn).toContain(connectRouteId);
  });
});

describe('edge web ACL', () => {
  const distribution = (webAclArn?: string) => {
    const stack = new Stack(new App(), 'Edge');
    new Edge(stack, 'Edge', { apiDomainName: 'x.execute-api.eu-west-1.amazonaws.com', stageName: 'ocpp', originSecret: 's', accessLogs: false, destroyOnRemoval: true, webAclArn });
    return Object.values(Template.fromStack(stack).findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
  };
  it('attaches the web ACL given by ARN, none by default', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/csms-edge/0123abcd-0000-1111-2222-333344445555';
    expect(distribution(arn).WebACLId).toBe(arn);
    expect(distribution().WebACLId).toBeUndefined();
  });
});
