import { describe, expect, it } from 'vitest';
import { openDuckDB } from '../../lake/embedded/duckdbFile.ts';
import { LocalLedger } from '../../lake/embedded/localLedger.ts';

describe('LocalLedger: files identified by bucket and key', () => {
  it('keeps the same key from two buckets as two files, and a re-delivery as none', async () => {
    const { instance, connection } = await openDuckDB(':memory:');
    try {
      const ledger = await LocalLedger.open(connection);
      const f = (bucket: string) => ({
        bucket,
        key: 'a/b.json.gz',
        source: 'cloudtrail',
        size: 1,
        partition: ['x'],
      });
      expect(await ledger.record([f('raw'), f('org-trail')])).toBe(2);
      expect(await ledger.record([f('raw'), f('org-trail')])).toBe(0);
      expect(await ledger.counts()).toEqual({ pending: 2, claimed: 0, done: 0 });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('migrates a ledger written before files carried their bucket, keeping every row and its state', async () => {
    const { instance, connection } = await openDuckDB(':memory:');
    try {
      await connection.run(`CREATE TABLE landed_files (
        key VARCHAR PRIMARY KEY, source VARCHAR, size BIGINT, etag VARCHAR, pvalues VARCHAR,
        state VARCHAR, batch_id VARCHAR, landed_at TIMESTAMP, done_at TIMESTAMP)`);
      await connection.run(
        `INSERT INTO landed_files VALUES ('k1', 'cloudtrail', 5, NULL, '["x"]', 'pending', NULL, current_timestamp, NULL),
          ('k2', 'cloudtrail', 5, NULL, '["x"]', 'done', 'b0', current_timestamp, current_timestamp)`,
      );
      const ledger = await LocalLedger.open(connection);
      expect(await ledger.counts()).toEqual({ pending: 1, claimed: 0, done: 1 });
      const claim = await ledger.claim({ maxFiles: 10, maxBytes: 1e9 });
      expect(claim?.files).toEqual([
        { bucket: 'raw', key: 'k1', source: 'cloudtrail', size: 5, partition: ['x'] },
      ]);
      // The same key in another bucket is a new file now.
      expect(
        await ledger.record([
          { bucket: 'other', key: 'k2', source: 'cloudtrail', size: 1, partition: ['x'] },
        ]),
      ).toBe(1);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('hands out an unfinished claim again, but not one the caller says it still holds', async () => {
    const { instance, connection } = await openDuckDB(':memory:');
    try {
      const ledger = await LocalLedger.open(connection);
      const f = (key: string) => ({ bucket: 'raw', key, source: 'cloudtrail', size: 1, partition: ['x'] });
      await ledger.record([f('a'), f('b'), f('c'), f('d')]);
      const first = await ledger.claim({ maxFiles: 2, maxBytes: 1e9 });
      expect(first?.files.map((x) => x.key)).toEqual(['a', 'b']);
      // held (publishing): the next claim takes the pending files
      const second = await ledger.claim({ maxFiles: 2, maxBytes: 1e9, held: new Set([first!.batchId]) });
      expect(second?.files.map((x) => x.key)).toEqual(['c', 'd']);
      // not held any more (it crashed, say): the oldest open claim comes back, same id and files
      const again = await ledger.claim({ maxFiles: 2, maxBytes: 1e9, held: new Set([second!.batchId]) });
      expect(again).toEqual(first);
      await ledger.complete(first!.batchId);
      await ledger.complete(second!.batchId);
      expect(await ledger.claim({ maxFiles: 2, maxBytes: 1e9, held: new Set() })).toBeUndefined();
      expect(await ledger.counts()).toEqual({ pending: 0, claimed: 0, done: 4 });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
