import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface DiagnosticsStorageProps {
  /** Days before an uploaded file (and the access log lines about it) expires. */
  retentionDays: number;
  destroyOnRemoval: boolean;
}

/** What a function does with the diagnostics files. */
export type DiagnosticsAccess =
  /** Presigns the charge point's PUT (shared/diagnostics/storage.ts createUploadTarget). */
  | 'upload'
  /** HeadObject (did the file arrive?) and presigned GET for the operator (findUpload, downloadUrl). */
  | 'read'
  /** The upload endpoint (functions/uploads.ts): reads the job's token object, writes the file. */
  | 'receive';

/** Key prefix of every file (shared/diagnostics/storage.ts: `diagnostics/<cp>/<job>`). */
export const DIAGNOSTICS_PREFIX = 'diagnostics/';

/**
 * Where charge points upload diagnostics / log files in the cloud (docs/workflows.md,
 * "diagnostics-upload"; `DIAGNOSTICS_BUCKET` of shared/diagnostics/storage.ts).
 *
 *  - Private: Block Public Access on all four settings, ACLs disabled (bucket owner enforced), TLS
 *    only. Charge points and operators never get bucket access: presigned URLs for one object,
 *    valid for at most the signing Lambda role's session, or the upload endpoint (functions/uploads.ts).
 *  - SSE-S3 (AES-256, S3-managed keys): a presigned PUT needs no encryption headers and the signing
 *    roles need no KMS grants (SSE-KMS would add kms:GenerateDataKey/Decrypt to each signer and
 *    per-request KMS cost for files that are diagnostics logs, not payment data). Switch to KMS by
 *    setting `encryption` and granting the key to the three functions if your policy demands it.
 *  - No versioning: each upload gets its own key (one job, one object) and files expire anyway.
 *  - Files expire after `retentionDays` (context `diagnosticsRetentionDays`); incomplete multipart
 *    uploads after a day.
 *  - S3 server access logs (who uploaded or downloaded, from which IP, with which presigned URL) go
 *    to a second private bucket, delivered under a bucket policy for logging.s3.amazonaws.com scoped
 *    to this bucket and account, and expire with the files.
 *  - Retained with the stack unless `destroyOnRemoval` (then the buckets must be empty to go).
 */
export class DiagnosticsStorage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: DiagnosticsStorageProps) {
    super(scope, id);
    // Log delivery through a bucket policy instead of the legacy LogDeliveryWrite ACL, which ACL-less
    // (bucket owner enforced) buckets cannot take. A feature flag; set for this construct only.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const removalPolicy = props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const expiry = Duration.days(props.retentionDays);
    const common = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Server access log destinations support SSE-S3 only; the same for both keeps them alike.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
    };
    this.accessLogs = new Bucket(this, 'AccessLogs', { ...common, lifecycleRules: [{ expiration: expiry }] });
    acknowledge(this.accessLogs, 'AwsSolutions-S1', 'This bucket is itself the server access log destination of the diagnostics bucket; logging it into another bucket would only move the question.');

    this.bucket = new Bucket(this, 'Bucket', {
      ...common,
      versioned: false,
      lifecycleRules: [{ expiration: expiry, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'diagnostics-bucket/',
    });
  }

  /** `DIAGNOSTICS_BUCKET` for the functions that use the storage. */
  get environment(): Record<string, string> {
    return { DIAGNOSTICS_BUCKET: this.bucket.bucketName };
  }

  /**
   * Least privilege on the `diagnostics/` prefix. `read` also gets s3:ListBucket on the bucket:
   * without it S3 answers HeadObject on a missing key with 403 instead of 404, and "not uploaded
   * yet" would become an AccessDenied error (the bucket holds nothing but these files).
   */
  grant(grantee: IGrantable, access: DiagnosticsAccess): void {
    const objects = this.bucket.arnForObjects(`${DIAGNOSTICS_PREFIX}*`);
    const principal = grantee.grantPrincipal;
    if (access === 'upload') {
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    } else if (access === 'receive') {
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [objects] }));
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    } else {
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
      principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    }
  }
}
