import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyAddapartStats } from '../../addapart/processBatch.ts';
import { ADDAPART_RUNS_PREFIX, addapartRunRecord, recentAddapartRuns } from '../../addapart/runRecord.ts';
import { LocalObjectStore } from '../../lake/embedded/localObjectStore.ts';

let dir: string;
let control: LocalObjectStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loglake-runs-'));
  control = new LocalObjectStore(dir);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function writeRun(at: string, messages: number): Promise<void> {
  const stats = { ...emptyAddapartStats(), messages };
  const record = addapartRunRecord(
    { failures: [], stats, quarantined: [], skippedExamples: {} },
    new Date(at),
  );
  await control.put(`${ADDAPART_RUNS_PREFIX}${record.runId}.json`, JSON.stringify(record));
}

describe('recentAddapartRuns', () => {
  it('gives the last n runs in time order, looking further back only when the last two days hold too few', async () => {
    await writeRun('2026-10-01T00:00:00Z', 1);
    await writeRun('2026-11-01T08:00:00Z', 2);
    await writeRun('2026-11-02T07:00:00Z', 3);
    await writeRun('2026-11-02T09:00:00Z', 4);
    const now = new Date('2026-11-02T10:00:00Z');
    expect((await recentAddapartRuns(control, 2, now)).map((r) => r.stats.messages)).toEqual([3, 4]);
    expect((await recentAddapartRuns(control, 4, now)).map((r) => r.stats.messages)).toEqual([1, 2, 3, 4]);
    expect((await recentAddapartRuns(control, 10, now)).map((r) => r.at)).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2026-11-01T08:00:00.000Z',
      '2026-11-02T07:00:00.000Z',
      '2026-11-02T09:00:00.000Z',
    ]);
  });
});
