import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Claim, LandedFile, Ledger } from '../ports.ts';
import { chunk, inTransaction } from './duckdbFile.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS landed_files (
  key VARCHAR, source VARCHAR, size BIGINT, etag VARCHAR, pvalues VARCHAR,
  state VARCHAR, batch_id VARCHAR, landed_at TIMESTAMP, done_at TIMESTAMP,
  bucket VARCHAR NOT NULL, PRIMARY KEY (bucket, key));
`;

/** The embedded raw bucket's name, for ledger rows written before files carried their bucket. */
const LEGACY_BUCKET = 'raw';

/** Identity of a landed file across buckets: the bucket and the key. */
export function landedFileId(f: Pick<LandedFile, 'bucket' | 'key'>): string {
  return `${f.bucket}/${f.key}`;
}

/** Deterministic id of a batch: the same files give the same id, so re-runs overwrite the same outputs. */
export function batchIdOf(keys: readonly string[]): string {
  const hash = createHash('sha256');
  for (const key of [...keys].sort()) hash.update(key).update('\n');
  return hash.digest('hex').slice(0, 20);
}

/** The embedded ledger of landed files, in the catalog's DuckDB file. */
export class LocalLedger implements Ledger {
  private constructor(private readonly db: DuckDBConnection) {}

  static async open(connection: DuckDBConnection): Promise<LocalLedger> {
    await migrateBucketColumn(connection);
    await connection.run(SCHEMA);
    return new LocalLedger(connection);
  }

  async record(files: LandedFile[]): Promise<number> {
    let added = 0;
    for (const part of chunk(files, 200)) {
      const before = await this.#count();
      const values = part
        .map(() => "(?, ?, ?, ?, ?, 'pending', NULL, current_timestamp, NULL, ?)")
        .join(', ');
      await this.db.run(
        `INSERT OR IGNORE INTO landed_files VALUES ${values}`,
        part.flatMap((f) => [f.key, f.source, f.size, f.etag ?? null, JSON.stringify(f.partition), f.bucket]),
      );
      added += (await this.#count()) - before;
    }
    return added;
  }

  async claim(opts: { maxFiles: number; maxBytes: number }): Promise<Claim | undefined> {
    const open = await this.db.runAndReadAll(
      "SELECT batch_id FROM landed_files WHERE state = 'claimed' ORDER BY batch_id LIMIT 1",
    );
    const openId = open.getRows()[0]?.[0];
    if (openId !== undefined && openId !== null) {
      return {
        batchId: String(openId),
        files: await this.#files("state = 'claimed' AND batch_id = ? ORDER BY key, bucket", [String(openId)]),
      };
    }
    const candidates = await this.#files("state = 'pending' ORDER BY key, bucket LIMIT ?", [opts.maxFiles]);
    const files: LandedFile[] = [];
    const keys = new Set<string>();
    let bytes = 0;
    for (const f of candidates) {
      // One key once per batch: lineage (`source_key`) and the SQL decoder go by key, so the same
      // key from another bucket waits for the next batch.
      if (keys.has(f.key)) continue;
      // Always take at least one file, so one oversized file cannot block the queue.
      if (files.length > 0 && bytes + f.size > opts.maxBytes) break;
      files.push(f);
      keys.add(f.key);
      bytes += f.size;
    }
    if (files.length === 0) return undefined;
    const batchId = batchIdOf(files.map(landedFileId));
    await inTransaction(this.db, async () => {
      for (const part of chunk(files, 500)) {
        await this.db.run(
          `UPDATE landed_files SET state = 'claimed', batch_id = ? WHERE (bucket, key) IN (${part.map(() => '(?, ?)').join(', ')})`,
          [batchId, ...part.flatMap((f) => [f.bucket, f.key])],
        );
      }
    });
    return { batchId, files };
  }

  async complete(batchId: string): Promise<void> {
    await this.db.run(
      "UPDATE landed_files SET state = 'done', done_at = current_timestamp WHERE batch_id = ?",
      [batchId],
    );
  }

  async counts(): Promise<{ pending: number; claimed: number; done: number }> {
    const reader = await this.db.runAndReadAll(
      'SELECT state, count(*)::INTEGER FROM landed_files GROUP BY state',
    );
    const counts = { pending: 0, claimed: 0, done: 0 };
    for (const [state, n] of reader.getRows()) counts[String(state) as keyof typeof counts] = Number(n);
    return counts;
  }

  async close(): Promise<void> {}

  async #count(): Promise<number> {
    const reader = await this.db.runAndReadAll('SELECT count(*)::INTEGER FROM landed_files');
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  async #files(where: string, params: (string | number)[]): Promise<LandedFile[]> {
    const reader = await this.db.runAndReadAll(
      `SELECT key, source, size::INTEGER, etag, pvalues, bucket FROM landed_files WHERE ${where}`,
      params,
    );
    return reader.getRows().map((r) => ({
      bucket: String(r[5]),
      key: String(r[0]),
      source: String(r[1]),
      size: Number(r[2]),
      etag: r[3] === null ? undefined : String(r[3]),
      partition: JSON.parse(String(r[4])) as string[],
    }));
  }
}

/**
 * Ledgers made before files carried their bucket identify a file by key alone: rebuild the table
 * with the bucket (the raw bucket's, where those files came from) as part of the identity.
 */
async function migrateBucketColumn(db: DuckDBConnection): Promise<void> {
  const cols = await db.runAndReadAll(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'landed_files'",
  );
  const names = cols.getRows().map((r) => String(r[0]));
  if (names.length === 0 || names.includes('bucket')) return;
  await inTransaction(db, async () => {
    await db.run('ALTER TABLE landed_files RENAME TO landed_files_v0');
    await db.run(SCHEMA);
    await db.run(
      `INSERT INTO landed_files SELECT key, source, size, etag, pvalues, state, batch_id, landed_at, done_at, ? FROM landed_files_v0`,
      [LEGACY_BUCKET],
    );
    await db.run('DROP TABLE landed_files_v0');
  });
}
