import { useEffect, useState } from 'react';
import type { CacheSummary, SessionFilters, TaskProgress } from '../../../core/api/contract.ts';
import { messageOf, newTaskId } from '../api/index.ts';
import { count, duration } from '../format.ts';
import { hasFilters } from '../sessions/FilterBar.tsx';
import { useExplorer } from './explorer.tsx';
import { ProgressBar } from './ProgressBar.tsx';

interface Notice {
  tone: 'info' | 'error';
  text: string;
}

/** A BigQuery table id as `export dbt --table` takes it. */
const TABLE_PATTERN = /^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[^\s.]{1,1024}$|^[A-Za-z0-9_]{1,1024}\.[^\s.]{1,1024}$/;

/**
 * Exports of what the views show: the CSVs at the threshold being previewed and under the
 * Sessions filters, and the stored definition as a dbt model. Desktop: a save dialog; browser:
 * a download. Large CSVs report progress.
 */
export function ExportSection({ busy }: { busy: boolean }) {
  const { host, summary, previewMs, filters } = useExplorer();
  const [running, setRunning] = useState<{ taskId: string; what: string; progress: TaskProgress | null } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [table, setTable] = useState('');
  const taskId = running?.taskId ?? null;

  useEffect(() => {
    if (taskId === null) return;
    return host.onEvent('progress', (progress) => {
      if (progress.taskId === taskId) setRunning((r) => (r === null ? r : { ...r, progress }));
    });
  }, [host, taskId]);

  const run = async (what: string, work: (taskId: string) => Promise<string | null>) => {
    const id = newTaskId('export');
    setNotice(null);
    setRunning({ taskId: id, what, progress: null });
    try {
      const line = await work(id);
      if (line !== null) setNotice({ tone: 'info', text: line });
    } catch (error) {
      setNotice({ tone: 'error', text: messageOf(error) });
    } finally {
      setRunning(null);
    }
  };

  const exportCsv = (what: 'sessions' | 'events') =>
    run(what, (id) =>
      host.saveExport({ what, taskId: id, ...(previewMs === null ? {} : { threshold_ms: previewMs }), ...(hasFilters(filters) ? { filters } : {}) }),
    );
  const tableOk = TABLE_PATTERN.test(table.trim());
  const exportDbt = () => run('dbt', () => host.saveExport({ what: 'dbt', table: table.trim() }));

  const disabled = summary === null || busy || running !== null;
  return (
    <section className="panel-section" aria-label="Export">
      <h2 className="section-title">Export</h2>
      {summary !== null && <p className="muted export-scope">{scopeLine(summary, previewMs, filters)}</p>}
      <div className="button-row">
        <button type="button" className="button" onClick={() => exportCsv('sessions')} disabled={disabled}>
          Export sessions CSV
        </button>
        <button type="button" className="button" onClick={() => exportCsv('events')} disabled={disabled}>
          Export events CSV
        </button>
      </div>
      {running !== null && running.what !== 'dbt' && <ExportProgress progress={running.progress} what={running.what} />}
      <details className="dbt-export">
        <summary>dbt model of the definition</summary>
        <p className="muted">
          The stored definition{previewMs !== null ? ' (apply the previewed threshold first to export it)' : ''} as a dbt project
          that computes the same sessions in the warehouse.
        </p>
        <label className="field">
          <span>Source table (PROJECT.DATASET.TABLE)</span>
          <input
            type="text"
            value={table}
            placeholder="my-project.analytics.events"
            spellCheck={false}
            onChange={(event) => setTable(event.target.value)}
            aria-invalid={table !== '' && !tableOk}
          />
        </label>
        <button type="button" className="button" onClick={exportDbt} disabled={disabled || !tableOk}>
          Export dbt model
        </button>
      </details>
      {notice !== null && (
        <p className={`notice ${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
    </section>
  );
}

/** What the CSV exports will hold, in words. */
function scopeLine(summary: CacheSummary, previewMs: number | null, filters: SessionFilters): string {
  const threshold = previewMs === null ? `the stored ${duration(summary.definition.threshold_ms / 1000)} threshold` : `the previewed ${duration(previewMs / 1000)} threshold`;
  const parts: string[] = [];
  if (filters.from || filters.to) parts.push(`${filters.from ?? '…'} to ${filters.to ?? '…'}`);
  if (filters.user) parts.push(`users starting “${filters.user}”`);
  for (const [name, value] of Object.entries(filters.attributes ?? {})) parts.push(`${name} ${value ?? '(not set)'}`);
  return `Sessions at ${threshold}${parts.length > 0 ? `, filtered: ${parts.join(', ')}` : ', all of them'}.`;
}

function ExportProgress({ progress, what }: { progress: TaskProgress | null; what: string }) {
  const percent = progress !== null && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : null;
  return (
    <div className="import-progress">
      <div className="progress-label">
        <span>Exporting {what}</span>
        {progress !== null && <span>{percent !== null ? `${percent}%` : `${count(progress.done)} rows`}</span>}
      </div>
      <ProgressBar label="Export progress" percent={percent} />
    </div>
  );
}
