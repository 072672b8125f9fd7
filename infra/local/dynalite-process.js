// Runs dynalite in its own process so the embedded DynamoDB gets the second core instead of
// competing with the handlers for one event loop. Started by infra/local/dynamo.ts via fork().
const dynalite = require('dynalite');

const path = process.argv[2] || undefined;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
// The parent going away (even by SIGKILL) ends this process too.
process.on('disconnect', () => server.close(() => process.exit(0)));
