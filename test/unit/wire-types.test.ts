/**
 * The generated wire types (shared/ocpp/types, from the official schemas by
 * infra/tools/generate-types.ts): committed = regenerated; the emitter's rules on small schemas;
 * official-shaped payloads typed with them pass the validators, and what the types refuse
 * (`@ts-expect-error`, checked by `tsc --noEmit -p .`) the validators refuse too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAllTypes, generateTypes, TYPES_DIR } from '../../infra/tools/generate-types';
import { checkPayload } from '../../shared/ocpp/validation';
import type { Requests16, Responses16 } from '../../shared/ocpp/types/v16';
import type { ChargingProfileType, Requests201, Responses201 } from '../../shared/ocpp/types/v201';

describe('generated wire types', () => {
  it('the committed files are what the generator produces from the committed schemas', () => {
    const generated = generateAllTypes();
    expect([...generated.keys()].sort()).toEqual(['v16.ts', 'v201.ts']);
    for (const [name, content] of generated) expect([name, readFileSync(join(TYPES_DIR, name), 'utf8')]).toEqual([name, content]);
  });

  it('emits objects, required, enums, arrays, definitions and closed/open objects with wire keys', () => {
    const out = generateTypes('9.9', [
      {
        $id: 'urn:Foo.req', type: 'object', additionalProperties: false, required: ['status', 'items'],
        definitions: { ThingType: { type: 'object', properties: { vendorId: { type: 'string' } }, required: ['vendorId'] } },
        properties: {
          status: { type: 'string', enum: ['Accepted', 'Rejected'] },
          items: { type: 'array', items: { $ref: '#/definitions/ThingType' } },
          evseId: { type: 'integer' },
          'odd-key': { type: 'boolean' },
          at: { type: 'string', format: 'date-time' },
          data: {},
        },
      },
      { $id: 'urn:Foo.conf', type: 'object', additionalProperties: false, properties: {} },
    ], '99');
    expect(out).toContain('export interface ThingType {\n  vendorId: string;\n  [key: string]: unknown;\n}');
    expect(out).toContain([
      'export interface FooRequest {',
      '  status: "Accepted" | "Rejected";',
      '  items: Array<ThingType>;',
      '  evseId?: number;',
      '  "odd-key"?: boolean;',
      '  at?: string;',
      '  data?: unknown;',
      '}',
    ].join('\n'));
    expect(out).toContain('export type FooResponse = Record<string, never>;');
    expect(out).toContain('export interface Requests99 {\n  Foo: FooRequest;\n}');
    expect(out).toContain('export interface Responses99 {\n  Foo: FooResponse;\n}');
  });

  it('refuses what it cannot express instead of emitting a wrong type', () => {
    const req = (properties: object) => ({ $id: 'urn:Foo.req', type: 'object', properties });
    const conf = { $id: 'urn:Foo.conf', type: 'object', properties: {} };
    expect(() => generateTypes('9.9', [req({ a: { type: ['string', 'null'] } }), conf], '99')).toThrow(/type list/);
    expect(() => generateTypes('9.9', [req({ a: { $ref: 'other.json#/x' } }), conf], '99')).toThrow(/unsupported \$ref/);
    expect(() => generateTypes('9.9', [req({}), { ...conf, $id: 'urn:Bar.conf' }], '99')).toThrow(/has no \.(req|conf)/);
    expect(() => generateTypes('9.9', [
      { ...req({}), definitions: { T: { type: 'string' } } },
      { ...conf, definitions: { T: { type: 'integer' } } },
    ], '99')).toThrow(/definition T differs/);
  });

  describe('typed payloads and the validators agree', () => {
    // Payloads as in the OCPP specifications' examples, typed with the generated types (compile time).
    const boot16: Requests16['BootNotification'] = { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger', firmwareVersion: '1.2.3' };
    const bootConf16: Responses16['BootNotification'] = { status: 'Accepted', currentTime: '2026-01-02T03:04:05.000Z', interval: 300 };
    const meter16: Requests16['MeterValues'] = {
      connectorId: 1, transactionId: 7,
      meterValue: [{ timestamp: '2026-01-02T03:04:05Z', sampledValue: [{ value: '1234.5', measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' }] }],
    };
    const firmware16: Requests16['FirmwareStatusNotification'] = { status: 'Installed' };
    const boot201: Requests201['BootNotification'] = { reason: 'PowerUp', chargingStation: { model: 'SingleSocketCharger', vendorName: 'VendorX', modem: { iccid: '8931', imsi: '2040' } } };
    const profile: ChargingProfileType = {
      id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, numberPhases: 3 }] }],
    };
    const setProfile201: Requests201['SetChargingProfile'] = { evseId: 1, chargingProfile: profile };
    const event201: Requests201['NotifyEvent'] = {
      generatedAt: '2026-01-02T03:04:05Z', seqNo: 0,
      eventData: [{ eventId: 1, timestamp: '2026-01-02T03:04:05Z', trigger: 'Alerting', actualValue: 'Faulted', eventNotificationType: 'HardWiredMonitor', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'Problem' } }],
    };
    const dataTransferConf201: Responses201['DataTransfer'] = { status: 'Accepted', data: { any: ['json', 1] } };
    const logStatus201: Requests201['LogStatusNotification'] = { status: 'Uploaded', requestId: 3 };

    it.each([
      ['1.6', 'BootNotification', 'req', boot16],
      ['1.6', 'BootNotification', 'conf', bootConf16],
      ['1.6', 'MeterValues', 'req', meter16],
      ['1.6', 'FirmwareStatusNotification', 'req', firmware16],
      ['2.0.1', 'BootNotification', 'req', boot201],
      ['2.0.1', 'SetChargingProfile', 'req', setProfile201],
      ['2.0.1', 'NotifyEvent', 'req', event201],
      ['2.0.1', 'DataTransfer', 'conf', dataTransferConf201],
      ['2.0.1', 'LogStatusNotification', 'req', logStatus201],
    ] as const)('%s %s.%s typed with the generated types is valid', (version, action, kind, payload) => {
      expect(checkPayload(version, action, kind, payload)).toBeUndefined();
    });

    it('what the types refuse, the validators refuse', () => {
      // @ts-expect-error InstallScheduled is a 2.0.1 FirmwareStatusEnumType value, not a 1.6 FirmwareStatus
      const wrongEnum: Requests16['FirmwareStatusNotification'] = { status: 'InstallScheduled' };
      // @ts-expect-error 2.0.1 chargingStation.model is required
      const missing: Requests201['BootNotification'] = { reason: 'PowerUp', chargingStation: { vendorName: 'VendorX' } };
      // @ts-expect-error additionalProperties false: no key outside the schema (case as on the wire)
      const extraKey: Requests16['BootNotification'] = { chargePointVendor: 'V', chargePointModel: 'M', ChargePointSerialNumber: 'x' };
      // @ts-expect-error integer fields are numbers, not numeric strings
      const wrongType: Requests201['LogStatusNotification'] = { status: 'Uploaded', requestId: '3' };
      // @ts-expect-error Heartbeat.conf needs currentTime
      const heartbeat: Responses16['Heartbeat'] = {};
      expect(checkPayload('1.6', 'FirmwareStatusNotification', 'req', wrongEnum)?.code).toBe('PropertyConstraintViolation');
      expect(checkPayload('2.0.1', 'BootNotification', 'req', missing)?.code).toBe('OccurrenceConstraintViolation');
      expect(checkPayload('1.6', 'BootNotification', 'req', extraKey)).toBeDefined();
      expect(checkPayload('2.0.1', 'LogStatusNotification', 'req', wrongType)?.code).toBe('TypeConstraintViolation');
      expect(checkPayload('1.6', 'Heartbeat', 'conf', heartbeat)).toBeDefined();
    });
  });
});
