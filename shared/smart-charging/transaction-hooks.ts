/**
 * 1.6 §3.13.1 TxProfile: "After the transaction is stopped, the profile SHOULD be deleted" (2.0.1
 * K01 likewise): when a transaction ends, its TxProfiles leave the CSMS's model.
 *
 * Only transactions that got a TxProfile carry `hasTxProfiles` (set by model.ts when it installs or
 * binds one), so every other stop costs no read here (DESIGN §7: StopTransaction ≤ 3 operations).
 * Remote-start TxProfiles are bound to their transaction when the model is next read (model.ts
 * loadModel), so the start path costs nothing either.
 */
import { onTransactionStopped } from '../transactions/hooks';
import { dropTransactionProfiles } from './model';

onTransactionStopped(async (tx) => {
  if (!(tx as { hasTxProfiles?: boolean }).hasTxProfiles) return;
  await dropTransactionProfiles(tx.chargePointId, tx.transactionId);
});
