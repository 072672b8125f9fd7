/**
 * 1.6 §3.13.1 TxProfile: "After the transaction is stopped, the profile SHOULD be deleted" (2.0.1
 * K01 likewise): when a transaction ends, its TxProfiles leave the CSMS's model.
 *
 * Runs at least once (shared/transactions/hooks.ts). Only transactions that got a TxProfile carry `hasTxProfiles` (set by model.ts when it installs or
 * binds one), so every other stop costs no read here (docs/transactions.md: StopTransaction ≤ 3 operations).
 * Remote-start TxProfiles are bound to their transaction when the model is next read (model.ts
 * loadModel), so the start path costs nothing either.
 */
import { onTransactionStopped } from '../transactions/hooks';
import { dropTransactionProfiles } from './model';

onTransactionStopped({
  name: 'txProfiles',
  appliesTo: (tx) => !!(tx as { hasTxProfiles?: boolean }).hasTxProfiles,
  // Idempotent: a second run finds nothing left to delete.
  run: (tx) => dropTransactionProfiles(tx.chargePointId, tx.transactionId),
});
