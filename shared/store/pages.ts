/**
 * Full pages from DynamoDB reads that filter (docs/operator-api.md "Lists"). A FilterExpression
 * applies after `Limit`, so one read may return fewer items than asked — even none — and still
 * have more. `fillPage` reads on until the page holds `limit` items or the data ends, and when it
 * stops inside a read it resumes after the last item it returned (the key built from that item:
 * the table's key attributes and the index's), so nothing is skipped or repeated.
 */
export type Key = Record<string, unknown>;
export interface Read {
  items: Record<string, unknown>[];
  lastKey?: Key;
}

/** The start key of the item (the attributes DynamoDB expects in ExclusiveStartKey). */
export const keyOf = (item: Record<string, unknown>, names: string[]): Key => Object.fromEntries(names.map((n) => [n, item[n]]));

export async function fillPage(opts: {
  limit: number;
  startKey?: Key;
  /** One read of at most `limit` items after `startKey`. */
  read: (startKey: Key | undefined, limit: number) => Promise<Read>;
  /** In-memory filter (e.g. a status computed at read time); the read's own filter applies first. */
  keep?: (item: Record<string, unknown>) => boolean;
  keyNames: string[];
  /** Reads per page at most (bounds the work of one request); a page cut short still has a token. */
  maxReads?: number;
}): Promise<Read> {
  const items: Record<string, unknown>[] = [];
  let startKey = opts.startKey;
  for (let reads = 0; reads < (opts.maxReads ?? 25); reads++) {
    const out = await opts.read(startKey, Math.max(opts.limit, 25));
    for (const item of out.items) {
      if (opts.keep && !opts.keep(item)) continue;
      items.push(item);
      if (items.length === opts.limit) {
        const last = item === out.items.at(-1);
        return { items, lastKey: last ? out.lastKey : keyOf(item, opts.keyNames) };
      }
    }
    if (!out.lastKey) return { items };
    startKey = out.lastKey;
  }
  return { items, lastKey: startKey };
}
