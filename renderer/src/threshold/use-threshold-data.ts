import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFunctions, ThresholdComparison } from '../../../core/api/contract.ts';
import { messageOf } from '../api/index.ts';

export interface Loaded<T> {
  value: T | null;
  error: string | null;
  retry(): void;
}

/** The last answer of each loader, so that coming back to the tab shows it at once (the view unmounts meanwhile). */
const remembered = new Map<string, { key: string; value: unknown }>();

/**
 * Something read once per state of the cache (`key` names that state; null: nothing to read).
 * A newer key's answer replaces an older one's; an answer for a key no longer wanted is dropped.
 */
export function useLoaded<T>(name: string, key: string | null, load: () => Promise<T>): Loaded<T> {
  const memo = remembered.get(name);
  const [state, setState] = useState<{ key: string | null; value: T | null; error: string | null }>(() =>
    memo !== undefined && memo.key === key ? { key, value: memo.value as T, error: null } : { key: null, value: null, error: null },
  );
  const [attempt, setAttempt] = useState(0);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    if (key === null) return;
    const known = remembered.get(name);
    if (known !== undefined && known.key === key && attempt === 0) {
      setState({ key, value: known.value as T, error: null });
      return;
    }
    let current = true;
    loader.current().then(
      (value) => {
        if (!current) return;
        remembered.set(name, { key, value });
        setState({ key, value, error: null });
      },
      (error: unknown) => current && setState((old) => ({ key, value: old.value, error: messageOf(error) })),
    );
    return () => {
      current = false;
    };
  }, [name, key, attempt]);

  return { value: state.value, error: state.error, retry: useCallback(() => setAttempt((n) => n + 1), []) };
}

export interface Comparison {
  /** The last answer for the thresholds still wanted (or, while a newer one is on its way, the one before). */
  value: ThresholdComparison | null;
  error: string | null;
  /** Calls back once no comparison is on its way (at once when none is). */
  whenIdle(callback: () => void): void;
  /** Whether a comparison is on its way. */
  busy(): boolean;
}

/**
 * compareThresholds for the stored threshold (A) and the previewed one (B), one call at a time:
 * while one is on its way, newer wishes wait and only the latest is sent when it returns; an
 * answer for thresholds no longer wanted is dropped.
 */
export function useComparison(api: ApiFunctions, aMs: number | null, bMs: number | null, version: number): Comparison {
  const [state, setState] = useState<{ value: ThresholdComparison | null; error: string | null }>({ value: null, error: null });
  const wanted = useRef<string | null>(null);
  const inFlight = useRef(false);
  const waiters = useRef<Array<() => void>>([]);
  const live = useRef(true);

  const send = useCallback(() => {
    const key = wanted.current;
    if (key === null || inFlight.current) return;
    inFlight.current = true;
    const [a, b] = JSON.parse(key) as [number, number, number];
    api
      .compareThresholds({ a_ms: a, b_ms: b })
      .then(
        (value) => live.current && wanted.current === key && setState({ value, error: null }),
        (error: unknown) => live.current && wanted.current === key && setState((old) => ({ value: old.value, error: messageOf(error) })),
      )
      .finally(() => {
        inFlight.current = false;
        if (wanted.current !== key) send();
        if (inFlight.current) return;
        const callbacks = waiters.current;
        waiters.current = [];
        for (const callback of callbacks) callback();
      });
  }, [api]);

  useEffect(() => {
    wanted.current = aMs === null || bMs === null ? null : JSON.stringify([aMs, bMs, version]);
    send();
  }, [aMs, bMs, version, send]);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const whenIdle = useCallback((callback: () => void) => {
    if (inFlight.current) waiters.current.push(callback);
    else callback();
  }, []);

  const busy = useCallback(() => inFlight.current, []);

  return { value: state.value, error: state.error, whenIdle, busy };
}

/**
 * The slider's value on its way to the shared preview: committed at once when nothing is on its
 * way, else shown at once (`draft`) and committed at the next animation frame after the answers
 * for the previous commit are back — at most one commit a frame, and a fast drag on a slow cache
 * never piles up requests: it skips to the latest value.
 */
export function usePacedPreview(commit: (ms: number) => void, whenIdle: (callback: () => void) => void, busy: () => boolean) {
  const [draft, setDraft] = useState<number | null>(null);
  const latest = useRef<number | null>(null);
  const frame = useRef<number | null>(null);
  const waiting = useRef(false);
  /** A commit was made this frame: the next waits for the frame to end. */
  const cooling = useRef(false);
  const commitRef = useRef(commit);
  commitRef.current = commit;

  const flush = useCallback(() => {
    const ms = latest.current;
    latest.current = null;
    if (ms === null) return;
    cooling.current = true;
    commitRef.current(ms);
    setDraft(null);
  }, []);

  const tick = useCallback(() => {
    frame.current = null;
    cooling.current = false;
    if (latest.current === null) return;
    waiting.current = true;
    whenIdle(() => {
      waiting.current = false;
      flush();
      if (frame.current === null) frame.current = requestAnimationFrame(tick);
    });
  }, [whenIdle, flush]);

  const want = useCallback(
    (ms: number) => {
      latest.current = ms;
      if (frame.current === null && !waiting.current && !cooling.current && !busy()) {
        // Nothing on its way: this value goes out now, in the same render as the thumb.
        flush();
        frame.current = requestAnimationFrame(tick);
        return;
      }
      setDraft(ms);
      if (frame.current === null && !waiting.current) frame.current = requestAnimationFrame(tick);
    },
    [tick, flush, busy],
  );

  const cancel = useCallback(() => {
    latest.current = null;
    if (frame.current !== null) cancelAnimationFrame(frame.current);
    frame.current = null;
    cooling.current = false;
    setDraft(null);
  }, []);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      latest.current = null;
    },
    [],
  );

  return { draft, want, cancel };
}
