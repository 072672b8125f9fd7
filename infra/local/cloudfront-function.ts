import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The viewer-request event shape of CloudFront Functions (the parts the rewrite uses). */
export interface CfRequest {
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
}
export type CfResult = CfRequest | { statusCode: number; statusDescription?: string };

/** Loads infra/cloudfront/rewrite-path.js, the very code CloudFront runs, and returns its handler. */
export function loadRewriteFunction(): (event: { request: CfRequest }) => CfResult {
  const source = readFileSync(join(__dirname, '..', 'cloudfront', 'rewrite-path.js'), 'utf8');
  return new Function(`${source}\nreturn handler;`)();
}

/**
 * How API Gateway hands query values to the authorizer: `decoded` (percent-decoding, as REST
 * proxy events do) or `raw` (as received). AWS does not document which for WebSocket `$connect`,
 * so the local gateway can do both and the edge tests run with each.
 */
export type QueryValues = 'decoded' | 'raw';

/**
 * CloudFront, emulated for one viewer request: the function sees the URI and query values as the
 * viewer sent them (not decoded), and CloudFront builds the origin query string from the values
 * the function returns exactly as they are (`key=value&…`, nothing re-encoded). Then API Gateway
 * parses that query string into `queryStringParameters` per `values`.
 */
export function viewerRequest(
  rewrite: (event: { request: CfRequest }) => CfResult,
  rawUrl: string,
  values: QueryValues,
  /** Viewer headers (lower-case names), with the CloudFront-Viewer-Cert-* ones CloudFront adds. */
  viewerHeaders: Record<string, string> = {},
): { statusCode: number; statusDescription?: string } | { query: Record<string, string>; headers: Record<string, string> } {
  const q = rawUrl.indexOf('?');
  const uri = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const querystring: CfRequest['querystring'] = {};
  for (const part of (q < 0 ? '' : rawUrl.slice(q + 1)).split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    querystring[eq < 0 ? part : part.slice(0, eq)] = { value: eq < 0 ? '' : part.slice(eq + 1) };
  }
  const headers = Object.fromEntries(Object.entries(viewerHeaders).map(([k, v]) => [k.toLowerCase(), { value: v }]));
  const out = rewrite({ request: { uri, querystring, headers } });
  if ('statusCode' in out) return out;
  const originQuery = Object.entries(out.querystring).map(([k, v]) => `${k}=${v.value}`).join('&');
  return { query: apiGatewayQuery(originQuery, values), headers: Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k, v.value])) };
}

/** API Gateway's `queryStringParameters` from an origin query string (last value wins). */
export function apiGatewayQuery(queryString: string, values: QueryValues): Record<string, string> {
  const decode = (s: string) => {
    if (values === 'raw') return s;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const out: Record<string, string> = {};
  for (const part of queryString.split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    out[decode(eq < 0 ? part : part.slice(0, eq))] = decode(eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}
