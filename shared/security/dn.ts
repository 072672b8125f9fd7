/**
 * Distinguished names as text (RFC 2253/4514), as CloudFront hands a viewer certificate's subject
 * and issuer to the origin (CloudFront-Viewer-Cert-Subject/-Issuer) and as the local gateway writes
 * them. A charge point identity may hold any printable ASCII but ':', so escaping matters: a CN of
 * `CP1,O=Other` must never read as two attributes.
 */
export type Dn = Array<[type: string, value: string]>;

const SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '=', '#', ' ']);

/** Parses `CN=a\,b,O=Org` into [['CN','a,b'],['O','Org']]; undefined when malformed (or a #BER value). */
export function parseDn(text: string): Dn | undefined {
  const out: Dn = [];
  let i = 0;
  const n = text.length;
  if (!n) return [];
  for (;;) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return undefined;
    const type = text.slice(i, eq).trim().toUpperCase();
    if (!/^[A-Z][A-Z0-9-]*$|^[0-9]+(\.[0-9]+)*$/.test(type)) return undefined;
    i = eq + 1;
    if (text[i] === '#') return undefined;
    const bytes: number[] = [];
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
    }
    for (; i < n; i++) {
      const c = text[i];
      if (quoted && c === '"') {
        i++;
        break;
      }
      if (!quoted && (c === ',' || c === '+' || c === ';')) break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === undefined) return undefined;
        if (/[0-9A-Fa-f]/.test(next) && /[0-9A-Fa-f]/.test(text[i + 2] ?? '')) {
          bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.push(...Buffer.from(next, 'utf8'));
          i += 1;
        }
        continue;
      }
      if (!quoted && (c === '"' || c === '<' || c === '>')) return undefined;
      bytes.push(...Buffer.from(c, 'utf8'));
    }
    out.push([type, Buffer.from(bytes).toString('utf8')]);
    if (i >= n) return out;
    if (![',', '+', ';'].includes(text[i])) return undefined;
    i++;
    while (text[i] === ' ') i++;
  }
}

/** Escapes one attribute value (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let k = 0; k < value.length; k++) {
    const c = value[k];
    const edge = (k === 0 && (c === '#' || c === ' ')) || (k === value.length - 1 && c === ' ');
    if (c.charCodeAt(0) < 0x20) out += `\\${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`;
    else if (edge || (SPECIAL.has(c) && c !== '#' && c !== ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

export const formatDn = (dn: Dn): string => dn.map(([t, v]) => `${t}=${escapeDnValue(v)}`).join(',');

/** The value of an attribute when it appears exactly once (a CN given twice is no identity). */
export function dnSingle(dn: Dn, type: string): string | undefined {
  const values = dn.filter(([t]) => t === type.toUpperCase()).map(([, v]) => v);
  return values.length === 1 ? values[0] : undefined;
}

/** Same attributes and values, in any order. */
export function sameDn(a: Dn, b: Dn): boolean {
  const key = (d: Dn) => d.map(([t, v]) => `${t}=${v}`).sort().join('\u0000');
  return a.length === b.length && key(a) === key(b);
}
