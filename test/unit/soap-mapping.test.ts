/**
 * The SOAP codec maps WSDL elements to the 1.6 JSON properties of the same name (shared/soap/codec.ts)
 * and validates with the 1.6 JSON schemas. This holds the mapping to be faithful for every
 * operation of both official WSDLs: the same fields, arrays exactly where the WSDL repeats, the
 * same scalar types, the same required fields; and a round trip through XML changes nothing.
 */
import schemas16 from '../../shared/ocpp/schemas/ocpp1_6.json';
import { decode, encodeElement } from '../../shared/soap/codec';
import { centralSystemService, chargePointService, type ServiceModel } from '../../shared/soap/model';
import { parseXml } from '../../shared/soap/xml';

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; required?: string[]; enum?: string[] };
const byId = new Map((schemas16 as Array<Schema & { $id: string }>).map((s) => [s.$id, s]));
const JSON_TYPE: Record<string, string[]> = { int: ['integer'], decimal: ['number'], boolean: ['boolean'], dateTime: ['string'], string: ['string'], anyURI: ['string'] };

/**
 * The one place where the two official descriptions differ: the WSDL lets MeterValues.req carry no
 * meterValue (minOccurs 0), the JSON schema requires one. The JSON schema decides (docs/soap.md).
 */
const JSON_ONLY_REQUIRED: Record<string, string[]> = { 'MeterValues.req': ['meterValue'] };

function compare(model: ServiceModel, typeName: string, schema: Schema, path: string) {
  const fields = model.types[typeName];
  expect(fields.map((f) => f.name).sort()).toEqual(Object.keys(schema.properties ?? {}).sort());
  const wsdlRequired = [...fields.filter((f) => f.min > 0).map((f) => f.name), ...(JSON_ONLY_REQUIRED[path] ?? [])];
  expect(wsdlRequired.sort()).toEqual([...(schema.required ?? [])].sort());
  for (const f of fields) {
    const p = schema.properties![f.name];
    const item = f.max === 1 ? p : (expect(p.type).toBe('array'), p.items!);
    if (f.complex) compare(model, f.type, item, `${path}.${f.name}`);
    else expect([`${path}.${f.name}`, JSON_TYPE[f.type]?.includes(item.type ?? 'string')]).toEqual([`${path}.${f.name}`, true]);
  }
}

for (const [label, model] of [['CentralSystemService', centralSystemService()], ['ChargePointService', chargePointService()]] as const) {
  describe(`${label}: every operation maps onto the 1.6 JSON schemas`, () => {
    it.each(Object.values(model.operations).map((o) => [o.name, o] as const))('%s', (name, op) => {
      compare(model, op.input.type, byId.get(`urn:${name}.req`)!, `${name}.req`);
      compare(model, op.output.type, byId.get(`urn:${name}.conf`)!, `${name}.conf`);
    });
  });
}

describe('codec round trip', () => {
  it('a nested ChargingProfile and repeated keys survive XML unchanged and in the WSDL order', () => {
    const cp = chargePointService();
    const payload = {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.5 }, { startPeriod: 3600, limit: 8, numberPhases: 3 }] },
      },
    };
    const op = cp.operations.SetChargingProfile;
    const xml = encodeElement(cp, op.input.element, op.input.type, payload);
    expect(xml.indexOf('<chargingProfileId>')).toBeLessThan(xml.indexOf('<stackLevel>'));
    expect(decode(cp, op.input.type, parseXml(xml))).toEqual(payload);
    const conf = cp.operations.GetConfiguration;
    const answer = { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: ['A', 'B'] };
    expect(decode(cp, conf.output.type, parseXml(encodeElement(cp, conf.output.element, conf.output.type, answer)))).toEqual(answer);
  });
});

describe('shared/soap/models.json', () => {
  it('is what the official WSDLs give (npx tsx infra/tools/generate-soap-models.ts)', () => {
    const { soapModels } = require('../../infra/tools/generate-soap-models'); // eslint-disable-line @typescript-eslint/no-require-imports
    expect(JSON.parse(JSON.stringify(soapModels()))).toEqual({ cs: centralSystemService(), cp: chargePointService() });
  });
});
