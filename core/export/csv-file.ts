import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { UserError } from '../util/user-error.ts';

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * OWASP's CSV-injection defence: a text cell starting with =, +, -, @, tab or CR gets a leading
 * apostrophe so spreadsheets show it as text instead of evaluating it. Numbers are left alone.
 */
export function neutraliseFormula(text: string): string {
  const c = text.charCodeAt(0);
  if (c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) {
    return NUMERIC.test(text) ? text : `'${text}`;
  }
  return text;
}

export type Cell = string | number | null;

/** A CSV file written in chunks of rows (RFC 4180, LF line ends, null as an empty field). */
export class CsvFileWriter {
  private readonly fd: number;
  private rows: Cell[][] = [];
  private written = 0;

  constructor(path: string, header: string[]) {
    try {
      this.fd = openSync(path, 'w');
    } catch (error) {
      throw new UserError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.rows.push(header);
  }

  /** Adds a row; text cells must already be neutralised where they hold user data. */
  row(cells: Cell[]): void {
    this.rows.push(cells);
    if (this.rows.length >= 10_000) this.flush();
  }

  get rowCount(): number {
    return this.written + this.rows.length;
  }

  private flush(): void {
    if (this.rows.length === 0) return;
    writeSync(this.fd, stringify(this.rows, { cast: { number: (n) => String(n) } }));
    this.written += this.rows.length;
    this.rows = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** An ISO 8601 UTC time with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
