import { handler as commands } from '../../functions/commands';
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

// The console path: the commands Lambda invoked with the documented test event.
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

describe('commands Lambda', () => {
  it('sends the call and returns the charge point\'s answer', async () => {
    const id = newId();
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    cp.handle('GetConfiguration', () => ({ configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '60' }] }));
    const out = await commands({ chargePointId: id, action: 'GetConfiguration', payload: { key: ['MeterValueSampleInterval'] } });
    expect(out).toEqual({ status: 200, response: { configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '60' }] } });
    await cp.close();
  });

  it('explains a malformed event and an unknown charge point', async () => {
    expect(await commands({ action: 'Reset' } as never)).toMatchObject({ status: 400, error: 'BadRequest' });
    expect(await commands({ chargePointId: newId(), action: 'Reset', payload: { type: 'Soft' } })).toMatchObject({ status: 404, error: 'NotFound' });
  });
});
