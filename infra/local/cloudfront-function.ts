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
