// `npm start`: the whole CSMS on this machine, no AWS account needed.
import { parseArgs } from 'node:util';
import { startLocal } from './runtime';

async function main() {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      routing: { type: 'string' },
      tls: { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  const csms = await startLocal({
    dataDir: values['data-dir'],
    port: values.port !== undefined ? Number(values.port) : undefined,
    routing: values.routing === 'dispatcher' ? 'dispatcher' : 'routes',
    // As the stack: 2.x stations get GetTransactionStatus about held transactions 5 s after a reconnect.
    env: { CSMS_RECONNECT_TX_CHECK_S: process.env.CSMS_RECONNECT_TX_CHECK_S ?? '5' },
    tls: values.tls || values['tls-cert'] || values['tls-key'] ? { certFile: values['tls-cert'], keyFile: values['tls-key'] } : undefined,
  });
  console.log(`OCPP CSMS running locally${values['data-dir'] ? ` (data in ${values['data-dir']})` : ' (in memory; --data-dir DIR keeps data)'}`);
  for (const base of csms.urls) {
    console.log(`  Charge points connect to: ${base.replace('http', 'ws')}/ocpp/{chargePointId}   (subprotocols ocpp1.6, ocpp2.0, ocpp2.0.1, ocpp2.1)`);
  }
  if (csms.secureChargePointUrl) {
    console.log(`  With TLS (profiles 2, 3):  ${csms.secureChargePointUrl}/{chargePointId}   (client certificates from the CSMS CA for profile 3)`);
  }
  console.log(`  CSMS CA certificate:      ${csms.caDir}/csms-ca.pem`);
  for (const base of csms.urls) console.log(`  Operator API:             ${base}/api`);
  if (csms.apiToken) {
    console.log(`  The operator API needs:   Authorization: Bearer ${csms.apiTokenGenerated ? csms.apiToken : '$CSMS_API_TOKEN'}`);
    if (csms.apiTokenGenerated) console.log('                            (generated for this run; set CSMS_API_TOKEN to choose one)');
    console.log(`  e.g. curl -H "Authorization: Bearer ${csms.apiTokenGenerated ? csms.apiToken : '$CSMS_API_TOKEN'}" ${csms.apiUrl}/charge-points`);
  } else {
    console.log(`  e.g. curl ${csms.apiUrl}/charge-points   (loopback only; HOST=0.0.0.0 opens it to the network, with a token)`);
  }
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
