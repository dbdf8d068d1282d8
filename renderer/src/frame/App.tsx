import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CacheSummary } from '../../../core/api/contract.ts';
import { messageOf, type AppHost } from '../api/index.ts';
import { count } from '../format.ts';
import { SessionsView } from '../sessions/SessionsView.tsx';
import { DataPanel } from './DataPanel.tsx';
import { Placeholder, TABS, Tabs, type TabId } from './Tabs.tsx';

/** The open cache as the UI knows it: still asking, none, or its summary. */
export type SummaryState = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; summary: CacheSummary | null };

export function App({ host }: { host: AppHost }) {
  const [state, setState] = useState<SummaryState>({ kind: 'loading' });
  /** Bumped whenever the cache changes, so views fetch again. */
  const [version, setVersion] = useState(0);
  const [tab, setTab] = useState<TabId>('sessions');

  const load = useCallback(() => {
    setState({ kind: 'loading' });
    host.api.summary({}).then(
      (summary) => setState({ kind: 'ready', summary }),
      (error: unknown) => setState({ kind: 'failed', message: messageOf(error) }),
    );
  }, [host]);
  useEffect(load, [load]);

  const changed = useCallback((summary: CacheSummary) => {
    setState({ kind: 'ready', summary });
    setVersion((v) => v + 1);
  }, []);

  const summary = state.kind === 'ready' ? state.summary : null;
  return (
    <div className="app">
      <AppHeader>
        {summary !== null && <span className="header-cache">{summary.demo ? 'Demo data' : summary.path}</span>}
        <span className="header-count" role="status" aria-label="Session count" aria-live="polite">
          {state.kind === 'ready' ? `${count(summary?.sessions ?? 0)} sessions` : '…'}
        </span>
      </AppHeader>
      <div className="app-body">
        <DataPanel host={host} state={state} onChanged={changed} onRetry={load} />
        <main className="workspace">
          <Tabs current={tab} onChange={setTab} />
          {TABS.map(({ id }) => (
            <div key={id} className="tab-panel" role="tabpanel" id={`panel-${id}`} aria-labelledby={`tab-${id}`} hidden={tab !== id}>
              {tab === id &&
                (id === 'sessions' ? <SessionsView host={host} state={state} version={version} /> : <Placeholder tab={id} />)}
            </div>
          ))}
        </main>
      </div>
    </div>
  );
}

/** A browser page opened without the server's access token. */
export function NoConnection() {
  return (
    <div className="app">
      <AppHeader />
      <div className="empty-state page-message" role="alert">
        <h2>This page cannot reach the app</h2>
        <p>
          Open the address that <code>session-explorer serve</code> printed: it carries the access token for this run.
        </p>
      </div>
    </div>
  );
}

function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="app-header">
      <h1 className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Session Explorer
      </h1>
      {children}
    </header>
  );
}
