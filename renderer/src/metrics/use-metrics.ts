import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFunctions, AppMetrics } from '../../../core/api/contract.ts';
import { messageOf } from '../api/index.ts';

/** What the Metrics view asks for: a range, a breakdown, and the previewed threshold (if any). */
export interface MetricsRequest {
  threshold_ms?: number;
  from?: string;
  to?: string;
  breakdown: string | null;
}

export interface MetricsState {
  /** The latest answer (for the request wanted now, or — while that one is on its way — an earlier one). */
  value: AppMetrics | null;
  /** The failure of the request wanted now, if it failed. */
  error: string | null;
  /** True while the answer shown is not the one for the request wanted now (and that one has not failed). */
  updating: boolean;
  retry(): void;
}

interface Shown {
  cache: string;
  key: string;
  value: AppMetrics;
}

/** The last answer, so that coming back to the tab shows it at once (the view unmounts meanwhile). */
let remembered: Shown | null = null;

/**
 * The metrics for `request` on the cache state `cache` (path and version), one call at a time:
 * while one is on its way, newer wishes wait and only the latest is sent when it returns, so a
 * threshold slider dragged over a large cache never piles up calls. Answers come back in the order
 * asked, so the view never goes back to an older state; an answer for another cache state than the
 * one wanted now is dropped, and the last answer stays on screen while the next one loads.
 */
export function useMetrics(api: ApiFunctions, cache: string | null, request: MetricsRequest | null): MetricsState {
  const key = request === null ? null : JSON.stringify(request);
  const [shown, setShown] = useState<Shown | null>(() => (remembered !== null && remembered.cache === cache ? remembered : null));
  const [failed, setFailed] = useState<{ cache: string; key: string; message: string } | null>(null);

  const wanted = useRef<{ cache: string; key: string; request: MetricsRequest } | null>(null);
  const inFlight = useRef(false);
  const live = useRef(true);
  const shownRef = useRef(shown);
  shownRef.current = shown;

  const send = useCallback(
    (force = false) => {
      const target = wanted.current;
      if (target === null || inFlight.current) return;
      const current = shownRef.current;
      if (!force && current !== null && current.cache === target.cache && current.key === target.key) return;
      inFlight.current = true;
      const { breakdown, ...rest } = target.request;
      api
        .metrics({ ...rest, breakdown })
        .then(
          (value) => {
            if (!live.current || wanted.current?.cache !== target.cache) return;
            const next = { cache: target.cache, key: target.key, value };
            remembered = next;
            shownRef.current = next;
            setShown(next);
            setFailed(null);
          },
          (error: unknown) => {
            if (!live.current || wanted.current?.cache !== target.cache || wanted.current.key !== target.key) return;
            setFailed({ cache: target.cache, key: target.key, message: messageOf(error) });
          },
        )
        .finally(() => {
          inFlight.current = false;
          const next = wanted.current;
          if (live.current && next !== null && (next.cache !== target.cache || next.key !== target.key)) send();
        });
    },
    [api],
  );

  useEffect(() => {
    // Nothing to ask (an invalid range): what is on its way still lands, and stays on screen.
    if (cache === null || key === null || request === null) return;
    if (wanted.current?.cache === cache && wanted.current.key === key) return;
    wanted.current = { cache, key, request };
    send();
    // `request` is read through `key` (its JSON): a new object with the same content asks nothing new.
  }, [cache, key, send]);

  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const retry = useCallback(() => {
    setFailed(null);
    send(true);
  }, [send]);

  const error = failed !== null && failed.cache === cache && failed.key === key ? failed.message : null;
  const current = shown !== null && shown.cache === cache && shown.key === key;
  return { value: shown?.value ?? null, error, updating: key !== null && !current && error === null, retry };
}
