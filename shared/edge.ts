/**
 * The charge point identity as the CloudFront Function (infra/cloudfront/rewrite-path.js) hands it
 * over: percent-encoded in `cpid`, with the marker `pct=%25`. If API Gateway decoded the query
 * values, the marker reads "%" and `cpid` is the identity; if it passed them through, the marker
 * reads "%25" and `cpid` is decoded here, exactly once. Undefined when absent or malformed.
 */
export function identityFromQuery(query: Record<string, string | undefined> | null | undefined): string | undefined {
  const cpid = query?.cpid;
  if (cpid === undefined || query?.pct !== '%25') return cpid;
  try {
    return decodeURIComponent(cpid);
  } catch {
    return undefined;
  }
}

/**
 * API Gateway WebSocket frames carry at most 32 KB, and a message the CSMS sends (@connections
 * POST, two-way route answer) that does not fit in one frame closes the connection with 1009. So
 * every CSMS → charge point frame must fit: sendCall refuses a larger call (413), SendLocalList
 * splits its list.
 */
export const FRAME_LIMIT_BYTES = 32 * 1024;
