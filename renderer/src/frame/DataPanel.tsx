import { useEffect, useState, type ReactNode } from 'react';
import type { CacheSummary, ImportResult, TaskProgress } from '../../../core/api/contract.ts';
import { messageOf, newTaskId, type AppHost } from '../api/index.ts';
import { baseName, count, duration, plural } from '../format.ts';
import type { SummaryState } from './App.tsx';
import { ExportSection } from './ExportSection.tsx';
import { ProgressBar } from './ProgressBar.tsx';

type Work =
  | { kind: 'idle' }
  | { kind: 'demo' }
  | {
      kind: 'import';
      taskId: string;
      files: string[];
      /** The names the user knows the files by, by the path the API reads (uploads are stored under other names). */
      names: Map<string, string>;
      step: string;
      progress: TaskProgress | null;
      cancel: () => void;
    };

interface Notice {
  tone: 'info' | 'error';
  text: string;
}

/** The data side: open or import data, what the cache holds, its definition, and exports. */
export function DataPanel({ host, state, onChanged, onRetry }: {
  host: AppHost;
  state: SummaryState;
  onChanged: (summary: CacheSummary) => void;
  onRetry: () => void;
}) {
  const [work, setWork] = useState<Work>({ kind: 'idle' });
  const [notice, setNotice] = useState<Notice | null>(null);
  /** The last import, and the names the user knows its files by (browser uploads are stored under other names). */
  const [lastImport, setLastImport] = useState<{ result: ImportResult; names: Map<string, string> } | null>(null);
  const taskOfWork = work.kind === 'import' ? work.taskId : null;

  // Progress of the running import, from the transport's event stream.
  useEffect(() => {
    if (taskOfWork === null) return;
    return host.onEvent('progress', (progress) => {
      if (progress.taskId !== taskOfWork) return;
      setWork((w) => {
        if (w.kind !== 'import') return w;
        const item = progress.item === undefined ? undefined : (w.names.get(progress.item) ?? baseName(progress.item));
        return { ...w, progress: item === undefined ? progress : { ...progress, item }, step: item ?? w.step };
      });
    });
  }, [host, taskOfWork]);

  const busy = work.kind !== 'idle';

  const openDemo = async () => {
    setWork({ kind: 'demo' });
    setNotice(null);
    try {
      onChanged(await host.api.openDemo({}));
      setLastImport(null);
    } catch (error) {
      setNotice({ tone: 'error', text: messageOf(error) });
    } finally {
      setWork({ kind: 'idle' });
    }
  };

  const importFiles = async () => {
    setNotice(null);
    let picked;
    try {
      picked = await host.pickImportFiles();
    } catch (error) {
      setNotice({ tone: 'error', text: messageOf(error) });
      return;
    }
    if (picked === null) return;
    const taskId = newTaskId('import');
    const uploads = new AbortController();
    let started = false;
    const cancel = () => {
      uploads.abort();
      if (started) void host.api.cancelTask({ taskId }).catch(() => undefined);
    };
    setWork({ kind: 'import', taskId, files: picked.names, names: new Map(), step: picked.names[0], progress: null, cancel });
    try {
      const paths = await picked.resolve(uploads.signal, (name, index) =>
        setWork((w) => (w.kind === 'import' ? { ...w, step: `Uploading ${name} (${index + 1} of ${picked.names.length})` } : w)),
      );
      if (uploads.signal.aborted) throw new Error('import cancelled');
      const names = new Map(paths.map((path, i) => [path, picked.names[i]]));
      setWork((w) => (w.kind === 'import' ? { ...w, names } : w));
      started = true;
      const result = await host.api.importFiles({ taskId, paths });
      setLastImport({ result, names });
      onChanged(result.summary);
      setNotice({ tone: 'info', text: importLine(result) });
    } catch (error) {
      setNotice({ tone: 'error', text: uploads.signal.aborted ? 'Import cancelled: the cache is unchanged' : messageOf(error) });
    } finally {
      setWork({ kind: 'idle' });
    }
  };

  const summary = state.kind === 'ready' ? state.summary : null;
  return (
    <aside className="data-panel" aria-label="Data">
      <section className="panel-section">
        <h2 className="section-title">Data</h2>
        <div className="button-row">
          <button type="button" className="button primary" onClick={openDemo} disabled={busy}>
            {work.kind === 'demo' ? 'Opening…' : 'Open demo data'}
          </button>
          <button type="button" className="button" onClick={importFiles} disabled={busy}>
            Import files
          </button>
        </div>
        {summary?.demo === true && work.kind === 'idle' && (
          <p className="muted hint-line">Imported files go to your own cache; the demo data stays as it is.</p>
        )}
        {work.kind === 'import' && <ImportProgress work={work} />}
        {notice !== null && (
          <p className={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
            {notice.text}
          </p>
        )}
        {lastImport !== null && lastImport.result.rejections.length > 0 && <Rejections {...lastImport} />}
      </section>

      {state.kind === 'loading' && <p className="muted panel-section">Reading the cache…</p>}
      {state.kind === 'failed' && (
        <div className="panel-section">
          <p className="notice error" role="alert">
            {state.message}
          </p>
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {state.kind === 'ready' && (summary === null ? <NoCache /> : <CacheFacts summary={summary} />)}

      <ExportSection busy={busy} />
    </aside>
  );
}

function ImportProgress({ work }: { work: Extract<Work, { kind: 'import' }> }) {
  const progress = work.progress;
  const known = progress !== null && progress.total > 0;
  const percent = known ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  const phase = progress === null ? work.step : `${progress.phase === 'reading' ? 'Reading' : 'Writing'} ${progress.item ?? work.step}`;
  return (
    <div className="import-progress">
      <div className="progress-label">
        <span>{phase}</span>
        {percent !== null && <span>{percent}%</span>}
      </div>
      <ProgressBar label="Import progress" percent={percent} />
      <button type="button" className="button small" onClick={work.cancel}>
        Cancel
      </button>
    </div>
  );
}

function Rejections({ result, names }: { result: ImportResult; names: Map<string, string> }) {
  const fileName = (source: string) => names.get(source) ?? baseName(source);
  const files = new Set(result.rejections.map((r) => r.source));
  return (
    <details className="rejections" open>
      <summary>
        {plural(result.rejected, 'rejected row')}
        {result.rejected > result.rejections.length ? ` (first ${count(result.rejections.length)} shown)` : ''}
      </summary>
      <div className="rejections-scroll">
        <table className="small-table">
          <caption>{files.size === 1 ? `in ${fileName([...files][0])}` : `in ${files.size} files`}</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Reason and row</th>
            </tr>
          </thead>
          <tbody>
            {result.rejections.map((r) => (
              <tr key={`${r.source}:${r.line}`} title={r.row}>
                <td className="num">{files.size === 1 ? r.line : `${fileName(r.source)}:${r.line}`}</td>
                <td>
                  <div>{r.reason}</div>
                  <div className="mono muted clipped">{r.row}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function NoCache() {
  return (
    <section className="panel-section">
      <h2 className="section-title">Cache</h2>
      <p className="muted">No cache is open. Open the demo data to look around, or import event files (CSV or Mixpanel NDJSON).</p>
    </section>
  );
}

function CacheFacts({ summary }: { summary: CacheSummary }) {
  const definition = summary.definition;
  const dates = summary.first_date === null ? '—' : summary.first_date === summary.last_date ? summary.first_date : `${summary.first_date} – ${summary.last_date}`;
  return (
    <>
      <section className="panel-section">
        <h2 className="section-title">Cache</h2>
        <Facts
          rows={[
            ['Source', summary.demo ? 'Demo data' : <span className="path" title={summary.path}>{summary.path}</span>],
            ['Events', count(summary.events)],
            ['Users', count(summary.users)],
            ['Sessions', count(summary.sessions)],
            ['Dates', <span className="nowrap">{dates}</span>],
          ]}
        />
      </section>
      <section className="panel-section">
        <h2 className="section-title">Definition</h2>
        <Facts
          rows={[
            ['Threshold', `${duration(definition.threshold_ms / 1000)} of inactivity`],
            ['Time zone', definition.time_zone],
            ['Attributes', definition.attributes.map((a) => (a.source && a.source !== a.name ? `${a.name} ← ${a.source}` : a.name)).join(', ') || '—'],
            ['Excluded', definition.excluded_events.length === 0 ? 'none' : definition.excluded_events.join(', ')],
          ]}
        />
      </section>
    </>
  );
}

function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {rows.map(([term, value]) => (
        <div key={term} className="fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function importLine(result: ImportResult): string {
  const parts = [`Imported ${plural(result.imported, 'event')}`, plural(result.duplicates, 'duplicate')];
  if (result.rejected > 0) parts.push(plural(result.rejected, 'rejected row'));
  if (result.out_of_range > 0) parts.push(`${count(result.out_of_range)} out of range`);
  return `${parts.join(' · ')}; ${plural(result.sessions, 'session')} now`;
}
