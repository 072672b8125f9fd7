import { h, render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';
import { api, apiToken, ApiError, enc } from './api';
import { buildCall, familyOf, parsePayload, resetTypes, type CallForm, type CallKind, type Family } from './calls';
import { meterSeries, type MeterValue } from './meter';
import { usePoll } from './poll';

const html = htm.bind(h);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface ChargePoint {
  chargePointId: string;
  registrationStatus?: string;
  connected: boolean;
  protocol?: string;
  securityProfile?: number;
  lastSeen?: string;
  connectedAt?: string;
  disconnectedAt?: string;
  boot?: { vendor?: string; model?: string; firmwareVersion?: string; serialNumber?: string; protocol?: string; [k: string]: unknown };
  bootedAt?: string;
  connectors?: Record<string, { status?: string; connectorStatus?: string; errorCode?: string; timestamp?: string; [k: string]: unknown }>;
  activeTransactions?: Transaction[];
}
interface Transaction {
  transactionId: string | number;
  chargePointId: string;
  connectorId?: number;
  evseId?: number;
  idTag?: string;
  startedAt?: string;
  stoppedAt?: string;
  active?: boolean;
  meterStart?: number;
  meterStop?: number;
  stopReason?: string;
  meterValues?: MeterValue[];
  [k: string]: unknown;
}
interface Page<T> {
  items: T[];
  nextToken?: string;
}

// ---------- small parts ----------

const time = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

function ErrorBox({ error, what }: { error?: Error; what?: string }) {
  if (!error) return null;
  const e = error as ApiError;
  return html`<div class="error" role="alert">
    ${what ? html`<strong>${what}: </strong>` : ''}${e.status ? html`<code>${e.status} ${e.code}</code> ` : ''}${e.message}
  </div>`;
}

const statusOf = (c: { status?: string; connectorStatus?: string }) => c.status ?? c.connectorStatus ?? 'Unknown';

function Status({ value }: { value: string }) {
  return html`<span class=${`status s-${value}`}>${value}</span>`;
}

function Online({ cp }: { cp: ChargePoint }) {
  return cp.connected ? html`<span class="badge online">online</span>` : html`<span class="badge offline">offline</span>`;
}

function Connectors({ cp }: { cp: ChargePoint }) {
  const entries = Object.entries(cp.connectors ?? {}).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  if (!entries.length) return html`<span class="muted">none reported</span>`;
  return html`<span class="connectors">${entries.map(([k, c]) => html`<span class="connector" title=${`connector ${k}: ${statusOf(c)}${c.errorCode && c.errorCode !== 'NoError' ? ` (${c.errorCode})` : ''}`}>${k} <${Status} value=${statusOf(c)} /></span>`)}</span>`;
}

function link(hash: string, text: string) {
  return html`<a href=${hash}>${text}</a>`;
}
const cpHref = (id: string) => `#/charge-points/${enc(id)}`;
const txHref = (t: Transaction) => `#/transactions/${enc(t.chargePointId)}/${enc(String(t.transactionId))}`;

// ---------- charge points ----------

function ChargePointList() {
  const [filter, setFilter] = useState('');
  const list = usePoll(() => api<Page<ChargePoint>>('GET', '/charge-points?limit=500'), []);
  const items = (list.data?.items ?? [])
    .filter((cp) => !filter || JSON.stringify([cp.chargePointId, cp.boot?.vendor, cp.boot?.model, cp.protocol, cp.registrationStatus]).toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => a.chargePointId.localeCompare(b.chargePointId));
  return html`<section aria-labelledby="cp-title">
    <h1 id="cp-title">Charge points</h1>
    <label class="filter">Search <input type="search" value=${filter} onInput=${(e: Any) => setFilter(e.currentTarget.value)} placeholder="id, vendor, model, protocol" /></label>
    <${ErrorBox} error=${list.error} what="Loading charge points failed" />
    ${!list.data && !list.error ? html`<p class="muted">Loading…</p>` : ''}
    ${list.data && !items.length ? html`<p class="muted">${filter ? 'No charge point matches.' : 'No charge point has connected or been registered yet.'}</p>` : ''}
    ${items.length ? html`<div class="scroll"><table class="cp-list">
      <thead><tr><th>Charge point</th><th>Connection</th><th>Protocol</th><th>Registration</th><th>Vendor / model</th><th>Firmware</th><th>Last seen</th><th>Connectors</th></tr></thead>
      <tbody>${items.map((cp) => html`<tr data-cp=${cp.chargePointId}>
        <td>${link(cpHref(cp.chargePointId), cp.chargePointId)}</td>
        <td><${Online} cp=${cp} /></td>
        <td>${cp.protocol ?? '—'}</td>
        <td>${cp.registrationStatus ?? '—'}</td>
        <td>${[cp.boot?.vendor, cp.boot?.model].filter(Boolean).join(' ') || '—'}</td>
        <td>${cp.boot?.firmwareVersion ?? '—'}</td>
        <td>${time(cp.lastSeen)}</td>
        <td><${Connectors} cp=${cp} /></td>
      </tr>`)}</tbody>
    </table></div>` : ''}
  </section>`;
}

function ChargePointDetail({ id }: { id: string }) {
  const cp = usePoll(() => api<ChargePoint>('GET', `/charge-points/${enc(id)}`), [id]);
  const txs = usePoll(() => api<Page<Transaction>>('GET', `/transactions?chargePointId=${enc(id)}&limit=100`), [id]);
  const msgs = usePoll(() => api<Page<Any>>('GET', `/charge-points/${enc(id)}/messages?limit=25`), [id]);
  const c = cp.data;
  const recent = [...(txs.data?.items ?? [])].sort((a, b) => String(b.startedAt ?? '').localeCompare(String(a.startedAt ?? ''))).slice(0, 10);
  return html`<section aria-labelledby="detail-title">
    <p>${link('#/', '← Charge points')}</p>
    <h1 id="detail-title">${id} ${c ? html`<${Online} cp=${c} />` : ''}</h1>
    <${ErrorBox} error=${cp.error} what="Loading the charge point failed" />
    ${c ? html`<div class="grid">
      <div class="card" aria-labelledby="boot-title">
        <h2 id="boot-title">Boot info</h2>
        <dl>
          <dt>Protocol</dt><dd>${c.protocol ?? '—'}</dd>
          <dt>Registration</dt><dd>${c.registrationStatus ?? '—'}</dd>
          <dt>Security profile</dt><dd>${c.securityProfile ?? '—'}</dd>
          <dt>Vendor</dt><dd>${c.boot?.vendor ?? '—'}</dd>
          <dt>Model</dt><dd>${c.boot?.model ?? '—'}</dd>
          <dt>Firmware</dt><dd>${c.boot?.firmwareVersion ?? '—'}</dd>
          <dt>Serial number</dt><dd>${c.boot?.serialNumber ?? '—'}</dd>
          <dt>Booted</dt><dd>${time(c.bootedAt)}</dd>
          <dt>Connected</dt><dd>${c.connected ? time(c.connectedAt) : `no (since ${time(c.disconnectedAt)})`}</dd>
          <dt>Last seen</dt><dd>${time(c.lastSeen)}</dd>
        </dl>
      </div>
      <div class="card" aria-labelledby="conn-title">
        <h2 id="conn-title">Connectors</h2>
        <table class="connectors-table"><thead><tr><th>${familyOf(c.protocol) === '1.6' ? 'Connector' : 'EVSE/connector'}</th><th>Status</th><th>Error</th><th>Since</th></tr></thead>
        <tbody>${Object.entries(c.connectors ?? {}).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([k, s]) => html`<tr>
          <td>${k}</td><td><${Status} value=${statusOf(s)} /></td><td>${s.errorCode ?? '—'}</td><td>${time(s.timestamp)}</td></tr>`)}</tbody></table>
        <h2>Active transactions</h2>
        ${c.activeTransactions?.length ? html`<ul>${c.activeTransactions.map((t) => html`<li>${link(txHref(t), `#${t.transactionId}`)} on ${t.connectorId ?? t.evseId ?? '?'} by ${t.idTag ?? '—'} since ${time(t.startedAt)}</li>`)}</ul>` : html`<p class="muted">none</p>`}
      </div>
      <${Commands} cp=${c} onDone=${() => { cp.refresh(); txs.refresh(); msgs.refresh(); }} />
    </div>` : ''}
    <div class="card" aria-labelledby="tx-title">
      <h2 id="tx-title">Recent transactions</h2>
      <${ErrorBox} error=${txs.error} what="Loading transactions failed" />
      <${TransactionTable} items=${recent} />
    </div>
    <div class="card" aria-labelledby="msg-title">
      <h2 id="msg-title">Last messages</h2>
      <${ErrorBox} error=${msgs.error} what="Loading the message log failed" />
      ${msgs.data?.items.length ? html`<div class="scroll"><table class="messages"><thead><tr><th>At</th><th>Dir</th><th>Action</th><th>Frame</th></tr></thead>
        <tbody>${msgs.data.items.slice(0, 25).map((m: Any) => html`<tr><td>${time(m.at)}</td><td>${m.direction === 'in' ? '← in' : '→ out'}</td><td>${m.action ?? '—'}</td><td><code class="frame">${JSON.stringify(m.frame)}</code></td></tr>`)}</tbody></table></div>` : html`<p class="muted">${msgs.data ? 'No messages logged.' : 'Loading…'}</p>`}
    </div>
  </section>`;
}

