import { clearedBy, settingOf } from '../../shared/der/effects';

const c = (controlId: string, controlType: string, isDefault: boolean) => ({ controlId, controlType, isDefault });
const held = [c('a', 'FreqDroop', true), c('b', 'FreqDroop', false), c('d', 'VoltVar', false), c('e', 'LimitMaxDischarge', true)];
const cleared = (req: Parameters<typeof clearedBy>[0]) => held.filter((x) => clearedBy(req, x)).map((x) => x.controlId);

describe('ClearDERControl: which stored controls an Accepted clear removes', () => {
  it('by controlId: that control only, whatever isDefault/controlType say', () => {
    expect(cleared({ isDefault: true, controlId: 'd', controlType: 'FreqDroop' })).toEqual(['d']);
    expect(cleared({ isDefault: false, controlId: 'zz' })).toEqual([]);
  });
  it('by controlType: every control of that type of the requested kind (default / scheduled)', () => {
    expect(cleared({ isDefault: false, controlType: 'FreqDroop' })).toEqual(['b']);
    expect(cleared({ isDefault: true, controlType: 'FreqDroop' })).toEqual(['a']);
  });
  it('neither: every control of the requested kind', () => {
    expect(cleared({ isDefault: true })).toEqual(['a', 'e']);
    expect(cleared({ isDefault: false })).toEqual(['b', 'd']);
  });
  it('keeps only the setting fields of a request', () => {
    expect(settingOf({ isDefault: true, controlId: 'x', controlType: 'FreqDroop', freqDroop: { priority: 1 }, customData: { vendorId: 'v' } })).toEqual({ freqDroop: { priority: 1 } });
  });
});
