import { addToCounter, resetCounter } from '../store/counters';

/**
 * 1.6 transaction ids (§4.8: the Central System hands them out; a positive int32 in JSON) from
 * one atomic counter, taken in blocks per process so the counter costs ~1/CSMS_TX_ID_BLOCK
 * writes per StartTransaction. Ids are unique, not consecutive: a process that ends leaves the rest
 * of its block unused. After 2^31-1 the counter wraps to 1.
 */
const COUNTER = 'transactionId';
const INT32_MAX = 2_147_483_647;

const blockSize = () => {
  const n = Number(process.env.CSMS_TX_ID_BLOCK);
  return Number.isInteger(n) && n > 0 && n <= 10_000 ? n : 50;
};

let block: { next: number; last: number } | undefined;
let refilling: Promise<void> | undefined;
const returned: number[] = [];

export async function nextTransactionId(): Promise<number> {
  for (;;) {
    const back = returned.pop();
    if (back !== undefined) return back;
    if (block && block.next <= block.last) return block.next++;
    refilling ??= refill().finally(() => (refilling = undefined));
    await refilling;
  }
}

/** An id taken but not used (the message was a retry): the next start gets it. */
export function returnTransactionId(id: number): void {
  returned.push(id);
}

async function refill(): Promise<void> {
  const size = blockSize();
  const last = await addToCounter(COUNTER, size);
  if (last <= INT32_MAX) {
    block = { next: last - size + 1, last };
    return;
  }
  if (await resetCounter(COUNTER, last, size)) block = { next: 1, last: size };
  // else another process wrapped it first: the caller's loop takes a block from the new range.
}