// ---------- commands ----------

interface Outcome {
  action: string;
  ok: boolean;
  text: string;
}

function Field({ label, children }: { label: string; children: unknown }) {
  return html`<label class="field"><span>${label}</span>${children}</label>`;
}

function Commands({ cp, onDone }: { cp: ChargePoint; onDone: () => void }) {
  const family: Family = familyOf(cp.protocol);
  const [kind, setKind] = useState<CallKind>('Reset');
  const [form, setForm] = useState<CallForm>({ kind: 'Reset' });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [freeAction, setFreeAction] = useState('');
  const [freePayload, setFreePayload] = useState('{}');
  const set = (k: keyof CallForm) => (e: Any) => setForm((f) => ({ ...f, [k]: e.currentTarget.value }));
  const choose = (k: CallKind) => {
    setKind(k);
    setForm({ kind: k });
    setOutcome(undefined);
  };

  const send = async (action: string, payload: Record<string, unknown>) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const res = await api<{ response: unknown; effects?: string; message?: string }>('POST', `/charge-points/${enc(cp.chargePointId)}/calls/${enc(action)}`, payload);
      const status = (res.response as { status?: string } | undefined)?.status;
      setOutcome({ action, ok: true, text: `${status ? `${status} — ` : ''}${JSON.stringify(res.response)}${res.effects ? ` (effects ${res.effects}: ${res.message ?? ''})` : ''}` });
    } catch (e) {
      const err = e as ApiError;
      setOutcome({ action, ok: false, text: `${err.status ? `${err.status} ${err.code}: ` : ''}${err.message}` });
    } finally {
      setBusy(false);
      onDone();
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    let call;
    try {
      call = buildCall(family, { ...form, kind });
    } catch (err) {
      setOutcome({ action: kind, ok: false, text: (err as Error).message });
      return;
    }
    send(call.action, call.payload);
  };
  const submitFree = (e: Event) => {
    e.preventDefault();
    const action = freeAction.trim();
    if (!/^[A-Za-z]+$/.test(action)) return setOutcome({ action: action || '(none)', ok: false, text: 'Name an OCPP action, e.g. GetConfiguration' });
    let payload;
    try {
      payload = parsePayload(freePayload);
    } catch (err) {
      return setOutcome({ action, ok: false, text: (err as Error).message });
    }
    send(action, payload);
  };

  const idField = (label16: string, label2x: string, required = false) =>
    html`<${Field} label=${family === '1.6' ? label16 : label2x}><input name="connector" inputmode="numeric" value=${form.connector ?? ''} onInput=${set('connector')} required=${required} /></${Field}>`;
  const fields: Record<CallKind, unknown> = {
    Reset: html`<${Field} label="Type"><select name="type" value=${form.type ?? resetTypes(family)[0]} onChange=${set('type')}>${resetTypes(family).map((t) => html`<option value=${t}>${t}</option>`)}</select></${Field}>
      ${family === '2.x' ? idField('', 'EVSE id (empty: the whole station)') : ''}`,
    RemoteStart: html`<${Field} label=${family === '1.6' ? 'Id tag' : 'Id token'}><input name="idTag" value=${form.idTag ?? ''} onInput=${set('idTag')} required /></${Field}>
      ${idField('Connector id (optional)', 'EVSE id (optional)')}`,
    RemoteStop: html`<${Field} label="Transaction id"><input name="transactionId" value=${form.transactionId ?? ''} onInput=${set('transactionId')} required /></${Field}>`,
    Unlock: html`${idField('Connector id', 'EVSE id', true)}
      ${family === '2.x' ? html`<${Field} label="Connector id"><input name="evseConnector" inputmode="numeric" value=${form.evseConnector ?? ''} onInput=${set('evseConnector')} required /></${Field}>` : ''}`,
    ChangeAvailability: html`<${Field} label="Availability"><select name="type" value=${form.type ?? 'Operative'} onChange=${set('type')}><option value="Operative">Operative</option><option value="Inoperative">Inoperative</option></select></${Field}>
      ${idField('Connector id (0: the whole charge point)', 'EVSE id (empty: the whole station)', family === '1.6')}
      ${family === '2.x' ? html`<${Field} label="Connector id (optional)"><input name="evseConnector" inputmode="numeric" value=${form.evseConnector ?? ''} onInput=${set('evseConnector')} /></${Field}>` : ''}`,
  };
  const labels: Record<CallKind, string> = {
    Reset: 'Reset',
    RemoteStart: family === '1.6' ? 'Remote start' : 'Request start',
    RemoteStop: family === '1.6' ? 'Remote stop' : 'Request stop',
    Unlock: 'Unlock connector',
    ChangeAvailability: 'Change availability',
  };
  return html`<div class="card commands" aria-labelledby="cmd-title">
    <h2 id="cmd-title">Commands</h2>
    ${!cp.connected ? html`<p class="muted">Offline: the CSMS will answer 409 NotConnected.</p>` : ''}
    <div role="tablist" aria-label="Command" class="tabs">${(Object.keys(labels) as CallKind[]).map((k) => html`<button type="button" role="tab" aria-selected=${k === kind} class=${k === kind ? 'tab active' : 'tab'} onClick=${() => choose(k)}>${labels[k]}</button>`)}</div>
    <form onSubmit=${submit} aria-label=${labels[kind]} class="call-form">
      ${fields[kind]}
      <button type="submit" disabled=${busy}>${busy ? 'Sending…' : `Send ${labels[kind]}`}</button>
    </form>
    <details><summary>Any call</summary>
      <form onSubmit=${submitFree} aria-label="Any call" class="call-form">
        <${Field} label="Action"><input name="action" value=${freeAction} onInput=${(e: Any) => setFreeAction(e.currentTarget.value)} placeholder=${family === '1.6' ? 'GetConfiguration' : 'GetVariables'} /></${Field}>
        <${Field} label="Payload (JSON)"><textarea name="payload" rows="4" value=${freePayload} onInput=${(e: Any) => setFreePayload(e.currentTarget.value)}></textarea></${Field}>
        <button type="submit" disabled=${busy}>Send</button>
      </form>
    </details>
    ${outcome ? html`<div class=${outcome.ok ? 'result ok' : 'result error'} role=${outcome.ok ? 'status' : 'alert'} data-testid="call-result"><strong>${outcome.action}</strong>: ${outcome.text}</div>` : ''}
  </div>`;
}

