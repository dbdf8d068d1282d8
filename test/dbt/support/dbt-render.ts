// Renders the generated project's Jinja with nunjucks, standing in for dbt: config, ref,
// source, var, is_incremental, this, target, adapter.quote, run_started_at, modules and
// exceptions. Macros are global in dbt; here every macro file is put before the model.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { pythonModules, runStartedAt } from './python-date.ts';
import { parseProjectVars } from './project-vars.ts';

nunjucks.installJinjaCompat();

export type TargetType = 'bigquery' | 'duckdb';

export interface RenderOptions {
  target: TargetType;
  /** What is_incremental() answers. */
  incremental: boolean;
  /** dbt's run_started_at. */
  now: Date;
  /** Relation text of `this` (the model's own table). */
  self: string;
  /** Relation text of each ref'd model, by name. */
  refs: Record<string, string>;
  /** Relation text of source('session_explorer', 'events'). */
  source: string;
  /** `--vars`: override or add to the project's vars. */
  vars?: Record<string, unknown>;
}

export interface RenderedModel {
  sql: string;
  /** The keyword arguments the model passed to config(), if any. */
  config: Record<string, unknown>;
}

/** The generated project in a folder, ready to render its models and tests. */
export class DbtProject {
  readonly dir: string;
  readonly vars: Record<string, unknown>;
  private readonly macros: string;

  constructor(dir: string) {
    this.dir = dir;
    this.vars = parseProjectVars(readFileSync(join(dir, 'dbt_project.yml'), 'utf8'));
    const macroDir = join(dir, 'macros');
    this.macros = readdirSync(macroDir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => readFileSync(join(macroDir, f), 'utf8'))
      .join('\n');
  }

  /** Model and test files, relative to the project (`models/x.sql`, `tests/y.sql`). */
  sqlFiles(): string[] {
    return ['models', 'tests'].flatMap((d) =>
      readdirSync(join(this.dir, d)).filter((f) => f.endsWith('.sql')).sort().map((f) => `${d}/${f}`),
    );
  }

  render(file: string, options: RenderOptions): RenderedModel {
    const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
    const vars = { ...this.vars, ...(options.vars ?? {}) };
    let config: Record<string, unknown> = {};
    const quote = options.target === 'bigquery' ? (name: string) => `\`${name}\`` : (name: string) => `"${name}"`;
    const globals: Record<string, unknown> = {
      target: { type: options.target, name: 'test' },
      this: options.self,
      run_started_at: runStartedAt(options.now),
      modules: pythonModules,
      adapter: { quote },
      exceptions: {
        raise_compiler_error: (message: string) => {
          throw new Error(`compiler error: ${message}`);
        },
      },
      is_incremental: () => options.incremental,
      config: (kwargs: Record<string, unknown>) => {
        const { __keywords, ...rest } = kwargs;
        config = rest;
        return '';
      },
      ref: (name: string) => {
        const relation = options.refs[name];
        if (relation === undefined) throw new Error(`ref to unknown model '${name}'`);
        return relation;
      },
      source: (sourceName: string, table: string) => {
        if (sourceName !== 'session_explorer' || table !== 'events') throw new Error(`unknown source ${sourceName}.${table}`);
        return options.source;
      },
      // dbt's var(): a missing var without a default is a compilation error.
      var: (...args: unknown[]) => {
        const name = args[0] as string;
        if (Object.hasOwn(vars, name)) return vars[name];
        if (args.length > 1) return args[1];
        throw new Error(`Required var '${name}' not found`);
      },
    };
    for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
    const model = readFileSync(join(this.dir, file), 'utf8');
    const sql = env.renderString(`${this.macros}\n${model}`, {});
    return { sql: sql.trim(), config };
  }
}
