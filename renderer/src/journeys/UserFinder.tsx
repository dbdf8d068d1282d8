import { useEffect, useId, useRef, useState } from 'react';
import type { ApiFunctions } from '../../../core/api/contract.ts';

const SUGGESTIONS = 12;
const TYPING_PAUSE_MS = 120;

/**
 * "Find user": a combobox that suggests user ids from searchUsers as one types (the beginning of
 * an id first, then ids containing the text). Arrow keys move through the suggestions, Enter or a
 * click shows that user, Escape closes the list and then puts the shown user back.
 */
export function UserFinder({ api, shown, onPick }: {
  api: ApiFunctions;
  /** The user the timeline shows (the box shows it while not typing). */
  shown: string | null;
  onPick: (user: string) => void;
}) {
  const [text, setText] = useState(shown ?? '');
  const [editing, setEditing] = useState(false);
  const [suggestions, setSuggestions] = useState<string[] | null>(null);
  const [active, setActive] = useState(-1);
  const id = useId();
  const input = useRef<HTMLInputElement>(null);

  // Another user shown (stepping, a target from Sessions): the box follows unless one is typing in it.
  useEffect(() => {
    if (!editing) setText(shown ?? '');
  }, [shown, editing]);

  useEffect(() => {
    if (!editing) return;
    let current = true;
    const timer = setTimeout(() => {
      api.searchUsers({ query: text.trim(), limit: SUGGESTIONS }).then(
        (result) => {
          if (!current) return;
          setSuggestions(result.users);
          setActive(-1);
        },
        () => current && setSuggestions([]),
      );
    }, TYPING_PAUSE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, text, editing]);

  const open = editing && suggestions !== null;
  const pick = (user: string) => {
    setText(user);
    setEditing(false);
    setSuggestions(null);
    onPick(user);
  };
  const optionId = (i: number) => `${id}-option-${i}`;

  return (
    <div
      className="field user-finder"
      onBlur={(e) => {
        if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
        setEditing(false);
        setSuggestions(null);
      }}
    >
      <label htmlFor={`${id}-input`}>Find user</label>
      <div className="finder-box">
        <svg className="finder-icon" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M10.5 10.5 14 14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <input
          id={`${id}-input`}
          ref={input}
          type="text"
          role="combobox"
          aria-label="Find user"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={`${id}-list`}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          placeholder="Find a user id"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onFocus={(e) => {
            e.currentTarget.select();
            setEditing(true);
          }}
          onClick={() => setEditing(true)}
          onChange={(e) => {
            setText(e.target.value);
            setEditing(true);
          }}
          onKeyDown={(e) => {
            const list = suggestions ?? [];
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setEditing(true);
              if (list.length > 0) setActive((a) => (e.key === 'ArrowDown' ? Math.min(a + 1, list.length - 1) : Math.max(a - 1, -1)));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              const typed = text.trim();
              const chosen = active >= 0 ? list[active] : (list.find((u) => u === typed) ?? list[0]);
              if (chosen !== undefined) pick(chosen);
              else if (typed !== '' && suggestions !== null) setEditing(true);
            } else if (e.key === 'Escape') {
              if (open) {
                e.preventDefault();
                setSuggestions(null);
                setEditing(false);
                setText(shown ?? '');
              }
            }
          }}
        />
      </div>
      <div className="finder-popup" hidden={!open}>
        <ul id={`${id}-list`} role="listbox" aria-label="Suggested users">
          {(suggestions ?? []).map((user, i) => (
            <li
              key={user}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={user === shown ? 'current' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(user)}
            >
              {user}
            </li>
          ))}
        </ul>
        {suggestions !== null && suggestions.length === 0 && <p className="finder-none">No user id contains “{text.trim()}”</p>}
      </div>
    </div>
  );
}
