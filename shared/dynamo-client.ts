/**
 * The DynamoDB data plane spoken directly: one signed HTTPS (or, locally, HTTP) POST of the
 * operation's JSON per call, on a keep-alive connection pool.
 *
 * Why: the AWS SDK v3 command pipeline (about twenty middlewares, endpoint rules evaluated on every
 * call, schema-driven serde, copies of the whole client configuration per call) cost about 2 ms of
 * CPU per DynamoDB call in a profile of the one-write bench phase — more than the handler, the
 * validation and the WebSocket work together. This client keeps what the SDK does that matters
 * here and the same code runs on AWS and locally:
 *   - the DynamoDB JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`, `application/x-amz-json-1.0`);
 *   - SigV4 signing (`signV4` below: the algorithm of @smithy/signature-v4 on node:crypto, checked
 *     against it in test/unit/dynamo-client.test.ts) with the SDK client's own credential provider and region;
 *   - the endpoint the SDK resolves for the region (or DYNAMODB_ENDPOINT), resolved once;
 *   - the document client's marshalling (lib-dynamodb's key nodes of each command, util-dynamodb's
 *     marshall/unmarshall with `removeUndefinedValues`);
 *   - errors as the SDK's exception classes (`instanceof ConditionalCheckFailedException` holds,
 *     `name`, `message`, `$metadata.httpStatusCode`, `CancellationReasons`…);
 *   - the standard retry policy (throttling, 5xx and transient network errors, exponential backoff
 *     with full jitter, `maxAttempts` attempts).
 * Commands it does not know are handed to the SDK client unchanged.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  ConditionalCheckFailedException, DuplicateItemException, DynamoDBServiceException, IdempotentParameterMismatchException,
  IndexNotFoundException, InternalServerError, InvalidEndpointException, ItemCollectionSizeLimitExceededException,
  LimitExceededException, ProvisionedThroughputExceededException, ReplicatedWriteConflictException, RequestLimitExceeded,
  ResourceInUseException, ResourceNotFoundException, ThrottlingException, TransactionCanceledException,
  TransactionConflictException, TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactGetCommand,
  TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash, createHmac } from 'node:crypto';

/**
 * lib-dynamodb command class → DynamoDB operation (the low-level command is `${operation}Command`).
 * Matched by class identity, not by name: minified bundles rename classes.
 */
