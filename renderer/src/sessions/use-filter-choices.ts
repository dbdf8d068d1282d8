import { useEffect, useState } from 'react';
import type { ApiFunctions } from '../../../core/api/contract.ts';

/**
 * Each attribute's values for the filter selects, most frequent first. Asked separately from
 * the summary: on a large cache they need the whole session table, which the first screen
 * does not wait for. Empty until they arrive (or when they cannot be read).
 */
export function useFilterChoices(api: ApiFunctions, version: number, open: boolean): Record<string, string[]> {
  const [choices, setChoices] = useState<Record<string, string[]>>({});
  useEffect(() => {
    if (!open) return setChoices({});
    let current = true;
    api.filterChoices({}).then(
      (answer) => current && setChoices(answer),
      () => current && setChoices({}),
    );
    return () => {
      current = false;
    };
  }, [api, version, open]);
  return choices;
}
