import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiFunctions, SessionFilters, SessionRow, SortDirection } from '../../../core/api/contract.ts';
import { messageOf } from '../api/index.ts';

/** Rows per listSessions call. */
export const PAGE_SIZE = 200;
/** Pages kept in memory; the ones farthest from where the user looks go first. */
const MAX_PAGES = 40;

export interface SessionSort {
  column: string;
  direction: SortDirection;
}

export interface SessionPages {
  /** Sessions matching the filters; null until the first page arrives. */
  total: number | null;
  error: string | null;
  /** The row at an index of the sorted, filtered list, or undefined while its page loads. */
  rowAt(index: number): SessionRow | undefined;
  /** Asks for the pages holding rows `first` to `last` (those not held or on their way). */
  want(first: number, last: number): void;
  retry(): void;
}

/**
 * The Sessions view's rows, fetched from listSessions a page at a time around what is on
 * screen and kept in a bounded cache: the server keeps the sorted, filtered order, so nothing
 * ever fetches all the sessions. A new sort, filter or `version` (the cache changed) starts over.
 */
export function useSessionPages(
  api: ApiFunctions,
  query: { sort: SessionSort | null; filters: SessionFilters; threshold_ms?: number } | null,
  version: number,
): SessionPages {
  const key = JSON.stringify([query, version]);
  const pages = useRef(new Map<number, SessionRow[]>());
  const loading = useRef(new Set<number>());
  const current = useRef(key);
  const lastWanted = useRef(0);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setArrivals] = useState(0);
  const [attempt, setAttempt] = useState(0);

  const load = useCallback(
    (page: number) => {
      if (query === null || pages.current.has(page) || loading.current.has(page)) return;
      loading.current.add(page);
      const asked = current.current;
      api
        .listSessions({
          offset: page * PAGE_SIZE,
          limit: PAGE_SIZE,
          ...(query.sort ? { sort: query.sort } : {}),
          filters: query.filters,
          ...(query.threshold_ms === undefined ? {} : { threshold_ms: query.threshold_ms }),
        })
        .then(
          (result) => {
            if (current.current !== asked) return;
            pages.current.set(page, result.rows);
            evictFarFrom(pages.current, lastWanted.current);
            setTotal(result.total);
            setError(null);
            setArrivals((n) => n + 1);
          },
          (failure: unknown) => {
            if (current.current === asked) setError(messageOf(failure));
          },
        )
        .finally(() => {
          if (current.current === asked) loading.current.delete(page);
        });
    },
    // The key stands for the query's content: `query` itself is a new object every render.
    [api, key],
  );

  // A new query: forget every page, and fetch the first (which also tells the total).
  useEffect(() => {
    current.current = key;
    pages.current = new Map();
    loading.current = new Set();
    lastWanted.current = 0;
    setTotal(null);
    setError(null);
    load(0);
  }, [key, load, attempt]);

  const want = useCallback(
    (first: number, last: number) => {
      const from = Math.floor(Math.max(0, first) / PAGE_SIZE);
      const to = Math.floor(Math.max(0, last) / PAGE_SIZE);
      lastWanted.current = from;
      for (let page = from; page <= to; page++) load(page);
    },
    [load],
  );

  return {
    total,
    error,
    rowAt: (index) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    want,
    retry: () => setAttempt((n) => n + 1),
  };
}

function evictFarFrom(pages: Map<number, SessionRow[]>, near: number): void {
  if (pages.size <= MAX_PAGES) return;
  const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
  for (const page of byDistance.slice(0, pages.size - MAX_PAGES)) pages.delete(page);
}
