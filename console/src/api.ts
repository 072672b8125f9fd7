/**
 * The operator API as the console calls it: same origin (`/api`), JSON in and out, the bearer token
 * when the API asks for one. Every answer that is not a 2xx becomes an ApiError carrying the API's
 * own `{ error, message }`, so a page can show it as it is.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'csms-api-token';

export const apiToken = {
  get: (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  set: (t: string | undefined) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY)),
};

/** Turns a non-2xx answer into the message a user reads: the API's message, or what the status means. */
export function errorFrom(status: number, text: string): ApiError {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const b = (body ?? {}) as { error?: unknown; message?: unknown; code?: unknown; description?: unknown };
  const code = typeof b.error === 'string' ? b.error : `HTTP ${status}`;
  let message = typeof b.message === 'string' ? b.message : '';
  // A CALLERROR relayed by the API (502 CallError) carries the station's code and description.
  if (!message && typeof b.code === 'string') message = `${b.code}${typeof b.description === 'string' && b.description ? `: ${b.description}` : ''}`;
  if (!message) message = text && body === undefined ? text.slice(0, 300) : `The API answered ${status} without a message`;
  return new ApiError(status, code, message, body);
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = apiToken.get();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'NetworkError', `The CSMS could not be reached: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    // The page asks for the token (App listens); the error is shown where the call was made too.
    if (res.status === 401) dispatchEvent(new Event('csms-unauthorized'));
    throw errorFrom(res.status, text);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const enc = encodeURIComponent;
