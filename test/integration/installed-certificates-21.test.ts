// The installed-certificates flows of installed-certificates.test.ts, run by a strict ocpp-rpc client on ocpp2.1 (test/support/clients.ts protocol2x).
import { runOn21 } from '../support/clients';

runOn21();
require('./installed-certificates.test'); // eslint-disable-line @typescript-eslint/no-require-imports
