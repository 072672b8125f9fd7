import { startLocal, type LocalCsms, type LocalOptions } from '../../infra/local/runtime';

/** Boots the real local runtime on a free port for one test file. */
export async function bootCsms(opts: LocalOptions = {}): Promise<LocalCsms & { api: Api }> {
  const csms = await startLocal({ port: 0, ...opts, env: { CSMS_CALL_TIMEOUT_MS: '5000', ...opts.env } });
  return { ...csms, api: apiClient(csms.apiUrl) };
}

export interface ApiReply<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
}
export type Api = ReturnType<typeof apiClient>;

export function apiClient(base: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiReply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (p: string) => call('GET', p),
    put: (p: string, b?: unknown) => call('PUT', p, b),
    post: (p: string, b?: unknown) => call('POST', p, b),
    delete: (p: string) => call('DELETE', p),
  };
}

/** Polls until `check` returns a truthy value (for effects that land just after an answer). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last ?? new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
