// OCPP 2.0.1 E14 — transaction-check workflow task: GetTransactionStatus for every transaction held active after a reconnect.
import { runReconnectCheck } from '../../shared/transactions/reconnect-check';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: { chargePointId: string; connectionId: string }) => runReconnectCheck(event));