const OPERATIONS: Array<[abstract new (...a: never[]) => object, string]> = [
  [GetCommand, 'GetItem'],
  [PutCommand, 'PutItem'],
  [UpdateCommand, 'UpdateItem'],
  [DeleteCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [ScanCommand, 'Scan'],
  [BatchGetCommand, 'BatchGetItem'],
  [BatchWriteCommand, 'BatchWriteItem'],
  [TransactGetCommand, 'TransactGetItems'],
  [TransactWriteCommand, 'TransactWriteItems'],
];
const operationOf = (command: object) => OPERATIONS.find(([cls]) => command instanceof cls)?.[1];

/** Key nodes as lib-dynamodb declares them: null = this value, {} = every value of this map, [] = every member. */
type KeyNodes = null | Record<string, unknown> | unknown[];

/** lib-dynamodb's processObj: `fn` applied where the key nodes say an attribute value is. */
function convertValue(obj: unknown, nodes: KeyNodes | undefined, fn: (v: any) => unknown): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (obj === undefined) return undefined;
  if (nodes === null || nodes === undefined) return fn(obj);
  if (typeof obj !== 'object' || obj === null) return obj;
  const keys = Object.keys(nodes);
  if (keys.length === 0) {
    // ALL_VALUES / ALL_MEMBERS: every member of a list, every value of a map, is an attribute value.
    if (Array.isArray(obj)) return obj.map((v) => convertValue(v, null, fn));
    const out: Record<string, unknown> = {};
    for (const k in obj) {
      const v = (obj as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = fn(v);
    }
    return out;
  }
  if (keys.length === 1 && keys[0] === '*') {
    const inner = (nodes as Record<string, KeyNodes>)['*'];
    if (Array.isArray(obj)) return obj.map((v) => convertValue(v, inner, fn));
    const out: Record<string, unknown> = {};
    for (const k in obj) out[k] = convertValue((obj as Record<string, unknown>)[k], inner, fn);
    return out;
  }
  return convertKeys(obj, nodes as Record<string, KeyNodes>, fn);
}

/** lib-dynamodb's processKeysInObj: a copy of `obj` with the named keys converted. */
function convertKeys(obj: unknown, nodes: Record<string, KeyNodes>, fn: (v: any) => unknown): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const out: Record<string, unknown> = Array.isArray(obj) ? ([...obj] as unknown as Record<string, unknown>) : { ...(obj as Record<string, unknown>) };
  for (const k in nodes) {
    const v = convertValue((obj as Record<string, unknown>)[k], nodes[k], fn);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const MARSHALL = { removeUndefinedValues: true, convertTopLevelContainer: true } as const;
const UNMARSHALL = { convertWithoutMapWrapper: true } as const;

/** Binary attribute values go over the JSON protocol as base64. */
const toWire = (_k: string, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v);
function fromWire(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'B' && typeof x === 'string') out[k] = new Uint8Array(Buffer.from(x, 'base64'));
      else if (k === 'BS' && Array.isArray(x)) out[k] = x.map((s) => new Uint8Array(Buffer.from(String(s), 'base64')));
      else out[k] = fromWire(x);
    }
    return out;
  }
  return v;
}

/** The answer's JSON; an error answer that is not JSON (a proxy's 502 page) reads as {}. */
function parseBody(res: Wire): Record<string, unknown> {
  if (!res.body) return {};
  try {
    return JSON.parse(res.body);
  } catch (e) {
    if (res.status >= 300) return {};
    throw Object.assign(e as Error, { $metadata: { httpStatusCode: res.status } });
  }
}

/** The data plane's modelled errors, thrown as the SDK throws them (named imports keep bundles small). */
const EXCEPTIONS: Record<string, new (o: never) => Error> = Object.fromEntries(Object.entries({
  ConditionalCheckFailedException, DuplicateItemException, IdempotentParameterMismatchException, IndexNotFoundException,
  InternalServerError, InvalidEndpointException, ItemCollectionSizeLimitExceededException, LimitExceededException,
  ProvisionedThroughputExceededException, ReplicatedWriteConflictException, RequestLimitExceeded, ResourceInUseException,
  ResourceNotFoundException, ThrottlingException, TransactionCanceledException, TransactionConflictException,
  TransactionInProgressException,
}));

