import { OcppError } from '../ocpp/errors';
import type { Field, ServiceModel } from './model';
import { escapeXml, type XmlElement } from './xml';

/**
 * XML ↔ the OCPP 1.6 JSON payloads, after the WSDL's sequences (./model.ts). Decoding maps each
 * element to the JSON property of the same name, repeated elements (maxOccurs > 1) to arrays and
 * int/decimal/boolean text to numbers and booleans; what the schema types cannot say is left as
 * text, so the 1.6 JSON schema validation that follows (the same as for OCPP-J) answers with
 * TypeConstraintViolation and the like. Structure errors are answered here: an element of another
 * namespace or one the type does not have → FormatViolation, a single element given twice →
 * OccurrenceConstraintViolation. Encoding writes the fields in the WSDL's sequence order.
 */
export function decode(model: ServiceModel, typeName: string, e: XmlElement, path = e.local): Record<string, unknown> {
  const fields = model.types[typeName];
  if (!fields) throw new OcppError('InternalError', `no type ${typeName}`);
  const out: Record<string, unknown> = {};
  for (const c of e.children) {
    if (c.ns !== model.namespace) throw new OcppError('FormatViolation', `${path}/${c.local}: element in namespace ${c.ns ?? '(none)'}, expected ${model.namespace}`);
    const f = fields.find((x) => x.name === c.local);
    if (!f) throw new OcppError('FormatViolation', `${path}: unexpected element ${c.local}`);
    const value = f.complex ? decode(model, f.type, c, `${path}/${c.local}`) : scalar(f, c.text);
    if (f.max !== 1) ((out[f.name] ??= []) as unknown[]).push(value);
    else if (f.name in out) throw new OcppError('OccurrenceConstraintViolation', `${path}: ${c.local} may occur once`);
    else out[f.name] = value;
  }
  return out;
}

function scalar(f: Field, text: string): unknown {
  switch (f.type) {
    case 'int':
      return /^[+-]?\d{1,15}$/.test(text) ? Number(text) : text;
    case 'decimal':
      return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : text;
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text;
    default:
      return text;
  }
}

/** `<element xmlns="ns">…</element>` for a JSON payload of the type, in the WSDL's order. */
export function encodeElement(model: ServiceModel, element: string, typeName: string, payload: unknown): string {
  return `<${element} xmlns="${escapeXml(model.namespace)}">${encodeFields(model, typeName, (payload ?? {}) as Record<string, unknown>)}</${element}>`;
}

function encodeFields(model: ServiceModel, typeName: string, value: Record<string, unknown>): string {
  let xml = '';
  for (const f of model.types[typeName] ?? []) {
    const v = value[f.name];
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      xml += `<${f.name}>${f.complex ? encodeFields(model, f.type, item as Record<string, unknown>) : escapeXml(String(item))}</${f.name}>`;
    }
  }
  return xml;
}
