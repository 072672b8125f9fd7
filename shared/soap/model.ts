import models from './models.json';
import { child, parseXml, type XmlElement } from './xml';

/**
 * The OCPP 1.6 SOAP services as the official WSDLs describe them (./wsdl, unmodified): for each
 * operation its body elements and WS-Addressing actions, for each complex type its sequence
 * (element names, order, occurrence, XSD base type). The codec (./codec.ts) maps XML to the 1.6
 * JSON payloads with it and back; element names equal the JSON property names (a test holds every
 * operation of both WSDLs to the 1.6 JSON schemas).
 */
export interface Field {
  name: string;
  /** XSD base type (int, decimal, boolean, dateTime, string, anyURI) or the name of a complex type. */
  type: string;
  complex: boolean;
  min: number;
  /** -1: unbounded. */
  max: number;
}
export interface Operation {
  name: string;
  input: { element: string; type: string; action: string };
  output: { element: string; type: string; action: string };
}
export interface ServiceModel {
  namespace: string;
  types: Record<string, Field[]>;
  operations: Record<string, Operation>;
}

const XSD = 'http://www.w3.org/2001/XMLSchema';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const local = (qname: string | undefined) => (qname ?? '').split(':').pop()!;

export function buildModel(wsdlXml: string): ServiceModel {
  const root = parseXml(wsdlXml);
  const namespace = root.attrs.targetNamespace;
  const schema = child(child(root, WSDL, 'types'), XSD, 'schema')!;
  const simple: Record<string, string> = {};
  const complexNames = new Set<string>();
  for (const c of schema.children) {
    if (c.local === 'simpleType') simple[c.attrs.name] = local(child(c, XSD, 'restriction')?.attrs.base);
    if (c.local === 'complexType') complexNames.add(c.attrs.name);
  }
  const types: Record<string, Field[]> = {};
  for (const c of schema.children.filter((x) => x.local === 'complexType')) {
    const seq = child(c, XSD, 'sequence');
    types[c.attrs.name] = (seq?.children ?? []).filter((e) => e.local === 'element').map((e) => {
      const t = local(e.attrs.type);
      const complex = complexNames.has(t);
      return { name: e.attrs.name, type: complex ? t : (simple[t] ?? t), complex, min: Number(e.attrs.minOccurs ?? 1), max: e.attrs.maxOccurs === 'unbounded' ? -1 : Number(e.attrs.maxOccurs ?? 1) };
    });
  }
  const elementType: Record<string, string> = {};
  for (const e of schema.children.filter((x) => x.local === 'element')) elementType[e.attrs.name] = local(e.attrs.type);
  const messages: Record<string, string> = {};
  for (const m of root.children.filter((x) => x.ns === WSDL && x.local === 'message')) messages[m.attrs.name] = local(child(m, WSDL, 'part')?.attrs.element);
  const portType = child(root, WSDL, 'portType')!;
  const operations: Record<string, Operation> = {};
  const io = (e: XmlElement | undefined) => {
    const element = messages[local(e?.attrs.message)];
    const action = Object.entries(e?.attrs ?? {}).find(([k]) => k.endsWith(':Action'))?.[1] ?? '';
    return { element, type: elementType[element], action };
  };
  for (const op of portType.children.filter((x) => x.local === 'operation')) {
    operations[op.attrs.name] = { name: op.attrs.name, input: io(child(op, WSDL, 'input')), output: io(child(op, WSDL, 'output')) };
  }
  return { namespace, types, operations };
}

/**
 * The models of both WSDLs, built by `npx tsx infra/tools/generate-soap-models.ts` into
 * ./models.json (a Lambda bundle carries JSON, not the WSDL files); test/unit/soap-mapping.test.ts
 * fails when the committed file differs from what the WSDLs give.
 */
export const WSDL_FILES = { cs: 'OCPP_CentralSystemService_1.6.wsdl', cp: 'OCPP_ChargePointService_1.6.wsdl' } as const;
/** What the CSMS serves (urn://Ocpp/Cs/2015/10/). */
export const centralSystemService = (): ServiceModel => models.cs as ServiceModel;
/** What a station serves (urn://Ocpp/Cp/2015/10/). */
export const chargePointService = (): ServiceModel => models.cp as ServiceModel;
