import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DUCK_TYPES } from '../lake/duckTypes.ts';
import { LoglakeError } from '../lake/errors.ts';
import type { Lake } from '../lake/lake.ts';
import { parquetOptions } from '../lake/parquetOptions.ts';
import type { ColumnDef, TableDef } from '../lake/ports.ts';
import { APPEND_ONLY_LAYER } from '../lake/publishedFiles.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';

/** A value of an appended row; timestamps are given as `Date`. */
export type AppendValue = string | number | boolean | Date | null;

/** The catalog definition of an append-only table of the lake, partitioned by `calendarday`. */
export function appendTableDef(lake: Lake, name: string, columns: ColumnDef[]): TableDef {
  return {
    database: lake.config.database,
    name,
    location: lake.readready.uri(`${name}/`),
    format: 'parquet',
    columns,
    partitionKeys: [{ name: 'calendarday', type: 'string' }],
    parameters: { 'loglake.layer': APPEND_ONLY_LAYER, classification: 'parquet' },
  };
}

/** `2026-11-01 08:15:02.123`: the timestamp text DuckDB and Athena both cast from. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * An append-only table in the lake: each append writes one new Parquet object
 * (`<table>/calendarday=<day>/<time>-<uuid>.parquet`, so names never collide and sort by time) and
 * registers its day partition in the catalog. Nothing is ever rewritten or deleted, so every earlier
 * row stays readable by auditors with plain SQL in both modes. Appends are serialised because they
 * share the lake's one DuckDB connection.
 */
export class AppendTable {
  readonly def: TableDef;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #known = new Set<string>();

  constructor(
    private readonly lake: Lake,
    name: string,
    readonly columns: ColumnDef[],
  ) {
    this.def = appendTableDef(lake, name, columns);
  }

  /** Registers the table in the catalog (idempotent). */
  async ensure(): Promise<void> {
    await this.lake.catalog.ensureTable(this.def);
  }

  /** Appends rows dated `at` (which sets their `calendarday`); resolves once they are stored. */
  append(rows: Record<string, AppendValue>[], at: Date): Promise<void> {
    const run = this.#chain.then(() => this.#write(rows, at));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #write(rows: Record<string, AppendValue>[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const day = at.toISOString().slice(0, 10);
    const stamp = at.toISOString().replace(/[-:.]/g, '');
    const key = `${this.def.name}/calendarday=${day}/${stamp}-${randomUUID()}.parquet`;
    await mkdir(this.lake.tmpDir, { recursive: true });
    const local = join(this.lake.tmpDir, `append-${randomUUID()}.parquet`);
    const params: (string | number | boolean | null)[] = [];
    const selects = rows.map((row) => {
      const cols = this.columns.map((c) => {
        const v = row[c.name] ?? null;
        params.push(v instanceof Date ? sqlTimestamp(v) : v);
        return `CAST(? AS ${DUCK_TYPES[c.type]}) AS ${quoteIdent(c.name)}`;
      });
      return `SELECT ${cols.join(', ')}`;
    });
    try {
      await this.lake.duck.run(
        `COPY (${selects.join(' UNION ALL ')}) TO ${quoteLiteral(local)} ${parquetOptions()}`,
        params,
      );
      await this.lake.readready.putFile(key, local, { contentType: 'application/vnd.apache.parquet' });
      if (!this.#known.has(day)) {
        const result = await this.lake.catalog.createPartitions(this.def.database, this.def.name, [
          { values: [day], location: this.lake.readready.uri(`${this.def.name}/calendarday=${day}/`) },
        ]);
        if (result.failed.length > 0) throw result.failed[0]!.error;
        this.#known.add(day);
      }
    } catch (cause) {
      throw new LoglakeError(`append to ${this.def.name} failed`, { table: this.def.name, key }, { cause });
    } finally {
      await rm(local, { force: true });
    }
  }
}
