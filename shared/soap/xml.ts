import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One XML element with its namespace resolved (fast-xml-parser reads it; prefixes are resolved here). */
export interface XmlElement {
  ns: string | undefined;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

/** Parses a document into its root element; not well-formed, or a DOCTYPE (entity expansion) → XmlError. */
export function parseXml(xml: string): XmlElement {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlError('DOCTYPE is not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const nodes = parser.parse(xml) as Node[];
  const roots = nodes.map((n) => toElement(n, {})).filter((e): e is XmlElement => !!e);
  if (roots.length !== 1) throw new XmlError('the document must have exactly one root element');
  return roots[0];
}

function toElement(node: Node, scope: Record<string, string>): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#comment');
  if (!name) return undefined;
  const rawAttrs = node[':@'] ?? {};
  const inScope = { ...scope };
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns') inScope[''] = v;
    else if (k.startsWith('xmlns:')) inScope[k.slice(6)] = v;
    else attrs[k] = v;
  }
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const local = colon < 0 ? name : name.slice(colon + 1);
  if (prefix && inScope[prefix] === undefined) throw new XmlError(`undeclared namespace prefix ${prefix}`);
  const children: XmlElement[] = [];
  let text = '';
  for (const c of (node[name] as Node[]) ?? []) {
    if ('#text' in c) text += String(c['#text']);
    else {
      const e = toElement(c, inScope);
      if (e) children.push(e);
    }
  }
  return { ns: inScope[prefix] || undefined, local, attrs, children, text: text.trim() };
}

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export const child = (e: XmlElement | undefined, ns: string, local: string) => e?.children.find((c) => c.ns === ns && c.local === local);
