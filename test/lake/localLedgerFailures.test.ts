import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DuckDBHandle, openDuckDB } from '../../lake/embedded/duckdbFile.ts';
import { batchIdOf, LocalLedger } from '../../lake/embedded/localLedger.ts';
import { drive, landed } from '../helpers/ledgerDriver.ts';

const BIG = { maxFiles: 1000, maxBytes: 1e12 };
const keys = (n: number, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

describe('LocalLedger: failed claims', () => {
  let db: DuckDBHandle;
  let lines: string[];
  const open = (maxAttempts = 3) =>
    LocalLedger.open(db.connection, { maxAttempts, log: (l) => lines.push(l) });

  beforeEach(async () => {
    db = await openDuckDB(':memory:');
    lines = [];
  });
  afterEach(() => {
    db.connection.closeSync();
    db.instance.closeSync();
  });

  it('retries a failed claim as it was, maxAttempts times', async () => {
    // prepare
    const l = await open(3);
    await l.record(keys(4).map((k) => landed(k)));
    const first = (await l.claim(BIG))!;
    // act
    await l.fail(first.batchId, 'boom');
    const second = await l.claim(BIG);
    await l.fail(first.batchId, 'boom');
    const third = await l.claim(BIG);
    // assess
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(lines.map((x) => JSON.parse(x).event)).toEqual(['claim_failed', 'claim_failed']);
  });

  it('splits a poison batch until only the poison file is set aside, and later landings flow', async () => {
    // prepare: 10 files, one of them poison
    const l = await open(3);
    const all = keys(10);
    await l.record(all.map((k) => landed(k)));
    // act
    const first = await drive(l, new Set(['k07']));
    await l.record(keys(3, 'late').map((k) => landed(k)));
    const later = await drive(l, new Set(['k07']));
    // assess
    expect(first.done.sort()).toEqual(all.filter((k) => k !== 'k07'));
    expect(later.done.sort()).toEqual(keys(3, 'late'));
    const aside = await l.listSetAside();
    expect(aside.map((b) => b.files.map((f) => f.key))).toEqual([['k07']]);
    expect(aside[0]).toMatchObject({
      batchId: batchIdOf(['raw/k07']),
      attempts: 3,
      error: 'decoder crashed on 1 files',
    });
    expect(await l.counts()).toEqual({ pending: 0, claimed: 0, done: 12 });
    const events = lines.map((x) => JSON.parse(x) as Record<string, unknown>);
    const setAside = events.filter((e) => e.event === 'claim_set_aside');
    expect(setAside).toHaveLength(1);
    expect(setAside[0]).toMatchObject({ ClaimsSetAside: 1, keys: ['k07'], level: 'ERROR' });
    expect(events.filter((e) => e.event === 'claim_split').length).toBeGreaterThanOrEqual(3);
  });

  it('gives split halves the batch they came from to supersede', async () => {
    // prepare
    const l = await open(1);
    await l.record(keys(4).map((k) => landed(k)));
    const whole = (await l.claim(BIG))!;
    await l.fail(whole.batchId, 'boom');
    // act
    const half = (await l.claim(BIG))!;
    // assess
    expect(half.files).toHaveLength(2);
    expect(half.supersedes).toEqual([whole.batchId]);
    expect(half.batchId).toBe(batchIdOf(half.files.map((f) => `${f.bucket}/${f.key}`)));
  });

  it('replays a set-aside batch with its id, once however often it is asked', async () => {
    // prepare
    const l = await open(1);
    await l.record([landed('poison')]);
    await drive(l, new Set(['poison']));
    const [aside] = await l.listSetAside();
    // act
    const replayed = await l.replay({ setAside: true });
    const twice = await l.replay({ setAside: true });
    const claim = await l.claim(BIG);
    // assess
    expect(replayed).toEqual({ batches: [aside!.batchId], files: 1 });
    expect(twice).toEqual({ batches: [], files: 0 });
    expect(claim).toEqual({
      batchId: aside!.batchId,
      files: [landed('poison')],
      supersedes: [aside!.batchId],
    });
    expect(await l.listSetAside()).toEqual([]);
  });

  it('replays the whole done batches that hold a matching file', async () => {
    // prepare: two batches of two files
    const l = await open();
    await l.record(['a1', 'a2', 'b1', 'b2'].map((k) => landed(k)));
    const a = (await l.claim({ maxFiles: 2, maxBytes: 1e12 }))!;
    await l.complete(a.batchId);
    const b = (await l.claim({ maxFiles: 2, maxBytes: 1e12 }))!;
    await l.complete(b.batchId);
    // act
    const replayed = await l.replay({ match: (f) => f.key === 'b2' });
    const claim = await l.claim(BIG);
    const none = await l.claim(BIG);
    // assess
    expect(replayed).toEqual({ batches: [b.batchId], files: 2 });
    expect(claim).toEqual({ ...b, supersedes: [b.batchId] });
    expect(none).toEqual(claim);
    await l.complete(claim!.batchId);
    expect(await l.claim(BIG)).toBeUndefined();
    expect(await l.counts()).toEqual({ pending: 0, claimed: 0, done: 4 });
  });

  it('counts a crashed run (a claim handed out again without complete or fail) as an attempt', async () => {
    // prepare: two runs that died without a word
    const l = await open(2);
    await l.record(keys(4).map((k) => landed(k)));
    const first = (await l.claim(BIG))!;
    const again = (await l.claim(BIG))!;
    // act
    const half = (await l.claim(BIG))!;
    // assess
    expect(again).toEqual(first);
    expect(half.files).toHaveLength(2);
    expect(half.supersedes).toEqual([first.batchId]);
  });
});
