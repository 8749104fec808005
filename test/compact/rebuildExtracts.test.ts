import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { compactPartition, rebuildExtracts } from '../../compact/index.ts';
import type { Lake } from '../../lake/lake.ts';
import type { Catalog } from '../../lake/ports.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { transformBatch } from '../../transform/transformBatch.ts';
import { ctFile, ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';
import { tempLake } from '../helpers/tempLake.ts';
import { CT, DAY, engineRows, overriding, partitionCounts, transformLanded } from './helpers.ts';

const SESSIONS = 'from_cloudtrail_sessions';
let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
let serial = 0;
beforeEach(async () => {
  t = await tempLake();
  lake = t.lake;
});
afterEach(async () => t.done());

interface PublishOptions {
  catalog?: Catalog;
  /** Transform as a version before the extract existed did: readready only. */
  withoutExtracts?: boolean;
}

/** Lands and transforms one CloudTrail file: `sessions` StartSession/TerminateSession pairs among other calls. */
async function publishSessions(sessions: number, opts: PublishOptions = {}) {
  const n = ++serial;
  const events = [];
  for (let i = 0; i < sessions; i++) {
    const id = `employee-1-${n}-${i}-0a1b2c3d4e5f67890`;
    events.push(
      ctRecord({
        eventSource: 'ssm.amazonaws.com',
        eventName: 'StartSession',
        requestParameters: { target: 'i-0123456789abcdef0' },
        responseElements: {
          sessionId: id,
          streamUrl: 'wss://example',
          tokenValue: 'Value hidden due to security reasons.',
        },
      }),
      ctRecord({
        eventSource: 'ssm.amazonaws.com',
        eventName: 'TerminateSession',
        requestParameters: { sessionId: id },
      }),
    );
  }
  // Session Manager calls that are not session events, and other services' calls with the same names.
  for (let i = 0; i < 5; i++) {
    events.push(ctRecord({ eventSource: 'ssm.amazonaws.com', eventName: 'GetParameters' }));
    events.push(ctRecord({ eventSource: 'example.amazonaws.com', eventName: 'StartSession' }));
  }
  await lake.raw.put(ctKey(`S${String(n).padStart(15, '0')}`), ctFile(events));
  await drainQueue(lake);
  const claim = await lake.ledger.claim({ maxFiles: 100, maxBytes: 1e9 });
  if (claim === undefined) throw new Error('nothing landed');
  const sources = opts.withoutExtracts
    ? lake.sources.map((s) => ({ ...s, readready: { ...s.readready, extracts: [] } }))
    : lake.sources;
  const ctx = { ...transformContext(lake), catalog: opts.catalog ?? lake.catalog, sources };
  const manifest = await transformBatch(ctx, claim);
  await lake.ledger.complete(claim.batchId);
  return manifest;
}

const rebuildCtx = (catalog: Catalog = lake.catalog) => ({
  ...transformContext(lake),
  catalog,
  control: lake.control,
  sources: lake.sources,
});

describe('extract tables', () => {
  it('transform writes the matching rows beside each readready file, under the same name', async () => {
    const m = await publishSessions(3);
    const outputs = m.outputs.map((o) => [o.table, o.rows, o.key.split('/').pop()]);
    const name = m.outputs[0]?.key.split('/').pop();
    expect(outputs).toEqual([
      [CT, 16, name],
      [SESSIONS, 6, name],
    ]);
    expect(await engineRows(lake, SESSIONS)).toBe(6);
    // A batch without session events writes no extract file.
    const none = await publishSessions(0);
    expect(none.outputs.map((o) => o.table)).toEqual([CT]);
    // Re-running a batch overwrites its extract instead of adding rows.
    expect(await engineRows(lake, SESSIONS)).toBe(6);
  });

  it('rebuilds a lake written before the extract existed, and a re-run rebuilds the same rows', async () => {
    await publishSessions(2, { withoutExtracts: true });
    await publishSessions(1, { withoutExtracts: true });
    expect(await engineRows(lake, SESSIONS)).toBe(0);

    const reports = await rebuildExtracts(rebuildCtx(), {}, { graceMs: 0 });
    expect(reports).toMatchObject([
      { table: SESSIONS, calendarday: DAY, action: 'rebuilt', filesRead: 2, rows: 6 },
    ]);
    expect(await engineRows(lake, SESSIONS)).toBe(6);
    expect(await engineRows(lake, CT)).toBe(6 + 20);

    const again = await rebuildExtracts(rebuildCtx(), { table: SESSIONS, day: DAY }, { graceMs: 0 });
    expect(again).toMatchObject([{ action: 'rebuilt', generation: 2, rows: 6 }]);
    expect(await engineRows(lake, SESSIONS)).toBe(6);
    await expect(rebuildExtracts(rebuildCtx(), { table: 'nope' })).rejects.toThrow(/no extract table/);
  });

  it('rebuilds a day whose readready partition was compacted without counting a session twice', async () => {
    await publishSessions(2);
    await publishSessions(2);
    await compactPartition(rebuildCtx(), CT, DAY, ['eventname'], { graceMs: 0 });
    expect(await partitionCounts(lake, CT)).toMatchObject({ files: 1, rows: 28 });
    const [r] = await rebuildExtracts(rebuildCtx(), {}, { graceMs: 0 });
    expect(r).toMatchObject({ action: 'rebuilt', rows: 8, carried: [] });
    expect(await engineRows(lake, SESSIONS)).toBe(8);
  });

  it('carries over a batch published into the old generation while it rebuilt', async () => {
    await publishSessions(2, { withoutExtracts: true });
    let late: Awaited<ReturnType<typeof publishSessions>> | undefined;
    // The moment of the switch: a transform read the old location and publishes just before it.
    const racing: Catalog = overriding(lake.catalog, {
      createPartitions: async (...args: Parameters<Catalog['createPartitions']>) => {
        if (args[1] === SESSIONS && late === undefined) late = await publishSessions(3);
        return lake.catalog.createPartitions(...args);
      },
    });
    const [r] = await rebuildExtracts(rebuildCtx(racing), {}, { graceMs: 0 });
    expect(r).toMatchObject({ action: 'rebuilt', rows: 4 });
    expect(r?.carried).toEqual([
      late?.outputs
        .find((o) => o.table === SESSIONS)
        ?.key.split('/')
        .pop(),
    ]);
    expect(await engineRows(lake, SESSIONS)).toBe(4 + 6);
    // Collecting the replaced generation later carries nothing twice.
    const [gc] = await rebuildExtracts(rebuildCtx(), {}, { graceMs: 0 });
    expect(gc).toMatchObject({ action: 'rebuilt', rows: 10 });
    expect(await engineRows(lake, SESSIONS)).toBe(10);
  });

  it('reads a lake with one compacted day and one not (the query engine reads both kinds of path)', async () => {
    await publishSessions(1);
    await publishSessions(1);
    await lake.raw.put(
      ctKey('T000000000000001', '2026/11/02'),
      ctFile([
        ctRecord({
          eventTime: '2026-11-02T10:00:00Z',
          eventName: 'ListBuckets',
          eventSource: 's3.amazonaws.com',
        }),
      ]),
    );
    await drainQueue(lake);
    await transformLanded(lake);
    await compactPartition(rebuildCtx(), CT, DAY, ['eventname'], { graceMs: 0 });
    expect(await engineRows(lake, CT)).toBe(2 * 12 + 1);
    const engine = await lake.openQueryEngine();
    try {
      const r = await engine.query(
        'SELECT calendarday, count(*)::INTEGER AS n FROM from_cloudtrail_readready GROUP BY 1 ORDER BY 1',
      );
      expect(r.rows).toEqual([
        { calendarday: DAY, n: 24 },
        { calendarday: '2026-11-02', n: 1 },
      ]);
    } finally {
      await engine.close();
    }
  });
});
