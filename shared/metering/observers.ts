/**
 * Other blocks that act on meter values once they are stored (site load management follows the
 * measured current, docs/sites.md). `appliesTo` costs no operation; a failing `run` is logged and
 * never fails the message. Register from a module listed in ./all-observers.ts.
 */
import { log } from '../log';
import type { MeterValuesInput } from './record';

export interface MeterValuesObserver {
  name: string;
  appliesTo: (m: MeterValuesInput) => boolean;
  run: (m: MeterValuesInput) => Promise<unknown>;
}

const observers: MeterValuesObserver[] = [];

export function onMeterValues(o: MeterValuesObserver): void {
  observers.push(o);
}

export async function notifyObservers(m: MeterValuesInput): Promise<void> {
  const due = observers.filter((o) => o.appliesTo(m));
  await Promise.all(due.map((o) => o.run(m).catch((e) => log.warn('meter values observer failed', { observer: o.name, chargePointId: m.chargePointId, error: String(e) }))));
}