// ---------- transactions ----------

function TransactionTable({ items }: { items: Transaction[] }) {
  if (!items.length) return html`<p class="muted">No transactions.</p>`;
  return html`<div class="scroll"><table class="tx-list"><thead><tr><th>Transaction</th><th>Charge point</th><th>Connector</th><th>Id tag</th><th>Started</th><th>Stopped</th><th>State</th><th>Energy</th></tr></thead>
    <tbody>${items.map((t) => html`<tr data-tx=${String(t.transactionId)}>
      <td>${link(txHref(t), String(t.transactionId))}</td>
      <td>${link(cpHref(t.chargePointId), t.chargePointId)}</td>
      <td>${t.connectorId ?? t.evseId ?? '—'}</td>
      <td>${t.idTag ?? '—'}</td>
      <td>${time(t.startedAt)}</td>
      <td>${time(t.stoppedAt)}</td>
      <td>${t.active ? html`<span class="badge online">active</span>` : html`<span class="badge">${t.stopReason ?? 'ended'}</span>`}</td>
      <td>${typeof t.meterStart === 'number' && typeof t.meterStop === 'number' ? `${((t.meterStop - t.meterStart) / 1000).toFixed(2)} kWh` : '—'}</td>
    </tr>`)}</tbody></table></div>`;
}

