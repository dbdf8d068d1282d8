/**
 * DuckDB is an optional dev dependency: it is imported by a computed specifier so that neither the
 * type checker nor the benchmark needs it, and only the surface the benchmark uses is declared.
 */

export interface DuckConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
  closeSync(): void;
}

export interface DuckInstance {
  connect(): Promise<DuckConnection>;
  closeSync(): void;
}

export interface DuckModule {
  DuckDBInstance: { create(path?: string, options?: Record<string, string>): Promise<DuckInstance> };
}

const SPECIFIER = '@duckdb/node-api';

/** The DuckDB module, or the reason it cannot be used. */
export async function loadDuckDb(): Promise<{ module: DuckModule } | { error: string }> {
  try {
    const module = (await import(SPECIFIER)) as DuckModule;
    if (typeof module.DuckDBInstance?.create !== 'function') return { error: `${SPECIFIER} has no DuckDBInstance` };
    return { module };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] };
  }
}
