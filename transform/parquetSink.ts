import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType } from '../lake/ports.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';

const DUCK_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** One finished output: a local Parquet file of one table and one calendar day. */
export interface SinkOutput {
  table: string;
  calendarday: string;
  localPath: string;
  rows: number;
  bytes: number;
}

interface Group {
  table: string;
  calendarday: string;
  columns: { name: string; type: ColumnType }[];
  path: string;
  stream: WriteStream;
  rows: number;
  /** Longest line so far (UTF-16 units; ×3 bounds its UTF-8 bytes). */
  maxLine: number;
}

/**
 * Collects readready rows per table and day and turns them into Parquet (ZSTD). Rows stream to a
 * temporary NDJSON file as they arrive, so memory stays flat however big the batch; at the end
 * DuckDB reads each file with the exact column types and writes Parquet row groups as it goes.
 */
export class ParquetSink {
  readonly #groups = new Map<string, Group>();

  constructor(
    private readonly duck: DuckDBConnection,
    private readonly tmpDir: string,
    private readonly opts: { rowGroupSize?: number } = {},
  ) {}

  async append(table: string, calendarday: string, columns: Group['columns'], lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const id = `${table}/${calendarday}`;
    let group = this.#groups.get(id);
    if (group === undefined) {
      await mkdir(this.tmpDir, { recursive: true });
      const path = join(this.tmpDir, `${table}-${calendarday}-${this.#groups.size}.ndjson`);
      group = { table, calendarday, columns, path, stream: createWriteStream(path), rows: 0, maxLine: 0 };
      this.#groups.set(id, group);
    }
    group.rows += lines.length;
    for (const l of lines) if (l.length > group.maxLine) group.maxLine = l.length;
    if (!group.stream.write(`${lines.join('\n')}\n`)) {
      const stream = group.stream;
      await new Promise<void>((resolve) => stream.once('drain', resolve));
    }
  }

  /** Writes every group to Parquet; returns the outputs in table and day order. */
  async finish(): Promise<SinkOutput[]> {
    const outputs: SinkOutput[] = [];
    const groups = [...this.#groups.values()].sort((a, b) =>
      a.table === b.table ? a.calendarday.localeCompare(b.calendarday) : a.table.localeCompare(b.table),
    );
    for (const g of groups) {
      await new Promise<void>((resolve, reject) => g.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const localPath = g.path.replace(/\.ndjson$/, '.parquet');
      const columns = g.columns.map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCK_TYPES[c.type])}`).join(', ');
      // DuckDB allocates read buffers of this size per thread: fit it to the data, not to a worst case.
      const maxObject = Math.max(16 * 1024 * 1024, g.maxLine * 3 + 1);
      const select = g.columns.map((c) => quoteIdent(c.name)).join(', ');
      await this.duck.run(
        `COPY (SELECT ${select} FROM read_json(${quoteLiteral(g.path)}, format = 'newline_delimited', ` +
          `columns = {${columns}}, maximum_object_size = ${maxObject})) TO ${quoteLiteral(localPath)} ` +
          `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${this.opts.rowGroupSize ?? 122_880})`,
      );
      await rm(g.path, { force: true });
      outputs.push({
        table: g.table,
        calendarday: g.calendarday,
        localPath,
        rows: g.rows,
        bytes: (await stat(localPath)).size,
      });
    }
    this.#groups.clear();
    return outputs;
  }

  /** Drops temporary files (after a failure). */
  async abort(): Promise<void> {
    for (const g of this.#groups.values()) {
      g.stream.destroy();
      await rm(g.path, { force: true });
    }
    this.#groups.clear();
  }
}