function TransactionList() {
  const [cpFilter, setCpFilter] = useState('');
  const [active, setActive] = useState('');
  const query = [cpFilter.trim() ? `chargePointId=${enc(cpFilter.trim())}` : '', active ? `active=${active}` : '', 'limit=200'].filter(Boolean).join('&');
  const list = usePoll(() => api<Page<Transaction>>('GET', `/transactions?${query}`), [query]);
  const items = [...(list.data?.items ?? [])].sort((a, b) => String(b.startedAt ?? '').localeCompare(String(a.startedAt ?? '')));
  return html`<section aria-labelledby="tx-list-title">
    <h1 id="tx-list-title">Transactions</h1>
    <div class="filters">
      <label class="filter">Charge point <input value=${cpFilter} onChange=${(e: Any) => setCpFilter(e.currentTarget.value)} placeholder="all" /></label>
      <label class="filter">State <select value=${active} onChange=${(e: Any) => setActive(e.currentTarget.value)}><option value="">all</option><option value="true">active</option><option value="false">ended</option></select></label>
    </div>
    <${ErrorBox} error=${list.error} what="Loading transactions failed" />
    ${list.data ? html`<${TransactionTable} items=${items} />` : list.error ? '' : html`<p class="muted">Loading…</p>`}
  </section>`;
}

