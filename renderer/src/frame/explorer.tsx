import { createContext, useContext, type Dispatch, type SetStateAction } from 'react';
import type { CacheSummary, SessionFilters } from '../../../core/api/contract.ts';
import type { AppHost } from '../api/index.ts';

/** A session to show in Journeys: its user, and the session to open there (if any). */
export interface JourneyTarget {
  user_id: string;
  session_id?: number;
}

/**
 * What every view shares: the open cache, the threshold being previewed, and how to move
 * between views. The preview threshold is the Threshold slider's value; every view shows the
 * sessions under it (computed in memory by the API) until it is applied or reset.
 */
export interface Explorer {
  host: AppHost;
  /** The open cache's summary (stored definition), or null when none is open. */
  summary: CacheSummary | null;
  /** Bumped whenever the cache changes, so views fetch again. */
  version: number;
  /** The slider's threshold in ms while it differs from the stored one; null otherwise. */
  previewMs: number | null;
  setPreviewMs(ms: number | null): void;
  /** The threshold the views show: the preview, else the stored one (0 when no cache is open). */
  thresholdMs: number;
  /** After the API changed the cache (apply, import, open): its summary now. */
  changed(summary: CacheSummary | null): void;
  /** The Sessions view's filters; the CSV exports hold what they select. */
  filters: SessionFilters;
  setFilters: Dispatch<SetStateAction<SessionFilters>>;
  /** Switches to Journeys showing this user (and session). */
  showJourney(target: JourneyTarget): void;
  /** The user Journeys was asked to show last; null before any. */
  journeyTarget: JourneyTarget | null;
}

const ExplorerContext = createContext<Explorer | null>(null);
export const ExplorerProvider = ExplorerContext.Provider;

export function useExplorer(): Explorer {
  const explorer = useContext(ExplorerContext);
  if (explorer === null) throw new Error('useExplorer outside ExplorerProvider');
  return explorer;
}

/** The `threshold_ms` parameter for API calls: set only while previewing. */
export function previewParam(explorer: Pick<Explorer, 'previewMs'>): { threshold_ms?: number } {
  return explorer.previewMs === null ? {} : { threshold_ms: explorer.previewMs };
}
