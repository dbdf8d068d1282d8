import type Database from 'better-sqlite3';

/** SQLite's limit on bound parameters per statement is 32766; stay far below it. */
const TARGET_PARAMS = 2000;

/**
 * Inserts rows through multi-row INSERT statements: binding one statement per ~2000 values
 * costs a fraction of one statement per row.
 */
export class BulkInserter {
  private readonly rowsPerStatement: number;
  private readonly full: Database.Statement;
  private readonly params: unknown[];
  private filled = 0;
  private readonly columnCount: number;

  private readonly db: Database.Database;
  private readonly table: string;
  private readonly columns: string[];

  constructor(db: Database.Database, table: string, columns: string[]) {
    this.db = db;
    this.table = table;
    this.columns = columns;
    this.columnCount = columns.length;
    this.rowsPerStatement = Math.max(1, Math.floor(TARGET_PARAMS / columns.length));
    this.full = db.prepare(this.sql(this.rowsPerStatement));
    this.params = new Array(this.rowsPerStatement * columns.length);
  }

  private sql(rows: number): string {
    const tuple = `(${this.columns.map(() => '?').join(',')})`;
    return `INSERT INTO ${this.table} (${this.columns.join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}`;
  }

  /** Appends one value of the current row; call exactly `columns.length` times per row. */
  value(v: unknown): void {
    this.params[this.filled++] = v;
    if (this.filled === this.params.length) {
      this.full.run(this.params);
      this.filled = 0;
    }
  }

  flush(): void {
    if (this.filled === 0) return;
    const rows = this.filled / this.columnCount;
    this.db.prepare(this.sql(rows)).run(this.params.slice(0, this.filled));
    this.filled = 0;
  }
}
