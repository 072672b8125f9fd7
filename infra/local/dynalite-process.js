// Runs dynalite in its own process so the embedded DynamoDB gets the second core instead of
// competing with the handlers for one event loop. Started (and restarted, on the same port and
// data) by infra/local/dynamo.ts via fork(). Arguments: [dataDir or ''] [port or 0].
const dynalite = require('dynalite');

const path = process.argv[2] || undefined;
const port = Number(process.argv[3] || 0);
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('error', (e) => {
  console.error(JSON.stringify({ level: 'error', message: 'embedded DynamoDB cannot listen', port, error: String(e) }));
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => process.send({ port: server.address().port }));
// The parent going away (even by SIGKILL) ends this process too.
process.on('disconnect', () => server.close(() => process.exit(0)));
