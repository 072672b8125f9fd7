/**
 * Imports every module that registers transaction hooks (./hooks.ts), so the Lambdas handling
 * StartTransaction / StopTransaction / TransactionEvent run them. Add one line per module.
 */
import '../smart-charging/transaction-hooks';
import '../reservations/hooks';
import '../tariffs/session';
import '../sites/hooks';
import '../tariffs/cdr';
