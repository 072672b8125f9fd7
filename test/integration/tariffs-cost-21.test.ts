// The cost flows of tariffs-cost.test.ts (its 2.x station on ocpp2.1: TransactionEvent answers with totalCost), run by strict ocpp-rpc clients (test/support/clients.ts protocol2x).
import { runOn21 } from '../support/clients';

runOn21();
require('./tariffs-cost.test'); // eslint-disable-line @typescript-eslint/no-require-imports
