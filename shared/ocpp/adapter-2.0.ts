/**
 * OCPP 2.0 (2018) ↔ 2.0.1 adapter. No npm package ships the 2.0 schemas, so 2.0 payloads are
 * normalised to 2.0.1 here, validated against the 2.0.1 schemas and answered in 2.0 shape.
 * Each accepted difference is listed in docs/ocpp-2.0-differences.md.
 */
type Payload = Record<string, unknown>;

const requestAdapters: Partial<Record<string, (p: Payload) => Payload>> = {};
const responseAdapters: Partial<Record<string, (p: Payload) => Payload>> = {};

export function adaptRequestFrom20(action: string, payload: unknown): unknown {
  const fn = requestAdapters[action];
  return fn && isObject(payload) ? fn(payload) : payload;
}

export function adaptResponseTo20(action: string, payload: unknown): unknown {
  const fn = responseAdapters[action];
  return fn && isObject(payload) ? fn(payload) : payload;
}

function isObject(v: unknown): v is Payload {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const outboundRequestAdapters: Partial<Record<string, (p: Payload) => Payload>> = {};
const inboundResponseAdapters: Partial<Record<string, (p: Payload) => Payload>> = {};

/** CSMS → 2.0 station: a 2.0.1 request payload in the shape a 2.0 station expects. */
export function adaptRequestTo20(action: string, payload: unknown): unknown {
  const fn = outboundRequestAdapters[action];
  return fn && isObject(payload) ? fn(payload) : payload;
}

/** 2.0 station → CSMS: its answer to our call, normalised to 2.0.1. */
export function adaptResponseFrom20(action: string, payload: unknown): unknown {
  const fn = inboundResponseAdapters[action];
  return fn && isObject(payload) ? fn(payload) : payload;
}
