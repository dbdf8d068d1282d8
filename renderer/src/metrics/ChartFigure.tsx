import { useId, useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../api/index.ts';
import { savePng, saveCsv, type LegendKey } from './save.ts';
import { formatValue, type ChartTable } from './series.ts';

interface Props {
  title: string;
  subtitle: string;
  /** The chart's rows: its data table and its CSV. */
  table: ChartTable;
  /** Series named in the legend (and on the saved picture). */
  legend: LegendKey[];
  /** What the chart covers, written under the title of the saved picture. */
  context: string;
  /** File names of the downloads, without extension. */
  stem: string;
  /** Shown instead of the chart when there is nothing to draw. */
  empty: ReactNode | null;
  /** True until the first answer arrived. */
  loading: boolean;
  /** Controls beside the title (a metric picker). */
  tools?: ReactNode;
  /** Beside the chart (the breakdown's table). */
  aside?: ReactNode;
  /** Spans the whole row of the grid. */
  wide?: boolean;
  /** The data table is shown (not folded away). */
  tableOpen?: boolean;
  children: ReactNode;
}

/**
 * One chart as a named figure: title and what it shows, Save as PNG and Save data as CSV, the
 * chart (or why there is none), its legend, and its rows as a table for reading and for screen readers.
 */
export function ChartFigure({ title, subtitle, table, legend, context, stem, empty, loading, tools, aside, wide, tableOpen, children }: Props) {
  const id = useId();
  const chart = useRef<HTMLDivElement>(null);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const drawn = !loading && empty === null;

  const png = async () => {
    if (chart.current === null) return;
    setSaving(true);
    setProblem(null);
    try {
      await savePng(chart.current, { title, subtitle: context, legend }, stem);
    } catch (error) {
      setProblem(`The picture could not be saved: ${messageOf(error)}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <figure
      className={`m-chart${wide ? ' wide' : ''}`}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-subtitle`}
      aria-busy={loading}
      data-points={drawn ? table.rows.length : undefined}
    >
      <div className="m-chart-head">
        <div className="m-chart-titles">
          <h3 id={`${id}-title`}>{title}</h3>
          <p id={`${id}-subtitle`} className="muted">
            {subtitle}
          </p>
        </div>
        <div className="m-chart-tools">
          {tools}
          <button
            type="button"
            className="m-save"
            aria-label={`Save ${title} as PNG`}
            title="Save the chart as a PNG image"
            onClick={() => void png()}
            disabled={!drawn || saving}
          >
            <DownloadIcon />
            PNG
          </button>
          <button
            type="button"
            className="m-save"
            aria-label={`Save ${title} data as CSV`}
            title="Save the chart’s data as CSV"
            onClick={() => saveCsv(table, stem)}
            disabled={!drawn}
          >
            <DownloadIcon />
            CSV
          </button>
        </div>
      </div>
      <div className={`m-chart-main${aside !== undefined ? ' with-aside' : ''}`}>
        <div className="m-chart-body" ref={chart}>
          {loading ? <div className="m-chart-message m-shimmer" aria-hidden="true" /> : empty !== null ? <div className="m-chart-message muted">{empty}</div> : children}
        </div>
        {drawn && aside}
      </div>
      {drawn && legend.length > 1 && (
        <div className="m-legend">
          {legend.map((key) => (
            <span key={key.label} className="m-key">
              <span className={`m-swatch ${key.shape}`} style={{ color: key.color }} aria-hidden="true" />
              {key.label}
            </span>
          ))}
        </div>
      )}
      {problem !== null && (
        <p className="notice error" role="alert">
          {problem}
        </p>
      )}
      {drawn && aside === undefined && <DataTable title={title} table={table} open={tableOpen} />}
    </figure>
  );
}

/** The chart's rows as a table, folded away under the chart. */
function DataTable({ title, table, open }: { title: string; table: ChartTable; open?: boolean }) {
  return (
    <details className="m-data" open={open}>
      <summary>Data table</summary>
      <div className="m-table-scroll">
        <RowsTable caption={`${title}: data`} table={table} />
      </div>
    </details>
  );
}

/** A chart's rows as an HTML table, each value as it reads. */
export function RowsTable({ caption, table, captionHidden = true }: { caption: string; table: ChartTable; captionHidden?: boolean }) {
  return (
    <table className="small-table m-table">
      <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {table.columns.map((c) => (
            <th key={c.key} scope="col" className={c.kind === 'date' || c.kind === 'text' ? undefined : 'num'}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i}>
            {table.columns.map((c, j) =>
              j === 0 ? (
                <th key={c.key} scope="row">
                  {formatValue(c.kind, row[c.key] ?? null)}
                </th>
              ) : (
                <td key={c.key} className={c.kind === 'date' || c.kind === 'text' ? undefined : 'num'}>
                  {formatValue(c.kind, row[c.key] ?? null)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DownloadIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <path d="M6 1.5v6M3.5 5 6 7.5 8.5 5M2 10.5h8" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