const THROTTLING = new Set([
  'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException',
  'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'SlowDown', 'TransactionInProgressException', 'Throttling',
  'BandwidthLimitExceeded', 'EC2ThrottledException', 'PriorRequestNotComplete',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'InternalServerError', 'InternalError']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const signingKeys = new Map<string, Buffer>();

/**
 * AWS Signature Version 4 of a request without query string: the headers to add (x-amz-date,
 * x-amz-security-token when the credentials have one, authorization). Every given header is signed.
 * The derived signing key is cached per day, region, service and secret, as the SDK's signer does.
 */
export function signV4(req: { method: string; path: string; headers: Record<string, string>; body: string }, credentials: Credentials, region: string, service: string, date = new Date()): Record<string, string> {
  const amzDate = date.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...req.headers, 'x-amz-date': amzDate };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v).trim().replace(/\s+/g, ' ');
  const signedHeaders = names.join(';');
  const canonical = `${req.method}\n${req.path}\n\n${names.map((n) => `${n}:${lower[n]}\n`).join('')}\n${signedHeaders}\n${sha256Hex(req.body)}`;
  const scope = `${day}/${region}/${service}/aws4_request`;
  const keyId = `${day}/${region}/${service}/${credentials.secretAccessKey}`;
  let key = signingKeys.get(keyId);
  if (!key) {
    const hmac = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d, 'utf8').digest();
    key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
    if (signingKeys.size > 50) signingKeys.clear();
    signingKeys.set(keyId, key);
  }
  const signature = createHmac('sha256', key).update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`, 'utf8').digest('hex');
  const out: Record<string, string> = { 'x-amz-date': amzDate };
  if (credentials.sessionToken) out['x-amz-security-token'] = credentials.sessionToken;
  out.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return out;
}

interface Wire {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface LeanOptions {
  /** Connections kept open to the endpoint (the SDK's default is 50). */
  maxSockets: number;
  maxAttempts: number;
  /** Per-attempt timeout: a request without an answer by then is retried like a network error. */
  requestTimeoutMs: number;
}

/** Hooks the bench's operation counters into (called once per call, before it is sent). */
export type OperationHook = (commandName: string, input: Record<string, unknown>) => { input: Record<string, unknown>; done: (output: Record<string, unknown> | undefined, failed: boolean) => void };

export class LeanDynamoClient {
  private target?: Promise<{ url: URL; region: string }>;
  private identity?: Promise<Credentials>;
  private readonly agent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly sdk: DynamoDBClient,
    private readonly doc: DynamoDBDocumentClient,
    private readonly endpoint: string | undefined,
    private readonly options: LeanOptions,
    private readonly hook?: OperationHook,
  ) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' as const };
    this.agent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent(agentOptions);
  }

  /** The region and endpoint: DYNAMODB_ENDPOINT when set, else what the SDK's endpoint rules give for the region. */
  private target_(): Promise<{ url: URL; region: string }> {
    this.target ??= (async () => {
      const region = await this.sdk.config.region();
      if (this.endpoint) return { url: new URL(this.endpoint), region };
      const resolved = this.sdk.config.endpointProvider({
        Region: region,
        UseFIPS: await this.sdk.config.useFipsEndpoint(),
        UseDualStack: await this.sdk.config.useDualstackEndpoint(),
        AccountIdEndpointMode: 'disabled',
      } as never);
      return { url: new URL(resolved.url.href), region };
    })();
    this.target.catch(() => (this.target = undefined));
    return this.target;
  }

  /** The SDK client's credentials, asked again when they expire within 5 minutes (as the SDK does). */
  private async credentials(): Promise<Credentials> {
    const cached = this.identity && (await this.identity.catch(() => undefined));
    if (cached && (!cached.expiration || cached.expiration.getTime() - Date.now() > 300_000)) return cached;
    this.identity = this.sdk.config.credentials() as Promise<Credentials>;
    this.identity.catch(() => (this.identity = undefined));
    return this.identity;
  }

  /** Same signature as DynamoDBDocumentClient.send for the lib-dynamodb commands. */
  async send(sent: object): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const operation = operationOf(sent);
    const command = sent as { input: Record<string, unknown>; inputKeyNodes?: KeyNodes; outputKeyNodes?: KeyNodes };
    if (!operation || command.inputKeyNodes === undefined) return this.doc.send(sent as never);
    const commandName = `${operation}Command`;
    const hooked = this.hook?.(commandName, command.input);
    try {
      const wireInput = convertKeys(hooked?.input ?? command.input, command.inputKeyNodes as Record<string, KeyNodes>, (v) => marshall(v, MARSHALL));
      const { output, attempts, retryDelay, requestId, status } = await this.call(operation, JSON.stringify(wireInput, toWire));
      const result = convertKeys(output, (command.outputKeyNodes ?? {}) as Record<string, KeyNodes>, (v) => unmarshall(v, UNMARSHALL));
      result.$metadata = { httpStatusCode: status, requestId, attempts, totalRetryDelay: retryDelay };
      hooked?.done(result, false);
      return result;
    } catch (e) {
      hooked?.done(undefined, true);
      throw e;
    }
  }

  private async call(operation: string, body: string) {
    let retryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      let error: Error & { $metadata?: object; $retryable?: { throttling?: boolean } };
      let throttling = false;
      try {
        const res = await this.post(operation, body);
        const requestId = String(res.headers['x-amzn-requestid'] ?? '');
        const parsed = parseBody(res);
        if (res.status < 300) return { output: res.body.includes('"B') ? fromWire(parsed) : parsed, attempts: attempt, retryDelay, requestId, status: res.status };
        error = this.errorFrom(res, parsed, { httpStatusCode: res.status, requestId, attempts: attempt, totalRetryDelay: retryDelay });
        throttling = THROTTLING.has(error.name) || res.status === 429;
        const retryable = throttling || TRANSIENT.has(error.name) || [500, 502, 503, 504].includes(res.status);
        if (!retryable || attempt >= this.options.maxAttempts) throw error;
      } catch (e) {
        const err = e as Error & { code?: string; $metadata?: object };
        if (err.$metadata) throw err; // an answer from DynamoDB, not retryable (see above)
        if (!(NETWORK.has(err.code ?? '') || err.name === 'TimeoutError') || attempt >= this.options.maxAttempts) {
          Object.assign(err, { $metadata: { attempts: attempt, totalRetryDelay: retryDelay } });
          throw err;
        }
      }
      // Standard mode: full jitter, base 100 ms (500 ms when throttled), at most 20 s.
      const delay = Math.random() * Math.min(20_000, (throttling ? 500 : 100) * 2 ** (attempt - 1));
      retryDelay += delay;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private errorFrom(res: Wire, parsed: Record<string, unknown>, $metadata: Record<string, unknown>) {
    const type = String(parsed.__type ?? res.headers['x-amzn-errortype'] ?? `HTTP${res.status}`);
    const name = type.slice(type.lastIndexOf('#') + 1).split(':')[0];
    const message = String(parsed.message ?? parsed.Message ?? name);
    const { __type: _t, message: _m, Message: _M, ...fields } = parsed; // eslint-disable-line @typescript-eslint/no-unused-vars
    const Ctor = Object.hasOwn(EXCEPTIONS, name) ? EXCEPTIONS[name] : undefined;
    const fault = res.status >= 500 ? 'server' : 'client';
    const err = Ctor
      ? new Ctor({ message, $metadata, ...fields } as never)
      : new DynamoDBServiceException({ name, $fault: fault, message, $metadata: $metadata as never });
    return Object.assign(err, fields, { $metadata, $fault: fault }) as Error & { $metadata: object };
  }

  private async post(operation: string, body: string): Promise<Wire> {
    const { url, region } = await this.target_();
    const https = url.protocol === 'https:';
    const headers: Record<string, string> = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'content-length': String(Buffer.byteLength(body)),
    };
    Object.assign(headers, signV4({ method: 'POST', path: url.pathname || '/', headers, body }, await this.credentials(), region, 'dynamodb'));
    return new Promise<Wire>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)({
        method: 'POST',
        hostname: url.hostname,
        port: url.port || (https ? 443 : 80),
        path: url.pathname || '/',
        headers,
        agent: https ? this.httpsAgent : this.agent,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(this.options.requestTimeoutMs, () => {
        req.destroy(Object.assign(new Error(`DynamoDB ${operation} did not answer within ${this.options.requestTimeoutMs} ms`), { name: 'TimeoutError' }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The same client on a connection pool of its own (requests on it never queue behind this one's). */
  withPool(maxSockets: number): LeanDynamoClient {
    return new LeanDynamoClient(this.sdk, this.doc, this.endpoint, { ...this.options, maxSockets }, this.hook);
  }

  destroy(): void {
    this.agent.destroy();
    this.httpsAgent.destroy();
  }
}
