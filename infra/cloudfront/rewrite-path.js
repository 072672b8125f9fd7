// CloudFront Function (viewer request, cloudfront-js-2.0). API Gateway WebSocket URLs cannot carry
// a path, but OCPP-J puts the charge point identity in the last path segment
// (wss://host/ocpp/CP001): move it to ?cpid=CP001 and send the request to '/'.
//
// CloudFront writes query values to the origin exactly as the function leaves them, so the
// identity is percent-encoded (an identity may hold + & % # = ?, all printable ASCII). Whether
// API Gateway decodes query values before the authorizer sees them is not documented; the constant
// `pct=%25` tells the authorizer which happened: it arrives as "%" when API Gateway decoded the
// query, as "%25" when it did not (then the authorizer decodes cpid itself; shared/edge.ts).
// The same file runs in the local gateway emulator (infra/local/cloudfront-function.ts), so the
// rewrite is tested locally with both behaviours.
//
// Security profile 3 (viewer mTLS, docs/security.md): headers named x-csms-* are ours. Any the
// viewer sent are deleted; then the certificate CloudFront verified against the trust store (the
// CloudFront-Viewer-Cert-* headers it adds) is copied into x-csms-client-cert-*. The authorizer
// trusts them only together with the origin secret.
var CERT_HEADERS = {
  'cloudfront-viewer-cert-subject': 'x-csms-client-cert-subject',
  'cloudfront-viewer-cert-issuer': 'x-csms-client-cert-issuer',
  'cloudfront-viewer-cert-serial-number': 'x-csms-client-cert-serial',
  'cloudfront-viewer-cert-sha256': 'x-csms-client-cert-sha256',
};
function handler(event) {
  var request = event.request;
  var headers = request.headers || {};
  var name;
  for (name in headers) {
    if (name.indexOf('x-csms-') === 0) delete headers[name];
  }
  if (headers['cloudfront-viewer-cert-present'] && headers['cloudfront-viewer-cert-present'].value === '1') {
    for (name in CERT_HEADERS) {
      if (headers[name]) headers[CERT_HEADERS[name]] = { value: headers[name].value };
    }
  }
  request.headers = headers;
  var match = /^\/ocpp\/([^\/]+)\/?$/.exec(request.uri);
  if (!match) {
    return { statusCode: 404, statusDescription: 'Not Found' };
  }
  var id;
  try {
    id = decodeURIComponent(match[1]);
  } catch (e) {
    return { statusCode: 400, statusDescription: 'Bad Request' };
  }
  request.querystring = { cpid: { value: encodeURIComponent(id) }, pct: { value: '%25' } };
  request.uri = '/';
  return request;
}
