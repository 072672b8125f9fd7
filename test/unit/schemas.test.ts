import { stripDocs } from '../../shared/ocpp/schema-strip';
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

  it('keeps properties that happen to be named like documentation keywords', () => {
    const schema = { description: 'doc', properties: { description: { type: 'string', description: 'doc' } } };
    expect(stripDocs(schema)).toEqual({ properties: { description: { type: 'string' } } });
  });
});