function MeterChart({ values }: { values?: MeterValue[] }) {
  const el = useRef<HTMLDivElement>(null);
  const series = meterSeries(values);
  const key = JSON.stringify(series);
  useEffect(() => {
    if (!el.current || series.t.length === 0) return;
    const width = Math.max(280, Math.min(900, el.current.clientWidth || 600));
    const plot = new uPlot({
      width,
      height: 280,
      title: 'Energy and power',
      scales: { x: { time: true }, Wh: {}, W: {} },
      series: [
        {},
        { label: 'Energy (Wh)', scale: 'Wh', stroke: '#1f6feb', width: 2, spanGaps: true },
        { label: 'Power (W)', scale: 'W', stroke: '#d97706', width: 2, spanGaps: true },
      ],
      axes: [{}, { scale: 'Wh', label: 'Wh' }, { scale: 'W', side: 1, label: 'W', grid: { show: false } }],
    }, [series.t, series.energyWh, series.powerW] as uPlot.AlignedData, el.current);
    return () => plot.destroy();
  }, [key]);
  if (!series.t.length) return html`<p class="muted">No energy or power readings yet.</p>`;
  return html`<div class="chart" ref=${el} role="img" aria-label=${`Energy and power over time, ${series.t.length} readings`}></div>`;
}

