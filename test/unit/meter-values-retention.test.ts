import { bootCsms } from '../support/local';
import { putMeterValues, readSeries, transactionSeries } from '../../shared/store/meter-values';

// A retention (CSMS_METER_VALUES_DAYS, the stack's meterValuesDays) stamps each stored meter
// value message with its DynamoDB TTL, counted from receipt, not from the station's sample time.
describe('meter values retention', () => {
  const item = (id: string) => ({
    seriesId: transactionSeries(id, '1'), sampleKey: `2026-01-01T00:00:00.000Z#${id}`, chargePointId: id, version: '1.6' as const,
    transactionId: '1', meterValue: [{ timestamp: '2026-01-01T00:00:00.000Z', sampledValue: [{ value: '10' }] }],
    source: 'MeterValues', messageId: 'm1', receivedAt: '2026-06-01T00:00:00.000Z',
  });

  it('keeps meter values without an expiry by default and with one when a retention is set', async () => {
    const csms = await bootCsms();
    const before = process.env.CSMS_METER_VALUES_DAYS;
    try {
      await putMeterValues(item('RET-A'));
      expect((await readSeries(transactionSeries('RET-A', '1')))[0].expiresAt).toBeUndefined();
      process.env.CSMS_METER_VALUES_DAYS = '400';
      await putMeterValues(item('RET-B'));
      expect((await readSeries(transactionSeries('RET-B', '1')))[0].expiresAt).toBe(Date.parse('2026-06-01T00:00:00.000Z') / 1000 + 400 * 86_400);
    } finally {
      if (before === undefined) delete process.env.CSMS_METER_VALUES_DAYS;
      else process.env.CSMS_METER_VALUES_DAYS = before;
      await csms.close();
    }
  });
});
