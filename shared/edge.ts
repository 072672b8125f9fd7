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
