import { useEffect, useId, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { ApiFunctions, CacheSummary, SessionFilters } from '../../../core/api/contract.ts';

const NOT_SET = '\u0000not-set';
const TYPING_PAUSE_MS = 250;

export function hasFilters(filters: SessionFilters): boolean {
  return Boolean(filters.from || filters.to || filters.user || Object.keys(filters.attributes ?? {}).length > 0);
}

/** Date range, user and one select per attribute; each change asks the server for a new list. */
export function FilterBar({ api, summary, choices, filters, onChange }: {
  api: ApiFunctions;
  summary: CacheSummary;
  /** Each attribute's values, most frequent first (useFilterChoices). */
  choices: Record<string, string[]>;
  filters: SessionFilters;
  onChange: Dispatch<SetStateAction<SessionFilters>>;
}) {
  const set = (patch: Partial<SessionFilters>) =>
    onChange((old) => {
      const next: SessionFilters = { ...old, ...patch };
      for (const key of ['from', 'to', 'user'] as const) if (!next[key]) delete next[key];
      return next;
    });
  const setAttribute = (name: string, value: string) =>
    onChange((old) => {
      const attributes = { ...old.attributes };
      if (value === '') delete attributes[name];
      else attributes[name] = value === NOT_SET ? null : value;
      const { attributes: _dropped, ...rest } = old;
      return Object.keys(attributes).length === 0 ? rest : { ...rest, attributes };
    });
  const min = summary.first_date ?? undefined;
  const max = summary.last_date ?? undefined;

  return (
    <div className="filter-bar" role="search" aria-label="Filter sessions">
      <label className="field">
        <span>From</span>
        <input type="date" value={filters.from ?? ''} min={min} max={filters.to ?? max} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label className="field">
        <span>To</span>
        <input type="date" value={filters.to ?? ''} min={filters.from ?? min} max={max} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <UserSearch api={api} value={filters.user ?? ''} onCommit={(user) => set({ user })} />
      {summary.definition.attributes.map(({ name }) => {
        const value = filters.attributes?.[name];
        return (
          <label className="field" key={name}>
            <span>{name}</span>
            <select value={value === undefined ? '' : value === null ? NOT_SET : value} onChange={(e) => setAttribute(name, e.target.value)}>
              <option value="">All</option>
              {(choices[name] ?? []).map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
              <option value={NOT_SET}>(not set)</option>
            </select>
          </label>
        );
      })}
      <button type="button" className="button small clear-filters" onClick={() => onChange({})} disabled={!hasFilters(filters)}>
        Clear filters
      </button>
    </div>
  );
}

/**
 * A user id, or its beginning, applied when typing pauses, with suggestions from searchUsers
 * in a list below (Arrow Down enters it, Enter or a click picks, Escape leaves it).
 */
function UserSearch({ api, value, onCommit }: { api: ApiFunctions; value: string; onCommit: (user: string) => void }) {
  const [text, setText] = useState(value);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [showing, setShowing] = useState(false);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const commit = useRef(onCommit);
  commit.current = onCommit;

  // Cleared from outside (Clear filters): the box follows.
  useEffect(() => setText(value), [value]);

  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => commit.current(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, value]);

  useEffect(() => {
    if (!showing) return;
    let current = true;
    const timer = setTimeout(() => {
      api.searchUsers({ query: text.trim(), limit: 12 }).then(
        (result) => current && setSuggestions(result.users),
        () => current && setSuggestions([]),
      );
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, text, showing]);

  const pick = (user: string) => {
    setText(user);
    commit.current(user);
    setShowing(false);
    input.current?.focus();
  };
  const options = () => [...(list.current?.querySelectorAll<HTMLElement>('[role=option]') ?? [])];
  const open = showing && suggestions.length > 0 && !(suggestions.length === 1 && suggestions[0] === text);

  return (
    <div
      className="field user-field"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setShowing(false);
      }}
    >
      <label htmlFor={`${listId}-input`}>User</label>
      <input
        id={`${listId}-input`}
        ref={input}
        type="text"
        aria-label="Search users"
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        placeholder="Search users"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onFocus={() => setShowing(true)}
        onChange={(e) => {
          setText(e.target.value);
          setShowing(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            commit.current(text.trim());
            setShowing(false);
          } else if (e.key === 'ArrowDown' && open) {
            e.preventDefault();
            options()[0]?.focus();
          } else if (e.key === 'Escape' && open) {
            e.preventDefault();
            setShowing(false);
          }
        }}
      />
      {open && (
        <ul className="suggestions" id={listId} role="listbox" aria-label="Matching users" ref={list}>
          {suggestions.map((user, i) => (
            <li
              key={user}
              role="option"
              aria-selected={user === text}
              tabIndex={-1}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(user)}
              onKeyDown={(e) => {
                const all = options();
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault();
                  const to = i + (e.key === 'ArrowDown' ? 1 : -1);
                  (to < 0 ? input.current : all[Math.min(to, all.length - 1)])?.focus();
                } else if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  pick(user);
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  setShowing(false);
                  input.current?.focus();
                }
              }}
            >
              {user}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
