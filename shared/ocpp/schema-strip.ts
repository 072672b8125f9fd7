/**
 * The OCA schemas carry long human-readable descriptions that validation never reads; they are
 * most of the 2.0.1 set's size. Stripping them halves what every Lambda bundle carries.
 * Keys inside `properties`/`definitions` are property names, not keywords, and are kept.
 */
const DOC_KEYWORDS = new Set(['description', 'comment', '$comment', 'javaType', 'tsEnumNames']);

export function stripDocs(node: unknown, keysAreNames = false): unknown {
  if (Array.isArray(node)) return node.map((n) => stripDocs(n));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (!keysAreNames && DOC_KEYWORDS.has(k)) continue;
    out[k] = stripDocs(v, !keysAreNames && (k === 'properties' || k === 'definitions'));
  }
  return out;
}