function TransactionDetail({ cpId, txId }: { cpId: string; txId: string }) {
  const tx = usePoll(() => api<Transaction>('GET', `/transactions/${enc(txId)}?chargePointId=${enc(cpId)}`), [cpId, txId]);
  const t = tx.data;
  return html`<section aria-labelledby="txd-title">
    <p>${link('#/transactions', '← Transactions')}</p>
    <h1 id="txd-title">Transaction ${txId}</h1>
    <${ErrorBox} error=${tx.error} what="Loading the transaction failed" />
    ${t ? html`<div class="grid">
      <div class="card"><dl>
        <dt>Charge point</dt><dd>${link(cpHref(t.chargePointId), t.chargePointId)}</dd>
        <dt>Connector</dt><dd>${t.connectorId ?? t.evseId ?? '—'}</dd>
        <dt>Id tag</dt><dd>${t.idTag ?? '—'}</dd>
        <dt>State</dt><dd>${t.active ? 'active' : `ended${t.stopReason ? ` (${t.stopReason})` : ''}`}</dd>
        <dt>Started</dt><dd>${time(t.startedAt)}</dd>
        <dt>Stopped</dt><dd>${time(t.stoppedAt)}</dd>
        <dt>Meter start</dt><dd>${t.meterStart ?? '—'}</dd>
        <dt>Meter stop</dt><dd>${t.meterStop ?? '—'}</dd>
      </dl></div>
      <div class="card wide"><h2>Meter values</h2><${MeterChart} values=${t.meterValues} /></div>
    </div>` : ''}
  </section>`;
}

// ---------- shell ----------

function TokenForm({ onSaved }: { onSaved: () => void }) {
  const [value, setValue] = useState('');
  return html`<form class="card token" aria-label="API token" onSubmit=${(e: Event) => { e.preventDefault(); apiToken.set(value.trim()); onSaved(); }}>
    <p>This operator API needs a token (<code>CSMS_API_TOKEN</code>, printed by <code>npm start</code>). It is kept in this tab only.</p>
    <${Field} label="API token"><input type="password" autocomplete="off" value=${value} onInput=${(e: Any) => setValue(e.currentTarget.value)} /></${Field}>
    <button type="submit">Use token</button>
  </form>`;
}

function route(hash: string) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'charge-points' && parts[1]) return html`<${ChargePointDetail} id=${parts[1]} />`;
  if (parts[0] === 'transactions' && parts[1] && parts[2]) return html`<${TransactionDetail} cpId=${parts[1]} txId=${parts[2]} />`;
  if (parts[0] === 'transactions') return html`<${TransactionList} />`;
  return html`<${ChargePointList} />`;
}

function App() {
  const [hash, setHash] = useState(location.hash);
  const [needsToken, setNeedsToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    const onUnauthorized = () => setNeedsToken(true);
    addEventListener('csms-unauthorized', onUnauthorized);
    return () => {
      removeEventListener('hashchange', on);
      removeEventListener('csms-unauthorized', onUnauthorized);
    };
  }, []);
  const section = hash.startsWith('#/transactions') ? 'transactions' : 'charge-points';
  return html`<header>
      <span class="brand">CSMS console</span>
      <nav aria-label="Main"><a href="#/" aria-current=${section === 'charge-points' ? 'page' : undefined}>Charge points</a><a href="#/transactions" aria-current=${section === 'transactions' ? 'page' : undefined}>Transactions</a></nav>
      ${apiToken.get() ? html`<button type="button" class="link" onClick=${() => { apiToken.set(undefined); setNeedsToken(true); }}>Forget token</button>` : ''}
    </header>
    <main key=${generation}>
      ${needsToken ? html`<${TokenForm} onSaved=${() => { setNeedsToken(false); setGeneration((g) => g + 1); }} />` : ''}
      ${route(hash)}
    </main>`;
}

// The placeholder goes: render() diffs into the container and would keep it.
const root = document.getElementById('app')!;
root.textContent = '';
render(html`<${App} />`, root);
