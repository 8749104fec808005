import { createHash } from 'node:crypto';
import { type DuckDBConnection, listValue } from '@duckdb/node-api';
import { emitLedgerEvent, type LedgerEvent, type LedgerLog, retryStep } from '../ledgerEvents.ts';
import type { Claim, LandedFile, Ledger, ReplayResult, ReplaySelection, SetAsideBatch } from '../ports.ts';
import { chunk, inTransaction } from './duckdbFile.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS landed_files (
  key VARCHAR, source VARCHAR, size BIGINT, etag VARCHAR, pvalues VARCHAR,
  state VARCHAR, batch_id VARCHAR, landed_at TIMESTAMP, done_at TIMESTAMP,
  bucket VARCHAR NOT NULL, PRIMARY KEY (bucket, key));
`;

/** Attempts and fate of each open or set-aside claim; `landed_files.state` says which files it holds. */
const CLAIMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_claims (
  batch_id VARCHAR PRIMARY KEY, attempts INTEGER, supersedes VARCHAR, last_error VARCHAR,
  state VARCHAR, set_aside_at TIMESTAMP);
`;

/** Options of {@link LocalLedger}. */
export interface LocalLedgerOptions {
  /** Tries of a claim before it is split (several files) or set aside (one file). Default 3. */
  maxAttempts?: number;
  /** Where ledger events (EMF lines) go. Default stdout. */
  log?: LedgerLog;
}

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
  private constructor(
    private readonly db: DuckDBConnection,
    private readonly opts: Required<Pick<LocalLedgerOptions, 'maxAttempts'>> & LocalLedgerOptions,
  ) {}

  static async open(connection: DuckDBConnection, opts: LocalLedgerOptions = {}): Promise<LocalLedger> {
    await migrateBucketColumn(connection);
    await connection.run(SCHEMA);
    await connection.run(CLAIMS_SCHEMA);
    return new LocalLedger(connection, { maxAttempts: 3, ...opts });
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

  async claim(opts: {
    maxFiles: number;
    maxBytes: number;
    held?: ReadonlySet<string>;
  }): Promise<Claim | undefined> {
    const reopened = await this.#reopen(opts.held ?? new Set());
    if (reopened) return reopened;
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
      await this.#setBatch(files, batchId, 'claimed');
      await this.#putClaim(batchId, 1, []);
    });
    return { batchId, files };
  }

  /**
   * Puts `files` into batch `batchId` (and `state`, when given). The keys go in as two list
   * parameters DuckDB joins against, not as an `IN` list of pairs, which cost it 15 ms per 500 to plan.
   */
  async #setBatch(files: readonly LandedFile[], batchId: string, state?: 'claimed'): Promise<void> {
    const set = state === 'claimed' ? "batch_id = $1, state = 'claimed'" : 'batch_id = $1';
    await this.db.run(
      `UPDATE landed_files SET ${set} WHERE (bucket, key) IN (SELECT unnest($2::VARCHAR[]), unnest($3::VARCHAR[]))`,
      [batchId, listValue(files.map((f) => f.bucket)), listValue(files.map((f) => f.key))],
    );
  }

  async complete(batchId: string): Promise<void> {
    await this.db.run(
      "UPDATE landed_files SET state = 'done', done_at = current_timestamp WHERE batch_id = ?",
      [batchId],
    );
    await this.db.run('DELETE FROM ledger_claims WHERE batch_id = ?', [batchId]);
  }

  async counts(): Promise<{ pending: number; claimed: number; done: number }> {
    const reader = await this.db.runAndReadAll(
      'SELECT state, count(*)::INTEGER FROM landed_files GROUP BY state',
    );
    const counts = { pending: 0, claimed: 0, done: 0 };
    for (const [state, n] of reader.getRows()) {
      // Set-aside files are listed by `listSetAside`, not counted here.
      if (String(state) in counts) counts[String(state) as keyof typeof counts] = Number(n);
    }
    return counts;
  }

  async close(): Promise<void> {}

  async fail(batchId: string, error: string): Promise<void> {
    await this.db.run('UPDATE ledger_claims SET last_error = ? WHERE batch_id = ?', [error, batchId]);
    const files = await this.#files("state = 'claimed' AND batch_id = ? ORDER BY key", [batchId]);
    const attempts = (await this.#claimRow(batchId))?.attempts;
    this.#emit({ kind: 'claim_failed', batchId, files, attempts, error });
  }

  async listSetAside(): Promise<SetAsideBatch[]> {
    const reader = await this.db.runAndReadAll(
      "SELECT batch_id, attempts, last_error, strftime(set_aside_at, '%Y-%m-%dT%H:%M:%SZ') FROM ledger_claims WHERE state = 'set_aside' ORDER BY set_aside_at, batch_id",
    );
    const out: SetAsideBatch[] = [];
    for (const [id, attempts, error, at] of reader.getRows()) {
      const batchId = String(id);
      out.push({
        batchId,
        files: await this.#files("state = 'set_aside' AND batch_id = ? ORDER BY key", [batchId]),
        attempts: Number(attempts),
        error: error === null ? '' : String(error),
        setAsideAt: String(at),
      });
    }
    return out;
  }

  async replay(selection: ReplaySelection): Promise<ReplayResult> {
    const ids = new Set<string>();
    if (selection.setAside) for (const b of await this.listSetAside()) ids.add(b.batchId);
    if (selection.match) {
      const reader = await this.db.runAndReadAll(
        "SELECT key, source, size::INTEGER, etag, pvalues, bucket, batch_id FROM landed_files WHERE state = 'done'",
      );
      for (const r of reader.getRows()) if (selection.match(rowToFile(r))) ids.add(String(r[6]));
    }
    const batches = [...ids].sort();
    let files = 0;
    await inTransaction(this.db, async () => {
      for (const batchId of batches) {
        const reader = await this.db.runAndReadAll(
          "UPDATE landed_files SET state = 'claimed', done_at = NULL WHERE batch_id = ? AND state IN ('done', 'set_aside') RETURNING key",
          [batchId],
        );
        files += reader.getRows().length;
        // The same id again: the re-run overwrites the batch's outputs; ones it no longer writes go after it succeeds.
        await this.#putClaim(batchId, 0, [batchId]);
      }
    });
    if (batches.length > 0)
      this.#emit({ kind: 'claims_replayed', batchId: batches[0]!, files: [], into: batches });
    return { batches, files };
  }

  /** Hands out the first open claim again, after splitting or setting aside the ones out of tries. */
  async #reopen(held: ReadonlySet<string>): Promise<Claim | undefined> {
    for (;;) {
      const skip = [...held];
      const open = await this.db.runAndReadAll(
        `SELECT batch_id FROM landed_files WHERE state = 'claimed'${skip.length > 0 ? ` AND batch_id NOT IN (${skip.map(() => '?').join(', ')})` : ''} ORDER BY batch_id LIMIT 1`,
        skip,
      );
      const openId = open.getRows()[0]?.[0];
      if (openId === undefined || openId === null) return undefined;
      const batchId = String(openId);
      const files = await this.#files("state = 'claimed' AND batch_id = ? ORDER BY key, bucket", [batchId]);
      // A claim from before the claims table existed was handed out once.
      const row = (await this.#claimRow(batchId)) ?? { attempts: 1, supersedes: [], error: '' };
      const next = retryStep(files, row.attempts, this.opts.maxAttempts);
      if (next.step === 'retry') {
        await this.#putClaim(batchId, row.attempts + 1, row.supersedes, row.error);
        return { batchId, files, ...(row.supersedes.length > 0 ? { supersedes: row.supersedes } : {}) };
      }
      if (next.step === 'split') {
        const into = next.halves.map((half) => batchIdOf(half.map(landedFileId)));
        await inTransaction(this.db, async () => {
          for (const [i, half] of next.halves.entries()) {
            await this.#setBatch(half, into[i]!);
            await this.#putClaim(into[i]!, 0, [...row.supersedes, batchId]);
          }
          await this.db.run('DELETE FROM ledger_claims WHERE batch_id = ?', [batchId]);
        });
        this.#emit({ kind: 'claim_split', batchId, files, attempts: row.attempts, error: row.error, into });
        continue;
      }
      await inTransaction(this.db, async () => {
        await this.db.run(
          "UPDATE landed_files SET state = 'set_aside' WHERE batch_id = ? AND state = 'claimed'",
          [batchId],
        );
        await this.db.run('INSERT OR REPLACE INTO ledger_claims VALUES (?, ?, ?, ?, ?, current_timestamp)', [
          batchId,
          row.attempts,
          JSON.stringify(row.supersedes),
          row.error,
          'set_aside',
        ]);
      });
      this.#emit({ kind: 'claim_set_aside', batchId, files, attempts: row.attempts, error: row.error });
    }
  }

  async #putClaim(batchId: string, attempts: number, supersedes: string[], error = ''): Promise<void> {
    await this.db.run("INSERT OR REPLACE INTO ledger_claims VALUES (?, ?, ?, ?, 'open', NULL)", [
      batchId,
      attempts,
      JSON.stringify(supersedes),
      error,
    ]);
  }

  async #claimRow(
    batchId: string,
  ): Promise<{ attempts: number; supersedes: string[]; error: string } | undefined> {
    const reader = await this.db.runAndReadAll(
      'SELECT attempts, supersedes, last_error FROM ledger_claims WHERE batch_id = ?',
      [batchId],
    );
    const r = reader.getRows()[0];
    if (r === undefined) return undefined;
    return {
      attempts: Number(r[0]),
      supersedes: r[1] === null ? [] : (JSON.parse(String(r[1])) as string[]),
      error: r[2] === null ? '' : String(r[2]),
    };
  }

  #emit(e: LedgerEvent): void {
    emitLedgerEvent(e, this.opts.log);
  }

  async #count(): Promise<number> {
    const reader = await this.db.runAndReadAll('SELECT count(*)::INTEGER FROM landed_files');
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  async #files(where: string, params: (string | number)[]): Promise<LandedFile[]> {
    const reader = await this.db.runAndReadAll(
      `SELECT key, source, size::INTEGER, etag, pvalues, bucket FROM landed_files WHERE ${where}`,
      params,
    );
    return reader.getRows().map(rowToFile);
  }
}

/** A `landed_files` row (key, source, size, etag, pvalues, bucket, …) as a landed file. */
function rowToFile(r: readonly unknown[]): LandedFile {
  return {
    bucket: String(r[5]),
    key: String(r[0]),
    source: String(r[1]),
    size: Number(r[2]),
    etag: r[3] === null ? undefined : String(r[3]),
    partition: JSON.parse(String(r[4])) as string[],
  };
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
