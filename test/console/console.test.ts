import type { Page } from 'playwright-core';
import { buildConsole } from '../../console/build';
import { bootCsms } from '../support/local';
import { newId, strictClient, type StrictClient } from '../support/clients';
import { launchChromium } from './browser';

// The operator console in a real browser against the real local runtime and a strict station.
let csms: Awaited<ReturnType<typeof bootCsms>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let base: string;
const errors: string[] = [];

beforeAll(async () => {
  await buildConsole();
  csms = await bootCsms();
  base = csms.apiUrl.replace(/\/api$/, '');
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await csms?.close();
});

describe('operator console', () => {
  let id: string;
  let cp: StrictClient;
  const resets: unknown[] = [];

  it('serves the page at / with a CSP, and the API stays under /api', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('app.js');
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
  });

  it('shows a connecting station online with its connector status', async () => {
    id = newId('CON');
    cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    cp.handle('Reset', ({ params }) => {
      resets.push(params);
      return { status: 'Accepted' };
    });
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '4.2.0' });
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    await page.goto(`${base}/`);
    const row = page.locator(`tr[data-cp="${id}"]`);
    await row.locator('.badge.online').waitFor();
    expect(await row.textContent()).toContain('4.2.0');
    await row.locator('.s-Available').waitFor();
    expect(await page.getByText('Loading the console').count()).toBe(0);
  });

  it('shows a transaction with its meter value chart', async () => {
    await csms.api.put('/id-tags/CONSOLE1', { status: 'Accepted' });
    const t0 = Date.now();
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: 'CONSOLE1', meterStart: 1000, timestamp: new Date(t0).toISOString() });
    for (let i = 1; i <= 3; i++) {
      await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date(t0 + i * 60_000).toISOString(), sampledValue: [{ value: String(1000 + i * 400), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '7400', measurand: 'Power.Active.Import', unit: 'W' }] }] });
    }
    await page.goto(`${base}/#/transactions`);
    await page.locator(`tr[data-tx="${transactionId}"]`).getByRole('link', { name: String(transactionId), exact: true }).click();
    await page.locator('.chart canvas').waitFor();
    expect(await page.locator('.chart').getAttribute('aria-label')).toContain('3 readings');
  });

  it('sends a Reset from the form: the station receives it and the answer is shown', async () => {
    await page.goto(`${base}/#/charge-points/${encodeURIComponent(id)}`);
    await page.getByRole('tab', { name: 'Reset' }).click();
    await page.getByLabel('Type').selectOption('Hard');
    await page.getByRole('button', { name: 'Send Reset' }).click();
    const result = page.getByTestId('call-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Accepted');
    expect(resets).toEqual([{ type: 'Hard' }]);
  });

  it('shows the API error of a refused call', async () => {
    await page.getByRole('tab', { name: 'Remote stop' }).click();
    await page.getByLabel('Transaction id').fill('abc');
    await page.getByRole('button', { name: 'Send Remote stop' }).click();
    const result = page.getByTestId('call-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('whole number');
    await cp.close();
    // Offline now: the CSMS answers 409 NotConnected, and the console says so.
    await page.getByRole('tab', { name: 'Reset' }).click();
    await page.getByRole('button', { name: 'Send Reset' }).click();
    await page.getByTestId('call-result').getByText(/409 NotConnected/).waitFor();
    expect(errors).toEqual([]);
  });
});
