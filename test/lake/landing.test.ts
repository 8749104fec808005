import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { main } from '../../cli/main.ts';
import { landFiles } from '../../ingest/land.ts';
import { decodeSegment, encodeSegment, LocalObjectStore } from '../../lake/embedded/localObjectStore.ts';
import { NotifyingObjectStore, s3EventBody } from '../../lake/embedded/notifyingObjectStore.ts';
import type { Lake } from '../../lake/lake.ts';
import type { NotificationQueue } from '../../lake/ports.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { reopenLake, tempLake } from '../helpers/tempLake.ts';

const KEY =
  'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz';
const body = gzipSync(fixtureText('cloudtrail/session-records.json'));

describe('LocalObjectStore keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loglake-store-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps a key with `//` and one with a literal `__empty__` segment apart', async () => {
    // prepare
    const store = new LocalObjectStore(dir);
    const keys = ['a//b.json', 'a/__empty__/b.json', 'a/___empty__/b.json', 'a/b.json'];
    // act
    for (const k of keys) await store.put(k, k);
    const listed: string[] = [];
    for await (const o of store.list('a/')) listed.push(o.key);
    // assess
    expect(listed.sort()).toEqual([...keys].sort());
    for (const k of keys) expect(Buffer.from(await store.get(k)).toString()).toBe(k);
  });

  it('maps every segment back to itself', () => {
    for (const s of ['', '__empty__', '___empty__', '_x', 'empty', '__empty__x'])
      expect(decodeSegment(encodeSegment(s))).toBe(s);
  });
});

describe('landing', () => {
  let t: Awaited<ReturnType<typeof tempLake>>;
  let lake: Lake;
  beforeEach(async () => {
    t = await tempLake();
    lake = t.lake;
  });
  afterEach(async () => t.done());

  it('re-sends a notification that failed after the raw write, when the file is landed again', async () => {
    // prepare: a raw store whose queue is down for the first send
    const real = lake.queue;
    let down = true;
    const flaky: NotificationQueue = {
      send: async (bodies) => {
        if (down) throw new Error('queue unavailable');
        return real.send(bodies);
      },
      receive: (max, opts) => real.receive(max, opts),
      ack: (m) => real.ack(m),
      release: (m) => real.release(m),
      depth: () => real.depth(),
    };
    const raw = new NotifyingObjectStore((lake.raw as NotifyingObjectStore).inner, flaky, 'raw');
    const first = landFiles(raw, [{ key: KEY, body }]);
    await expect(first).rejects.toThrow(/was written but its notification failed .*land it again/);
    down = false;
    // act
    const again = await landFiles(lake.raw, [{ key: KEY, body }], {
      renotify: (key, size, etag) => lake.queue.send([s3EventBody(lake.rawBucket, key, size, etag)]),
    });
    await drainQueue(lake);
    const run = await runTransform(lake);
    // assess
    expect(again).toMatchObject({ landed: 0, existing: 1, renotified: 1, conflicts: [] });
    expect(run.totals.files).toBe(1);
    expect(run.totals.rows).toBe(4);
  });

  it('refuses --overwrite and other bytes under an existing key: raw is write-once', async () => {
    // prepare
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTTY: false };
    const folder = await mkdtemp(join(tmpdir(), 'loglake-land-'));
    await writeFile(join(folder, 'f.json'), '{"Records":[]}');
    await lake.close();
    const land = (...extra: string[]) =>
      main(['land', folder, '--dir', t.dir, '--prefix', 'x', ...extra], io);
    try {
      // act
      const first = await land();
      const same = await land();
      await writeFile(join(folder, 'f.json'), '{"Records":[{}]}');
      const changed = await land();
      const overwrite = await land('--overwrite');
      // assess
      expect([first, same, changed, overwrite]).toEqual([0, 0, 1, 1]);
      expect(out[1]).toMatch(/landed 0 files .*1 already there \(notified again\)/);
      expect(err[0]).toBe('not landed (raw is write-once, other bytes already there): x/f.json');
      expect(err[1]).toMatch(/raw is write-once: --overwrite is refused/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const after = await reopenLake(t.dir);
    try {
      expect(Buffer.from(await after.raw.get('x/f.json')).toString()).toBe('{"Records":[]}');
    } finally {
      await after.close();
    }
  });
});
