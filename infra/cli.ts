// `npm run cli -- <command> [options]`: operator commands against the CSMS's HTTP API (local by
// default). In the cloud the API takes only IAM (SigV4) requests: when --api is an execute-api URL
// the CLI signs each request with the default AWS credential chain (AWS_PROFILE, environment, SSO,
// instance role...); --sigv4 forces signing for any URL (e.g. a custom domain, with --region).
// Each command is one entry of COMMANDS: name, summary, options, run. Add yours there.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `out` is a terminal (progress is redrawn in place). */
  tty: boolean;
}

/** The region of an API Gateway URL (`https://<id>.execute-api.<region>.amazonaws.com[.cn]/…`); undefined for any other host. */
export function executeApiRegion(url: string): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(url).hostname)?.[1];
}

/** SigV4 for API Gateway (`execute-api`), credentials from the default provider chain. */
export function apiSigner(region: string, credentials: AwsCredentialIdentityProvider = defaultProvider()): SignatureV4 {
  return new SignatureV4({ credentials, region, service: 'execute-api', sha256: Hash.bind(null, 'sha256') });
}

export class Api {
  constructor(readonly base: string, private readonly signer?: SignatureV4) {}
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    let res: Response;
    const url = new URL(`${this.base}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
    if (this.signer) {
      const query: Record<string, string | string[]> = {};
      for (const [k, v] of url.searchParams) query[k] = k in query ? ([] as string[]).concat(query[k], v) : v;
      let signed;
      try {
        signed = await this.signer.sign({ method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers: { ...headers, host: url.host }, body: payload });
      } catch (e) {
        throw new CliError(`Cannot sign the request for ${url.host}: no AWS credentials (${(e as Error).message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`);
      }
      // fetch sets Host itself (the same value that was signed).
      headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host'));
    } else if (process.env.CSMS_API_TOKEN) {
      // A local runtime listening beyond loopback requires its bearer token (docs/operator-api.md).
      headers.authorization = `Bearer ${process.env.CSMS_API_TOKEN}`;
    }
    try {
      res = await fetch(url, { method, headers, body: payload });
    } catch (e) {
      throw new CliError(`Cannot reach the CSMS API at ${this.base} (${(e as Error).message}); start it with \`npm start\` or pass --api URL`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }
  /** The body of a 2xx answer; otherwise the API's `{ error, message }` becomes the CLI's error. */
  async ok(method: string, path: string, body?: unknown) {
    const r = await this.request(method, path, body);
    if (r.status >= 200 && r.status < 300) return r.body;
    const b = r.body as { error?: string; message?: string; code?: string; description?: string } | undefined;
    throw new CliError(`${r.status} ${b?.error ?? ''}: ${b?.message ?? b?.description ?? JSON.stringify(b)}`.trim());
  }
}

class CliError extends Error {}

interface Command {
  name: string;
  summary: string;
  usage: string;
  options?: Options;
  run: (args: { values: Values; positionals: string[] }, ctx: { api: Api; io: Io }) => Promise<number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (v: string | boolean | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError(`--${name} must be an integer`);
  return n;
};
const required = (v: string | boolean | undefined, name: string): string => {
  if (typeof v !== 'string' || !v) throw new CliError(`--${name} is required`);
  return v;
};
const positional = (p: string[], i: number, name: string): string => {
  if (!p[i]) throw new CliError(`<${name}> is required`);
  return p[i];
};

// ---- firmware progress display -------------------------------------------------------------------

interface FirmwareView {
  id: string;
  status: string;
  error?: string;
  summary: { total: number; pending: number; inProgress: number; succeeded: number; failed: number; cancelled: number };
  chargePoints: Array<{ chargePointId: string; status: string; outcome?: string; error?: string; firmwareVersion?: string }>;
}

const MAX_ROWS = 20;
export function renderFirmwareProgress(v: FirmwareView): string[] {
  const s = v.summary;
  const done = s.succeeded + s.failed + s.cancelled;
  const width = 20;
  const filled = s.total ? Math.round((done / s.total) * width) : 0;
  const lines = [`Firmware update ${v.id}: ${v.status}  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${s.total} done`
    + `  (${s.succeeded} succeeded, ${s.failed} failed${s.cancelled ? `, ${s.cancelled} cancelled` : ''}, ${s.inProgress} in progress, ${s.pending} pending)`];
  const idWidth = Math.min(40, Math.max(12, ...v.chargePoints.map((c) => c.chargePointId.length)));
  for (const c of v.chargePoints.slice(0, MAX_ROWS)) {
    const outcome = c.outcome ? `${c.outcome}${c.error ? `: ${c.error}` : ''}` : '';
    lines.push(`  ${c.chargePointId.padEnd(idWidth)}  ${c.status.padEnd(18)}  ${outcome}${c.firmwareVersion ? `  (firmware ${c.firmwareVersion})` : ''}`.trimEnd());
  }
  if (v.chargePoints.length > MAX_ROWS) lines.push(`  … and ${v.chargePoints.length - MAX_ROWS} more`);
  if (v.error) lines.push(`  ${v.error}`);
  return lines;
}

async function followFirmware(api: Api, io: Io, id: string, pollMs: number): Promise<number> {
  let drawn = 0;
  let last = '';
  for (;;) {
    const v = (await api.ok('GET', `/firmware-updates/${encodeURIComponent(id)}`)) as FirmwareView;
    const lines = renderFirmwareProgress(v);
    const text = lines.join('\n');
    if (text !== last) {
      // On a terminal, redraw in place; otherwise print each new state once.
      if (io.tty && drawn) io.out(`\x1b[${drawn}A\x1b[J`);
      io.out(`${text}\n`);
      drawn = lines.length;
      last = text;
    }
    if (v.status !== 'Running') return v.status === 'Succeeded' ? 0 : 1;
    await sleep(pollMs);
  }
}

// ---- the commands --------------------------------------------------------------------------------

export const COMMANDS: Command[] = [
  {
    name: 'charge-points',
    summary: 'List charge points: connection, protocol, registration, last seen',
    usage: 'charge-points',
    run: async (_args, { api, io }) => {
      const { items } = await api.ok('GET', '/charge-points?limit=500');
      for (const c of items) {
        io.out(`${c.chargePointId.padEnd(24)} ${(c.connected ? 'connected' : 'offline').padEnd(10)} ${(c.protocol ?? '-').padEnd(10)} ${c.registrationStatus.padEnd(9)} ${c.boot ? `${c.boot.vendor} ${c.boot.model}` : '-'}  last seen ${c.lastSeen ?? '-'}\n`);
      }
      if (!items.length) io.out('No charge points\n');
      return 0;
    },
  },
  {
    name: 'charge-point',
    summary: 'Show one charge point as JSON (status, boot info, connectors, active transactions)',
    usage: 'charge-point <chargePointId>',
    run: async ({ positionals }, { api, io }) => {
      io.out(`${JSON.stringify(await api.ok('GET', `/charge-points/${encodeURIComponent(positional(positionals, 0, 'chargePointId'))}`), null, 2)}\n`);
      return 0;
    },
  },
  {
    name: 'register',
    summary: 'Register a charge point or change it (password for Basic auth, registration status)',
    usage: 'register <chargePointId> [--password P] [--status Accepted|Pending|Rejected]',
    options: { password: { type: 'string' }, status: { type: 'string' } },
    run: async ({ values: v, positionals }, { api, io }) => {
      const id = positional(positionals, 0, 'chargePointId');
      const r = await api.ok('PUT', `/charge-points/${encodeURIComponent(id)}`, JSON.parse(JSON.stringify({ password: v.password, registrationStatus: v.status })));
      io.out(`${r.chargePointId}: ${r.registrationStatus}${r.hasPassword ? ', password set' : ''}\n`);
      return 0;
    },
  },
  {
    name: 'call',
    summary: "Send any OCPP call to a connected charge point (payload as JSON, in its protocol's shape) and print the answer",
    usage: "call <chargePointId> <Action> ['{\"json\":\"payload\"}']",
    run: async ({ positionals }, { api, io }) => {
      let payload: unknown = {};
      if (positionals[2] !== undefined) {
        try {
          payload = JSON.parse(positionals[2]);
        } catch {
          throw new CliError('The payload must be JSON');
        }
      }
      const r = await api.ok('POST', `/charge-points/${encodeURIComponent(positional(positionals, 0, 'chargePointId'))}/calls/${encodeURIComponent(positional(positionals, 1, 'Action'))}`, payload);
      io.out(`${JSON.stringify(r.response, null, 2)}\n`);
      return 0;
    },
  },
  {
    name: 'id-tag',
    summary: 'Create or change an id tag (1.6 idTag, 2.0.1 idToken as Type:value)',
    usage: 'id-tag <idTag> [--status Accepted|Blocked|Expired|Invalid] [--expiry ISO] [--parent TAG]',
    options: { status: { type: 'string' }, expiry: { type: 'string' }, parent: { type: 'string' } },
    run: async ({ values: v, positionals }, { api, io }) => {
      const tag = positional(positionals, 0, 'idTag');
      const r = await api.ok('PUT', `/id-tags/${encodeURIComponent(tag)}`, JSON.parse(JSON.stringify({ status: v.status ?? 'Accepted', expiryDate: v.expiry, parentIdTag: v.parent })));
      io.out(`${r.idTag ?? tag}: ${r.status}${r.expiryDate ? ` until ${r.expiryDate}` : ''}${r.parentIdTag ? `, group ${r.parentIdTag}` : ''}\n`);
      return 0;
    },
  },
  {
    name: 'transactions',
    summary: 'List transactions (newest first as the API returns them)',
    usage: 'transactions [--charge-point CP] [--active] [--id-tag TAG]',
    options: { 'charge-point': { type: 'string' }, active: { type: 'boolean' }, 'id-tag': { type: 'string' } },
    run: async ({ values: v }, { api, io }) => {
      const q = new URLSearchParams(JSON.parse(JSON.stringify({ chargePointId: v['charge-point'], active: v.active ? 'true' : undefined, idTag: v['id-tag'], limit: '100' })));
      const { items } = await api.ok('GET', `/transactions?${q}`);
      for (const t of items) {
        const place = t.connectorId !== undefined ? `connector ${t.connectorId}` : `EVSE ${t.evseId ?? '-'}`;
        io.out(`${String(t.transactionId).padEnd(12)} ${t.chargePointId.padEnd(24)} ${place.padEnd(12)} ${String(t.idTag ?? '-').padEnd(20)} ${t.startedAt}  ${t.active ? 'active' : `stopped ${t.stoppedAt ?? ''} (${t.stopReason ?? '-'})`}  ${t.energyWh ?? '-'} Wh\n`);
      }
      if (!items.length) io.out('No transactions\n');
      return 0;
    },
  },
  {
    name: 'firmware-update',
    summary: 'Update the firmware of charge points (a list, or a fleet selected by model / firmware version) and follow the progress',
    usage: 'firmware-update --location URL (--charge-points CP1,CP2 | --model M [--vendor V] [--firmware-version X]) [--retrieve-date ISO] [--retries N] [--retry-interval S] [--max-concurrency N] [--tolerated-failure-percentage P] [--timeout-seconds S] [--detach]',
    options: {
      location: { type: 'string' },
      'charge-points': { type: 'string' },
      model: { type: 'string' },
      vendor: { type: 'string' },
      'firmware-version': { type: 'string' },
      'retrieve-date': { type: 'string' },
      retries: { type: 'string' },
      'retry-interval': { type: 'string' },
      'max-concurrency': { type: 'string' },
      'tolerated-failure-percentage': { type: 'string' },
      'timeout-seconds': { type: 'string' },
      detach: { type: 'boolean' },
      'poll-ms': { type: 'string' },
    },
    run: async ({ values: v }, { api, io }) => {
      const selector = v.model || v.vendor || v['firmware-version']
        ? JSON.parse(JSON.stringify({ model: v.model, vendor: v.vendor, firmwareVersion: v['firmware-version'] }))
        : undefined;
      const chargePointIds = typeof v['charge-points'] === 'string' ? v['charge-points'].split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      if (!selector && !chargePointIds) throw new CliError('Give --charge-points CP1,CP2 or a selector (--model, --vendor, --firmware-version)');
      const body = JSON.parse(JSON.stringify({
        chargePointIds,
        selector,
        location: required(v.location, 'location'),
        retrieveDate: (v['retrieve-date'] as string | undefined) ?? new Date().toISOString(),
        retries: int(v.retries, 'retries'),
        retryInterval: int(v['retry-interval'], 'retry-interval'),
        maxConcurrency: int(v['max-concurrency'], 'max-concurrency'),
        toleratedFailurePercentage: int(v['tolerated-failure-percentage'], 'tolerated-failure-percentage'),
        timeoutSeconds: int(v['timeout-seconds'], 'timeout-seconds'),
      }));
      const { id } = await api.ok('POST', '/firmware-updates', body);
      io.out(`Started firmware update ${id}\n`);
      if (v.detach) return 0;
      return followFirmware(api, io, id, int(v['poll-ms'], 'poll-ms') ?? 1000);
    },
  },
  {
    name: 'firmware-status',
    summary: 'Show a firmware update (add --follow to watch it until it ends)',
    usage: 'firmware-status <id> [--follow]',
    options: { follow: { type: 'boolean' }, 'poll-ms': { type: 'string' } },
    run: async ({ values, positionals }, { api, io }) => {
      const id = positional(positionals, 0, 'id');
      if (values.follow) return followFirmware(api, io, id, int(values['poll-ms'], 'poll-ms') ?? 1000);
      io.out(`${renderFirmwareProgress(await api.ok('GET', `/firmware-updates/${encodeURIComponent(id)}`)).join('\n')}\n`);
      return 0;
    },
  },
  {
    name: 'firmware-abort',
    summary: 'Abort a running firmware update',
    usage: 'firmware-abort <id>',
    run: async ({ positionals }, { api, io }) => {
      const v = await api.ok('POST', `/firmware-updates/${encodeURIComponent(positional(positionals, 0, 'id'))}/abort`);
      io.out(`${renderFirmwareProgress(v).join('\n')}\n`);
      return 0;
    },
  },
  {
    name: 'diagnostics',
    summary: 'Ask a charge point for its diagnostics, wait for the upload, print the download link',
    usage: 'diagnostics <chargePointId> [--location URL] [--start-time ISO] [--stop-time ISO] [--timeout-seconds S] [--detach]',
    options: { location: { type: 'string' }, 'start-time': { type: 'string' }, 'stop-time': { type: 'string' }, 'timeout-seconds': { type: 'string' }, detach: { type: 'boolean' }, 'poll-ms': { type: 'string' } },
    run: async ({ values: v, positionals }, { api, io }) => {
      const cp = encodeURIComponent(positional(positionals, 0, 'chargePointId'));
      const body = JSON.parse(JSON.stringify({ location: v.location, startTime: v['start-time'], stopTime: v['stop-time'], timeoutSeconds: int(v['timeout-seconds'], 'timeout-seconds') }));
      const { id } = await api.ok('POST', `/charge-points/${cp}/diagnostics`, body);
      io.out(`Requested diagnostics ${id}\n`);
      if (v.detach) return 0;
      let last = '';
      for (;;) {
        const d = await api.ok('GET', `/charge-points/${cp}/diagnostics/${id}`);
        if (d.uploadStatus !== last) io.out(`  ${d.uploadStatus}\n`);
        last = d.uploadStatus;
        if (d.status === 'Succeeded') {
          if (d.location) io.out(`Uploaded to ${d.location}${d.fileName ? ` as ${d.fileName}` : ''}\n`);
          else io.out(`Download: ${(await api.ok('GET', `/charge-points/${cp}/diagnostics/${id}/file`)).url}\n`);
          return 0;
        }
        if (d.status !== 'Running') {
          io.err(`Failed: ${d.error ?? d.status}\n`);
          return 1;
        }
        await sleep(int(v['poll-ms'], 'poll-ms') ?? 1000);
      }
    },
  },
  {
    name: 'reserve',
    summary: 'Reserve a 1.6 connector (0 = any, if supported) or a 2.0.x EVSE (or any EVSE) for an id tag',
    usage: 'reserve <chargePointId> (--connector N | [--evse N] [--connector-type T]) --id-tag TAG (--expiry ISO | --minutes M) [--parent-id-tag TAG]',
    options: { connector: { type: 'string' }, evse: { type: 'string' }, 'connector-type': { type: 'string' }, 'id-tag': { type: 'string' }, expiry: { type: 'string' }, minutes: { type: 'string' }, 'parent-id-tag': { type: 'string' } },
    run: async ({ values: v, positionals }, { api, io }) => {
      const minutes = int(v.minutes, 'minutes');
      const expiryDate = (v.expiry as string | undefined) ?? (minutes !== undefined ? new Date(Date.now() + minutes * 60_000).toISOString() : undefined);
      if (!expiryDate) throw new CliError('Give --expiry ISO or --minutes M');
      const r = await api.ok('POST', '/reservations', JSON.parse(JSON.stringify({
        chargePointId: positional(positionals, 0, 'chargePointId'), connectorId: int(v.connector, 'connector'), evseId: int(v.evse, 'evse'),
        connectorType: v['connector-type'], idTag: required(v['id-tag'], 'id-tag'), expiryDate, parentIdTag: v['parent-id-tag'],
      })));
      io.out(`Reservation ${r.reservationId} on ${r.chargePointId} ${where(r)} for ${r.idTag} until ${r.expiryDate}: ${r.status}\n`);
      return 0;
    },
  },
  {
    name: 'cancel-reservation',
    summary: 'Cancel a reservation',
    usage: 'cancel-reservation <chargePointId> <reservationId>',
    run: async ({ positionals }, { api, io }) => {
      const r = await api.ok('DELETE', `/charge-points/${encodeURIComponent(positional(positionals, 0, 'chargePointId'))}/reservations/${positional(positionals, 1, 'reservationId')}`);
      io.out(`Reservation ${r.reservationId}: ${r.status}\n`);
      return 0;
    },
  },
  {
    name: 'reservations',
    summary: 'List reservations',
    usage: 'reservations [--charge-point CP] [--status Active|Used|Cancelled|Expired]',
    options: { 'charge-point': { type: 'string' }, status: { type: 'string' } },
    run: async ({ values: v }, { api, io }) => {
      const q = new URLSearchParams(JSON.parse(JSON.stringify({ chargePointId: v['charge-point'], status: v.status })));
      const { items } = await api.ok('GET', `/reservations?${q}`);
      for (const r of items) io.out(`${String(r.reservationId).padStart(8)}  ${r.chargePointId}  ${where(r)}  ${r.idTag}  until ${r.expiryDate}  ${r.status}\n`);
      if (!items.length) io.out('No reservations\n');
      return 0;
    },
  },
  {
    name: 'local-list-sync',
    summary: 'Bring a charge point\'s Local Authorization List up to date with the id-tag store',
    usage: 'local-list-sync <chargePointId> [--full]',
    options: { full: { type: 'boolean' } },
    run: async ({ values, positionals }, { api, io }) => {
      const r = await api.ok('POST', `/charge-points/${encodeURIComponent(positional(positionals, 0, 'chargePointId'))}/local-list/sync`, values.full ? { updateType: 'Full' } : {});
      io.out(`${r.status}: version ${r.listVersion}, ${r.entries} entries${r.updateType ? ` (${r.updateType}, ${r.messages.length} message(s))` : ''}\n`);
      return 0;
    },
  },
  {
    name: 'trigger',
    summary: 'Ask a charge point to send a message now (TriggerMessage)',
    usage: 'trigger <chargePointId> <BootNotification|DiagnosticsStatusNotification|FirmwareStatusNotification|Heartbeat|MeterValues|StatusNotification> [--connector N]',
    options: { connector: { type: 'string' } },
    run: async ({ values, positionals }, { api, io }) => {
      const body = JSON.parse(JSON.stringify({ requestedMessage: positional(positionals, 1, 'message'), connectorId: int(values.connector, 'connector') }));
      const r = await api.ok('POST', `/charge-points/${encodeURIComponent(positional(positionals, 0, 'chargePointId'))}/calls/TriggerMessage`, body);
      io.out(`${r.response.status}\n`);
      return r.response.status === 'Accepted' ? 0 : 1;
    },
  },
];

function help(io: Io) {
  io.out('Usage: npm run cli -- <command> [options] [--api URL]\n\nCommands:\n');
  for (const c of COMMANDS) io.out(`  ${c.name.padEnd(20)} ${c.summary}\n`);
  io.out('\n`npm run cli -- <command> --help` shows its options. --api defaults to $CSMS_API_URL or http://127.0.0.1:8080/api.\n');
  io.out('An execute-api URL (the stack output OperatorApiUrl) is signed with SigV4 from the default AWS credential chain; --sigv4 [--region R] signs any URL.\n');
}

/** Runs one command; returns the exit code. */
export async function main(argv: string[], io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), tty: !!process.stdout.isTTY }): Promise<number> {
  const [name, ...rest] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    if (name && name !== 'help' && name !== '--help') io.err(`Unknown command: ${name}\n\n`);
    help(io);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...command.options, api: { type: 'string' }, sigv4: { type: 'boolean' }, region: { type: 'string' }, help: { type: 'boolean' } } });
    if (values.help) {
      io.out(`${command.summary}\n\nUsage: npm run cli -- ${command.usage} [--api URL]\n`);
      return 0;
    }
    const base = String(values.api ?? process.env.CSMS_API_URL ?? 'http://127.0.0.1:8080/api').replace(/\/$/, '');
    // execute-api URLs are signed (the operator API is IAM-only); --sigv4 signs any URL.
    const region = (values.region as string | undefined) ?? executeApiRegion(base) ?? (values.sigv4 ? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION : undefined);
    if (values.sigv4 && !region) throw new CliError('--sigv4 needs a region: --region or AWS_REGION');
    const api = new Api(base, values.sigv4 || executeApiRegion(base) ? apiSigner(region!) : undefined);
    return await command.run({ values: values as Values, positionals }, { api, io });
  } catch (e) {
    const known = e instanceof CliError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    io.err(`${known ? (e as Error).message : String((e as Error)?.stack ?? e)}\n${known ? `Usage: npm run cli -- ${command.usage}\n` : ''}`);
    return known ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

/** Where a reservation is: a 1.6 connector, or a 2.0.x EVSE (any EVSE when none is named). */
function where(r: { connectorId?: number; evseId?: number; connectorType?: string }): string {
  if (r.connectorId !== undefined) return `connector ${r.connectorId}`;
  return `${r.evseId !== undefined ? `EVSE ${r.evseId}` : 'any EVSE'}${r.connectorType ? ` (${r.connectorType})` : ''}`;
}
