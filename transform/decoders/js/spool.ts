import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnType } from '../../../lake/ports.ts';

/** A finished spool file: NDJSON rows of one table and day, ready for the Parquet writer. */
export interface SpoolFile {
  table: string;
  calendarday: string;
  columns: { name: string; type: ColumnType }[];
  path: string;
  rows: number;
  /** Longest line (UTF-16 units; ×3 bounds its UTF-8 bytes). */
  maxLine: number;
}

interface Open extends SpoolFile {
  stream: WriteStream;
}

/**
 * Streams readready rows to temporary NDJSON files, one per table and calendar day, so memory
 * stays flat however big the batch. Each decoder (the main thread, or each worker) has its own.
 */
export class Spool {
  readonly #open = new Map<string, Open>();
  /** Finished files of child spools, handed over whole by {@link adopt}. */
  readonly #adopted: SpoolFile[] = [];
  #children = 0;
  constructor(
    private readonly dir: string,
    private readonly name = 'main',
  ) {}

  /**
   * A new spool beside this one, for one large file's rows: they go to disk as the file decodes,
   * and only reach this spool ({@link adopt}) once the whole file decoded, so a file is still
   * written whole or not at all.
   */
  child(): Spool {
    return new Spool(this.dir, `${this.name}-f${++this.#children}`);
  }

  /** Takes a closed child spool's files into this spool's output. */
  adopt(files: readonly SpoolFile[]): void {
    this.#adopted.push(...files);
  }

  async append(
    table: string,
    calendarday: string,
    columns: SpoolFile['columns'],
    lines: readonly string[],
  ): Promise<void> {
    if (lines.length === 0) return;
    const id = `${table}/${calendarday}`;
    let file = this.#open.get(id);
    if (file === undefined) {
      // Synchronous on purpose: concurrent appends to a new group must open exactly one stream.
      mkdirSync(this.dir, { recursive: true });
      const path = join(this.dir, `${this.name}-${table}-${calendarday}.ndjson`);
      file = { table, calendarday, columns, path, rows: 0, maxLine: 0, stream: createWriteStream(path) };
      this.#open.set(id, file);
    }
    file.rows += lines.length;
    for (const l of lines) if (l.length > file.maxLine) file.maxLine = l.length;
    if (!file.stream.write(`${lines.join('\n')}\n`)) {
      const stream = file.stream;
      await new Promise<void>((resolve) => stream.once('drain', resolve));
    }
  }

  /** Flushes and closes every file. */
  async close(): Promise<SpoolFile[]> {
    const out: SpoolFile[] = [];
    for (const { stream, ...file } of this.#open.values()) {
      await new Promise<void>((resolve, reject) =>
        stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
      out.push(file);
    }
    this.#open.clear();
    out.push(...this.#adopted.splice(0));
    return out;
  }

  /** Drops every file (after a failure). */
  async abort(): Promise<void> {
    for (const f of this.#open.values()) {
      f.stream.destroy();
      await rm(f.path, { force: true });
    }
    this.#open.clear();
    for (const f of this.#adopted.splice(0)) await rm(f.path, { force: true });
  }
}
