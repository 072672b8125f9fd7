// `npm run screenshots`: PNGs of the console's main pages in docs/console/, from the real local
// runtime with two strict ocpp-rpc stations (1.6 and 2.0.1) and a 1.6 transaction with meter values.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsole } from './build';
import { bootCsms } from '../test/support/local';
import { strictClient } from '../test/support/clients';
import { launchChromium } from '../test/console/browser';

async function main() {
  const out = join(__dirname, '..', 'docs', 'console');
  mkdirSync(out, { recursive: true });
  await buildConsole();
  const csms = await bootCsms();
  const base = csms.apiUrl.replace(/\/api$/, '');
  const cp = await strictClient(csms.chargePointUrl, 'CP-DEMO-16', 'ocpp1.6');
  cp.handle('Reset', () => ({ status: 'Accepted' }));
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '4.2.0', chargePointSerialNumber: 'SN-0001' });
  await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: new Date().toISOString() });
  await cp.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
  const cs = await strictClient(csms.chargePointUrl, 'CS-DEMO-201', 'ocpp2.0.1');
  await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Volt', firmwareVersion: '2.0.7' } });
  await cs.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
  await csms.api.put('/id-tags/DEMO-TAG', { status: 'Accepted' });
  const t0 = Date.now() - 30 * 60_000;
  const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'DEMO-TAG', meterStart: 0, timestamp: new Date(t0).toISOString() });
  for (let i = 1; i <= 30; i++) {
    const power = 7000 + Math.round(400 * Math.sin(i / 4)) - (i > 24 ? (i - 24) * 900 : 0);
    await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date(t0 + i * 60_000).toISOString(), sampledValue: [{ value: String(i * 115), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: String(power), measurand: 'Power.Active.Import', unit: 'W' }] }] });
  }
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(`${base}/`);
  await page.locator('tr[data-cp="CS-DEMO-201"] .badge.online').waitFor();
  await page.screenshot({ path: join(out, 'charge-points.png'), fullPage: true });
  await page.goto(`${base}/#/charge-points/CP-DEMO-16`);
  await page.getByRole('button', { name: 'Send Reset' }).click();
  await page.getByTestId('call-result').waitFor();
  await page.screenshot({ path: join(out, 'charge-point.png'), fullPage: true });
  await page.goto(`${base}/#/transactions`);
  await page.locator(`tr[data-tx="${transactionId}"]`).waitFor();
  await page.screenshot({ path: join(out, 'transactions.png'), fullPage: true });
  await page.goto(`${base}/#/transactions/CP-DEMO-16/${transactionId}`);
  await page.locator('.chart canvas').waitFor();
  await page.screenshot({ path: join(out, 'transaction.png'), fullPage: true });
  await browser.close();
  await cp.close();
  await cs.close();
  await csms.close();
  console.log(`screenshots written to ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
