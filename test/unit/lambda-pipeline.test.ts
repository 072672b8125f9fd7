/**
 * The middy pipeline of a route Lambda (shared/lambda/websocket.ts, shared/ocpp/inbound.ts)
 * without the local runtime: the deadline answers InternalError before the Lambda would time
 * out, every CALLERROR reaches the metrics outside the mapper, and log lines carry the caller.
 */
import type { Context } from 'aws-lambda';
import { routeHandler } from '../../shared/lambda/websocket';
import { metricSum } from '../../shared/lambda/metrics';
import type { log } from '../../shared/log';
import heartbeatValidators from '../../shared/ocpp/validators/Heartbeat';

process.env.CSMS_MESSAGE_LOG = 'false';

const event = (frame: unknown, authorizer: Record<string, unknown> = { chargePointId: 'CP-UNIT', protocol: 'ocpp1.6', registrationStatus: 'Accepted' }) => ({
  body: typeof frame === 'string' ? frame : JSON.stringify(frame),
  requestContext: { connectionId: 'conn-1', routeKey: 'Heartbeat', authorizer },
});
/** A Lambda context whose invocation has `ms` left. */
const contextWith = (ms: number): Context => {
  const end = Date.now() + ms;
  return { functionName: 'Heartbeat', awsRequestId: 'req-1', getRemainingTimeInMillis: () => end - Date.now() } as unknown as Context;
};

describe('route pipeline', () => {
  it('answers InternalError at the deadline when the action never finishes, and counts it', async () => {
    const hanging = routeHandler('Heartbeat', { '1.6': () => new Promise(() => undefined) }, heartbeatValidators);
    const before = metricSum('CallErrors', { code: 'InternalError' });
    // 1.5 s left, 1 s margin (CSMS_DEADLINE_MARGIN_MS default): the answer is due after 0.5 s, long before Lambda would stop.
    const out = await hanging(event([2, 'd1', 'Heartbeat', {}]) as never, contextWith(1500));
    expect(JSON.parse(out.body!)).toEqual([4, 'd1', 'InternalError', 'An internal error occurred while processing the message', {}]);
    expect(metricSum('CallErrors', { code: 'InternalError' })).toBe(before + 1);
  });

  it('answers in time, and the metrics see the answered message', async () => {
    const h = routeHandler('Heartbeat', { '1.6': () => ({ currentTime: '2026-01-01T00:00:00.000Z' }) }, heartbeatValidators);
    const before = metricSum('Messages', { action: 'Heartbeat', protocol: 'ocpp1.6' });
    const out = await h(event([2, 'h1', 'Heartbeat', {}]) as never, contextWith(28_000));
    expect(JSON.parse(out.body!)).toEqual([3, 'h1', { currentTime: '2026-01-01T00:00:00.000Z' }]);
    expect(metricSum('Messages', { action: 'Heartbeat', protocol: 'ocpp1.6' })).toBe(before + 1);
  });

  it('sets CALLERRORs in onError, so metrics outside the mapper count them by code', async () => {
    const h = routeHandler('Heartbeat', { '1.6': () => ({ currentTime: 'not a date' }) }, heartbeatValidators);
    const formation = metricSum('CallErrors', { code: 'FormatViolation' });
    const security = metricSum('CallErrors', { code: 'SecurityError' });
    const internal = metricSum('CallErrors', { code: 'InternalError' });
    // Invalid request (payload not an object) → FormationViolation in 1.6.
    expect(JSON.parse((await h(event([2, 'x1', 'Heartbeat', []]) as never, contextWith(28_000))).body!)[2]).toBe('FormationViolation');
    // Pending charge point → SecurityError.
    const pending = { chargePointId: 'CP-UNIT', protocol: 'ocpp1.6', registrationStatus: 'Pending' };
    expect(JSON.parse((await h(event([2, 'x2', 'Heartbeat', {}], pending) as never, contextWith(28_000))).body!)[2]).toBe('SecurityError');
    // Our own answer fails its schema → InternalError, never the wrong frame.
    expect(JSON.parse((await h(event([2, 'x3', 'Heartbeat', {}]) as never, contextWith(28_000))).body!)[2]).toBe('InternalError');
    expect(metricSum('CallErrors', { code: 'FormatViolation' })).toBe(formation + 1);
    expect(metricSum('CallErrors', { code: 'SecurityError' })).toBe(security + 1);
    expect(metricSum('CallErrors', { code: 'InternalError' })).toBe(internal + 1);
  });

  it('puts charge point id, message id, action and protocol on every log line of the invocation', async () => {
    // A fresh module set whose logger starts at info (the level is read from the environment once).
    let fresh!: { routeHandler: typeof routeHandler; log: typeof log };
    process.env.LOG_LEVEL = 'info';
    jest.isolateModules(() => {
      fresh = { routeHandler: require('../../shared/lambda/websocket').routeHandler, log: require('../../shared/log').log };
    });
    delete process.env.LOG_LEVEL;
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const h = fresh.routeHandler('Heartbeat', { '1.6': () => { fresh.log.info('inside the action'); return { currentTime: '2026-01-01T00:00:00.000Z' }; } }, heartbeatValidators);
      await h(event([2, 'k1', 'Heartbeat', {}]) as never, contextWith(28_000));
    } finally {
      write.mockRestore();
    }
    const line = lines.flatMap((l) => l.trim().split('\n')).map((l) => JSON.parse(l)).find((l) => l.message === 'inside the action');
    expect(line).toMatchObject({ chargePointId: 'CP-UNIT', messageId: 'k1', action: 'Heartbeat', protocol: 'ocpp1.6', function_name: 'Heartbeat', function_request_id: 'req-1' });
  });
});
