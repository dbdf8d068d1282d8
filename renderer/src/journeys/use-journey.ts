import { useEffect, useState } from 'react';
import type { ApiFunctions, UserJourney } from '../../../core/api/contract.ts';
import { ApiError, messageOf } from '../api/index.ts';

export interface JourneyRequest {
  /** The user to show; null for the first user of the cache. */
  user: string | null;
  threshold_ms?: number;
}

export interface JourneyLoad {
  /** The last journey read; kept while the next one loads, so stepping does not flash. */
  journey: UserJourney | null;
  loading: boolean;
  error: { message: string; user: boolean } | null;
  retry: () => void;
}

/** A user's journey, read again when the request, the cache (`version`) or a retry asks. */
export function useJourney(api: ApiFunctions, request: JourneyRequest | null, version: number): JourneyLoad {
  const [journey, setJourney] = useState<UserJourney | null>(null);
  const [loading, setLoading] = useState(request !== null);
  const [error, setError] = useState<JourneyLoad['error']>(null);
  const [attempt, setAttempt] = useState(0);
  const user = request?.user;
  const threshold = request?.threshold_ms;
  const asked = request !== null;

  useEffect(() => {
    if (!asked) {
      setJourney(null);
      setLoading(false);
      setError(null);
      return;
    }
    let current = true;
    setLoading(true);
    const params = { ...(user === null || user === undefined ? {} : { user_id: user }), ...(threshold === undefined ? {} : { threshold_ms: threshold }) };
    api.userJourney(params).then(
      (answer) => {
        if (!current) return;
        setJourney(answer);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!current) return;
        setError({ message: messageOf(failure), user: failure instanceof ApiError && failure.user });
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [api, asked, user, threshold, version, attempt]);

  return { journey, loading, error, retry: () => setAttempt((n) => n + 1) };
}
