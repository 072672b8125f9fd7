// `npm start`: the whole CSMS on this machine, no AWS account needed.
import { parseArgs } from 'node:util';
import { startLocal } from './runtime';

async function main() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      routing: { type: 'string' },
    },
  });
  const csms = await startLocal({
    dataDir: values['data-dir'],
    port: values.port !== undefined ? Number(values.port) : undefined,
    routing: values.routing === 'dispatcher' ? 'dispatcher' : 'routes',
  });
  console.log(`OCPP CSMS running locally${values['data-dir'] ? ` (data in ${values['data-dir']})` : ' (in memory; --data-dir DIR keeps data)'}`);
  console.log(`  Charge points connect to: ${csms.chargePointUrl}/{chargePointId}   (subprotocols ocpp1.6, ocpp2.0, ocpp2.0.1)`);
  console.log(`  Operator API:             ${csms.apiUrl}   (e.g. curl ${csms.apiUrl}/charge-points)`);
  console.log('  Ctrl-C stops it.');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await csms.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
