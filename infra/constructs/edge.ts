import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as CloudFrontFunction,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { REPO_ROOT } from './csms-function';
import { acknowledge } from './nag';

/** The header CloudFront adds and the authorizer checks (functions/authorizer.ts). */
export const ORIGIN_HEADER = 'x-origin-verify';

/**
 * The value of the secret origin header, which proves a request came through our CloudFront
 * distribution and not straight to the execute-api URL.
 *
 *  - Context `originSecret` given: the value is HMAC-SHA256(originSecret, "csms-origin-verify/<stack>")
 *    — deterministic, so synth after synth changes nothing, different per stack, and the master
 *    secret itself never reaches the template (the derived value does: treat cdk.out as sensitive).
 *  - Otherwise: a Secrets Manager secret generated at deploy time, referenced with a CloudFormation
 *    dynamic reference (`{{resolve:secretsmanager:...}}`), so no value is in the template or the
 *    cloud assembly. CloudFormation resolves it into the CloudFront origin header and the
 *    authorizer's CSMS_ORIGIN_SECRET, where it is visible to principals that may read the
 *    distribution config or the function configuration (documented in docs/deploy.md).
 */
export class OriginSecret extends Construct {
  readonly value: string;
  readonly secret?: Secret;

  constructor(scope: Construct, id: string, props: { masterSecret?: string; version?: string; destroyOnRemoval: boolean }) {
    super(scope, id);
    if (props.masterSecret) {
      this.value = createHmac('sha256', props.masterSecret).update(`csms-origin-verify/${Stack.of(this).stackName}`).digest('hex');
      return;
    }
    this.secret = new Secret(this, 'Secret', {
      description: `Header ${ORIGIN_HEADER} that CloudFront adds to charge point connections`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // A pinned version changes the reference, hence the template, after a rotation.
    this.value = (props.version ? SecretValue.secretsManager(this.secret.secretArn, { versionId: props.version }) : this.secret.secretValue).unsafeUnwrap();
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      'Not a credential of a rotatable service: the value is copied into CloudFront and the authorizer at deploy time. Rotate with `aws secretsmanager put-secret-value` and a deploy with -c originSecretVersion=<VersionId> (docs/deploy.md); a rotation Lambda could not update the distribution and the authorizer together.',
    );
  }
}

export interface EdgeProps {
  /** The WebSocket API host, e.g. abc123.execute-api.eu-west-1.amazonaws.com. */
  apiDomainName: string;
  stageName: string;
  originSecret: string;
  domainName?: string;
  certificateArn?: string;
  accessLogs: boolean;
  destroyOnRemoval: boolean;
  /** A CLOUDFRONT-scope WAFv2 web ACL (us-east-1), e.g. with a rate-based rule on /ocpp/* (docs/deploy.md). */
  webAclArn?: string;
  /** The operator HTTP API host that serves POST /ocpp/soap (OCPP 1.6 SOAP, docs/soap.md): CloudFront routes /ocpp/soap there. */
  soapOriginDomainName?: string;
}

/**
 * CloudFront in front of the WebSocket API: OCPP puts the charge point identity in the URL path
 * (wss://host/ocpp/CP001), which API Gateway WebSocket URLs cannot carry, so the CloudFront
 * Function infra/cloudfront/rewrite-path.js moves it to ?cpid=CP001 (the authorizer's identity
 * source). Nothing is cached; every viewer header except Host reaches the origin (Sec-WebSocket-*,
 * Authorization for Basic auth — allowed because caching is disabled).
 */
export class Edge extends Construct {
  readonly distribution: Distribution;
  readonly rewrite: CloudFrontFunction;
  /** wss://{domain}/ocpp — append /{chargePointId}. */
  readonly chargePointUrl: string;
  /** https://{domain}/ocpp/soap, the OCPP 1.6 SOAP endpoint (when served). */
  readonly soapUrl?: string;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    this.rewrite = new CloudFrontFunction(this, 'RewritePath', {
      code: FunctionCode.fromFile({ filePath: join(REPO_ROOT, 'infra', 'cloudfront', 'rewrite-path.js') }),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'OCPP: /ocpp/{chargePointId} -> /?cpid={chargePointId}',
    });
    const logBucket = props.accessLogs ? this.logBucket(props.destroyOnRemoval) : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'OCPP-J charge point endpoint (WebSocket)',
      defaultBehavior: {
        origin: new HttpOrigin(props.apiDomainName, {
          originPath: `/${props.stageName}`,
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          // x-csms-transport: the viewer policy is HTTPS only, so every charge point came over TLS (security profiles, shared/security/profiles.ts).
          customHeaders: { [ORIGIN_HEADER]: props.originSecret, 'x-csms-transport': 'tls' },
          readTimeout: Duration.seconds(30),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: false,
        functionAssociations: [{ function: this.rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      // OCPP 1.6 SOAP stations: the same host, an HTTP API route (with the same origin secret and transport headers).
      additionalBehaviors: props.soapOriginDomainName ? {
        '/ocpp/soap': {
          origin: new HttpOrigin(props.soapOriginDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
            customHeaders: { [ORIGIN_HEADER]: props.originSecret, 'x-csms-transport': 'tls' },
            readTimeout: Duration.seconds(30),
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: false,
        },
      } : undefined,
      // WebSocket upgrades are HTTP/1.1; HTTP/2 stays available for anything else.
      httpVersion: HttpVersion.HTTP2,
      enableIpv6: true,
      // Only meaningful with a custom certificate; the default *.cloudfront.net one is fixed by CloudFront.
      minimumProtocolVersion: props.certificateArn ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      domainNames: props.domainName ? [props.domainName] : undefined,
      certificate: props.certificateArn ? Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined,
      enableLogging: Boolean(logBucket),
      logBucket,
      logFilePrefix: logBucket ? 'cloudfront/' : undefined,
      // CloudFront takes a global web ACL by ARN from a stack in any region.
      webAclId: props.webAclArn,
    });
    this.chargePointUrl = `wss://${props.domainName ?? this.distribution.distributionDomainName}/ocpp`;
    if (props.soapOriginDomainName) this.soapUrl = `https://${props.domainName ?? this.distribution.distributionDomainName}/ocpp/soap`;

    acknowledge(this.distribution, 'AwsSolutions-CFR1', 'Charge points are installed worldwide; restricting countries is an operator decision, not a default.');
    if (!props.webAclArn) acknowledge(this.distribution, 'AwsSolutions-CFR2', 'The web ACL is opt-in (-c webAclArn=<CLOUDFRONT-scope ACL in us-east-1>; docs/deploy.md gives the rate-based rule): a CloudFront web ACL lives in us-east-1 while this stack is region-agnostic, so it cannot be created here. Without it, $connect is throttled on the API stage and authenticated by the authorizer.');
    if (!props.certificateArn) {
      acknowledge(this.distribution, 'AwsSolutions-CFR4', 'Without a custom domain the default *.cloudfront.net certificate fixes the viewer policy; deploy with -c domainName=... -c certificateArn=... to enforce TLSv1.2_2021 (set here).');
    }
    if (!logBucket) acknowledge(this.distribution, 'AwsSolutions-CFR3', 'Access logging is opt-in (-c cloudFrontLogs=true); API Gateway access logs already record every connection with the charge point id.');
  }

  private logBucket(destroyOnRemoval: boolean): Bucket {
    const bucket = new Bucket(this, 'AccessLogs', {
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    acknowledge(bucket, 'AwsSolutions-S1', 'This bucket is itself the access-log destination; logging it into another bucket would only move the question.');
    return bucket;
  }
}
