/**
 * `SET a = :a, b = :b` for an UpdateItem from a plain object, with placeholder names and values so
 * any attribute name (reserved words included) is safe. Undefined values are left out; returns
 * undefined when nothing is left to set.
 */
export function setAttributesExpression(attrs: Record<string, unknown>, extraNames: Record<string, string> = {}) {
  const entries = Object.entries(attrs).filter(([, v]) => v !== undefined);
  if (!entries.length) return undefined;
  return {
    UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
    ExpressionAttributeNames: { ...extraNames, ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])) },
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
  };
}
