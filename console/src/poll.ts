import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

/** How often the pages ask the API again (ms). Polling, not push: see docs/console.md. */
export const POLL_MS = 2000;

export interface Polled<T> {
  data?: T;
  error?: ApiError | Error;
  /** Asks again now (after a command, say). */
  refresh: () => void;
}

/**
 * Loads `load()` now and every POLL_MS while the page is visible. A failed load keeps the last data
 * and sets `error` (shown by the page) until a load succeeds again.
 */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], intervalMs = POLL_MS): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error }>({});
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    setState({});
  }, deps);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const data = await loadRef.current();
          if (!stopped) setState({ data });
        } catch (e) {
          if (!stopped) setState((s) => ({ data: s.data, error: e as Error }));
        }
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, refresh: () => setTick((t) => t + 1) };
}
