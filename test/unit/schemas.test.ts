import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripDocs } from '../../shared/ocpp/schema-strip';
import { schemaKey } from '../../shared/ocpp/validation';
import committed16 from '../../shared/ocpp/schemas/ocpp1_6.json';
import committed201 from '../../shared/ocpp/schemas/ocpp2_0_1.json';
import official16 from 'ocpp-rpc/lib/schemas/ocpp1_6.json';
import official201 from 'ocpp-rpc/lib/schemas/ocpp2_0_1.json';

describe('the schemas we validate with', () => {
  it('are the official OCA schemas minus documentation keywords (run `npm run schemas` after upgrading ocpp-rpc)', () => {
    expect(committed16).toEqual(stripDocs(official16));
    expect(committed201).toEqual(stripDocs(official201));
    expect(committed16).toHaveLength(78);
    expect(committed201).toHaveLength(128);
  });

  it('holds the official OCPP 2.1 set byte for byte (CC BY-ND 4.0: no modified copies)', () => {
    const committed = readFileSync(join(__dirname, '../../shared/ocpp/schemas/ocpp2_1.json'));
    expect(committed.equals(readFileSync(require.resolve('ocpp-rpc/lib/schemas/ocpp2_1.json')))).toBe(true);
    const ids = (JSON.parse(committed.toString()) as Array<{ $id: string }>).map((s) => s.$id);
    expect(ids).toHaveLength(181);
    // 2.1 names its schemas urn:<Action>Request / Response; NotifyPeriodicEventStream (a SEND) has no response.
    expect(schemaKey('urn:RequestStartTransactionRequest')).toEqual({ action: 'RequestStartTransaction', kind: 'req' });
    expect(schemaKey('urn:AuthorizeResponse')).toEqual({ action: 'Authorize', kind: 'conf' });
    expect(schemaKey('urn:NotifyPeriodicEventStream')).toEqual({ action: 'NotifyPeriodicEventStream', kind: 'req' });
    expect(schemaKey('urn:Authorize.conf')).toEqual({ action: 'Authorize', kind: 'conf' });
  });

  it('keeps properties that happen to be named like documentation keywords', () => {
    const schema = { description: 'doc', properties: { description: { type: 'string', description: 'doc' } } };
    expect(stripDocs(schema)).toEqual({ properties: { description: { type: 'string' } } });
  });
});
