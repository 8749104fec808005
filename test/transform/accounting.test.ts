import { describe, expect, it } from 'vitest';
import type { LandedFile } from '../../lake/ports.ts';
import { type emptyTotals, isReconciled, RunAccount } from '../../transform/accounting.ts';
import type { ChunkOutcome } from '../../transform/decoders/chunkDecoder.ts';

const file = (key: string, source = 'cloudtrail'): LandedFile => ({
  bucket: 'raw',
  key,
  source,
  size: 100,
  partition: [],
});

/** Outcomes and what the run's totals must be after them. */
const CASES: { name: string; outcomes: ChunkOutcome[]; totals: Partial<ReturnType<typeof emptyTotals>> }[] = [
  {
    name: 'a decoded file',
    outcomes: [
      {
        file: file('a'),
        compressed: 40,
        outcome: {
          ok: true,
          counts: {
            eventsIn: 5,
            rows: 3,
            skipped: { control_message: 1 },
            quarantined: 1,
            quarantinedByReason: { bad_time: 1 },
          },
          uncompressedBytes: 400,
          rejected: [{ index: 2, reason: 'bad_time' }],
        },
      },
    ],
    totals: { files: 1, filesDecoded: 1, eventsIn: 5, rows: 3, quarantined: 1, bytesCompressed: 40 },
  },
  {
    name: 'a file quarantined after some events, and one before any',
    outcomes: [
      {
        file: file('b'),
        compressed: 30,
        outcome: { ok: false, reason: 'invalid_json', message: 'x', eventsDecoded: 4 },
      },
      {
        file: file('c', 'cloudwatch'),
        compressed: 0,
        outcome: { ok: false, reason: 'read_failed', message: 'gone', eventsDecoded: 0 },
      },
    ],
    totals: {
      files: 2,
      filesQuarantined: 2,
      eventsIn: 4,
      quarantined: 4,
      quarantinedByReason: { invalid_json: 4 },
      eventsWithheld: 4,
      bytesWithheld: 130,
    },
  },
];

describe('RunAccount', () => {
  it.each(CASES)('$name: counts, and the run reconciles', (c) => {
    // prepare
    const account = new RunAccount();
    // act
    for (const o of c.outcomes) account.add(o);
    // assess
    expect(account.totals).toMatchObject(c.totals);
    expect(isReconciled(account.totals)).toBe(true);
    expect(account.reconciled(c.outcomes.length)).toBe(true);
    expect(account.reconciled(c.outcomes.length + 1)).toBe(false);
    const sources = new Set(c.outcomes.map((o) => o.file.source));
    expect(Object.keys(account.bySource).sort()).toEqual([...sources].sort());
  });

  it('records quarantined files and single events without their content', () => {
    const account = new RunAccount();
    for (const o of CASES.flatMap((x) => x.outcomes)) account.add(o);
    expect(account.quarantinedFiles.map((q) => [q.key, q.reason, q.bytes, q.eventsRead])).toEqual([
      ['b', 'invalid_json', 30, 4],
      ['c', 'read_failed', 100, 0],
    ]);
    expect(account.eventQuarantine.map((l) => JSON.parse(l))).toEqual([
      { source_key: 'a', event_index: 2, reason: 'bad_time' },
    ]);
  });
});
