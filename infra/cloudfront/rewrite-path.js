// CloudFront Function (viewer request, cloudfront-js-2.0). API Gateway WebSocket URLs cannot carry
// a path, but OCPP-J puts the charge point identity in the last path segment
// (wss://host/ocpp/CP001): move it to ?cpid=CP001 and send the request to '/'.
// The same file runs in the local gateway emulator, so the rewrite is tested locally.
function handler(event) {
  var request = event.request;
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
  request.querystring = { cpid: { value: id } };
  request.uri = '/';
  return request;
}
