import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { REPO_ROOT } from '../../infra/constructs/csms-function';
import { OriginSecret } from '../../infra/constructs/edge';
import { DEFAULT_SETTINGS, settingsFromContext } from '../../infra/constructs/settings';

/** Context as `cdk deploy -c key=value` (strings) or cdk.json (JSON values) passes it. */
const settings = (context: Record<string, unknown>) => settingsFromContext(new App({ context }).node);

describe('deployment settings from CDK context', () => {
  it('defaults to per-action routes, no auto-registration, retained data, 30-day logs', () => {
    expect(settings({})).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toMatchObject({ routing: 'routes', autoRegister: false, destroyOnRemoval: false, logRetention: RetentionDays.ONE_MONTH, heartbeatInterval: 300 });
  });

  it('keeps cdk.json in line with the defaults', () => {
    const context = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
    expect(settings(context)).toEqual(DEFAULT_SETTINGS);
  });

  it('reads command-line strings and JSON values alike', () => {
    expect(settings({ routing: 'dispatcher', autoRegister: 'true', destroyOnRemoval: true, heartbeatInterval: '120', logRetentionDays: '7' })).toMatchObject({
      routing: 'dispatcher',
      autoRegister: true,
      destroyOnRemoval: true,
      heartbeatInterval: 120,
      logRetention: RetentionDays.ONE_WEEK,
    });
  });

  it('refuses values that would deploy something broken', () => {
    expect(() => settings({ routing: 'lambda' })).toThrow(/routing/);
    expect(() => settings({ autoRegister: 'yes' })).toThrow(/autoRegister/);
    expect(() => settings({ heartbeatInterval: '900' })).toThrow(/idle timeout/);
    expect(() => settings({ callTimeoutMs: '30000' })).toThrow(/29 s/);
    expect(() => settings({ logRetentionDays: '31' })).toThrow(/logRetentionDays/);
    expect(() => settings({ domainName: 'csms.example.com' })).toThrow(/certificateArn/);
    expect(() => settings({ stageName: 'a/b' })).toThrow(/stageName/);
    expect(() => settings({ diagnosticsRetentionDays: '0' })).toThrow(/diagnosticsRetentionDays/);
    expect(() => settings({ diagnosticsRetentionDays: '4000' })).toThrow(/diagnosticsRetentionDays/);
    expect(() => settings({ messageLogDays: '-1' })).toThrow(/messageLogDays/);
    expect(() => settings({ messageLogDays: '5000' })).toThrow(/messageLogDays/);
    expect(() => settings({ allowConcurrentTx: 'no' })).toThrow(/allowConcurrentTx/);
    expect(() => settings({ authCacheExpirySeconds: '0' })).toThrow(/authCacheExpirySeconds/);
    expect(() => settings({ authCacheExpirySeconds: '1.5' })).toThrow(/authCacheExpirySeconds/);
    expect(() => settings({ fleetSize: '0' })).toThrow(/fleetSize/);
    expect(() => settings({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y' })).toThrow(/CLOUDFRONT-scope/);
  });

  it('leaves the region\'s API Gateway account role alone and logs workflows at ERROR without data unless told', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ apiGatewayAccountRole: false, workflowLogLevel: 'ERROR', workflowLogExecutionData: false });
    expect(settings({ apiGatewayAccountRole: 'true', workflowLogLevel: 'all', workflowLogExecutionData: 'true' })).toMatchObject({ apiGatewayAccountRole: true, workflowLogLevel: 'ALL', workflowLogExecutionData: true });
    expect(() => settings({ workflowLogLevel: 'DEBUG' })).toThrow(/workflowLogLevel/);
  });

  it('sizes from fleetSize unless throttles are given, and takes a CloudFront web ACL', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ fleetSize: 1000, reservedConcurrency: true });
    expect(settings({}).throttleRate).toBeUndefined();
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/csms-edge/0123abcd-0000-1111-2222-333344445555';
    expect(settings({ fleetSize: '50000', throttleRate: '800', throttleBurst: 1600, reservedConcurrency: 'false', webAclArn: arn })).toMatchObject({ fleetSize: 50000, throttleRate: 800, throttleBurst: 1600, reservedConcurrency: false, webAclArn: arn });
  });

  it('reads the retention and operator policy options', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ diagnosticsRetentionDays: 90, messageLogDays: 30, allowConcurrentTx: true });
    expect(DEFAULT_SETTINGS.authCacheExpirySeconds).toBeUndefined();
    expect(settings({ diagnosticsRetentionDays: '7', messageLogDays: 0, allowConcurrentTx: 'false', authCacheExpirySeconds: '3600' })).toMatchObject({
      diagnosticsRetentionDays: 7,
      messageLogDays: 0,
      allowConcurrentTx: false,
      authCacheExpirySeconds: 3600,
    });
  });
});

describe('origin secret', () => {
  const resolved = (props: ConstructorParameters<typeof OriginSecret>[2]) => {
    const stack = new Stack(new App(), 'Csms');
    return JSON.stringify(stack.resolve(new OriginSecret(stack, 'OriginSecret', props).value));
  };

  it('is a dynamic reference to the generated secret, pinned to a version after a rotation', () => {
    expect(resolved({ destroyOnRemoval: false })).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:::\}\}/);
    expect(resolved({ destroyOnRemoval: false, version: 'v-123' })).toContain(':SecretString:::v-123}}');
  });

  it('is derived per stack from a master secret', () => {
    const a = resolved({ destroyOnRemoval: false, masterSecret: 'm' });
    expect(a).toMatch(/^"[0-9a-f]{64}"$/);
    expect(resolved({ destroyOnRemoval: false, masterSecret: 'm' })).toBe(a);
    expect(resolved({ destroyOnRemoval: false, masterSecret: 'other' })).not.toBe(a);
  });
});
