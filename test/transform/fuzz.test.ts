/**
 * Generated hostile input (issue 7): random truncation, random bytes, random JSON mutations and
 * random keys, a few seeds, bounded for CI. It asserts the invariants, not exact outputs: the run
 * finishes and reconciles (every file decoded or quarantined, every event a row, a skip or a
 * quarantine), no event appears twice, both engines agree, and re-running changes nothing.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { Prng } from '../../ingest/generate/prng.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';
import { dataMessage, multiMemberGzip, sessionMessage } from '../helpers/firehose.ts';
import {
  fingerprint,
  outcomeOf,
  type PipelineRun,
  queryRows,
  type RawFile,
  runPipeline,
} from '../helpers/pipeline.ts';

const CT = 'from_cloudtrail_readready';
const CW = 'from_cloudwatch_readready';

const runs: PipelineRun[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) await r.done();
});

const pick = <T>(p: Prng, items: readonly T[]): T => items[p.int(0, items.length - 1)]!;

/** Characters a mutation writes: JSON's structure, escapes, number parts, and bytes that are not text. */
const NOISE = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\\',
  '0',
  '9',
  'e',
  '-',
  '.',
  ' ',
  '\n',
  '\u0000',
  'é',
  '\\u',
  'null',
  '1e400',
];

function mutate(text: string, p: Prng): string {
  let out = text;
  for (let n = p.int(1, 3); n > 0; n--) {
    const at = p.int(0, Math.max(0, out.length - 1));
    const op = p.int(0, 3);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1);
    else if (op === 1) out = out.slice(0, at) + pick(p, NOISE) + out.slice(at);
    else if (op === 2) out = out.slice(0, at) + pick(p, NOISE) + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at, at + p.int(1, 40)).repeat(2) + out.slice(at + 40);
  }
  return out;
}

/** Values a field can be swapped for: other types, odd times, big numbers. */
const ODD_VALUES: unknown[] = [
  null,
  5,
  1.5,
  -0,
  true,
  'x',
  [],
  {},
  [1, [2]],
  2 ** 53,
  '2026-02-30T00:00:00Z',
  '23:59:60',
  1e21,
  'é😀',
  { deep: { deeper: [null] } },
  '',
  '9999999999999999999',
];

function ctRecords(p: Prng): Record<string, unknown>[] {
  return Array.from({ length: p.int(1, 6) }, () => {
    const r = ctRecord({ eventTime: `2026-11-0${p.int(1, 3)}T0${p.int(0, 9)}:15:02Z` });
    if (p.chance(0.3)) {
      const field = pick(p, Object.keys(r));
      r[field] = pick(p, ODD_VALUES);
    }
    if (p.chance(0.2)) r.requestParameters = { n: pick(p, ODD_VALUES), list: [pick(p, ODD_VALUES)] };
    return r;
  });
}

function cwFile(p: Prng): string[] {
  return Array.from({ length: p.int(1, 4) }, (_, d) =>
    dataMessage({
      logStream: `fuzz-session-${d}`,
      events: Array.from({ length: p.int(1, 5) }, (_, i) => ({
        id: `3700000000000000000000000000000000000000000000000000000${i}`,
        timestamp: p.chance(0.1) ? (pick(p, ODD_VALUES) as number) : 1793520909000 + i * 1000,
        message: p.chance(0.7)
          ? sessionMessage(`fuzz-session-${d}`, '2026-11-01T08:15:09Z', [`$ echo ${i} }{`])
          : 'plain }{ text',
      })),
    }),
  );
}

const KEY_NAMES = ['plain', 'star*', 'q?', '[1]', '{a,b}', 'sp ace', 'plus+', 'pct%41', 'uni-é'];

/** One seed's files: valid, mutated, truncated and random, under ordinary and odd keys. */
function hostileFiles(seed: number): RawFile[] {
  const p = new Prng(seed, 'fuzz');
  const files: RawFile[] = [];
  for (let i = 0; i < 16; i++) {
    const name = `${pick(p, KEY_NAMES)}-${i}`;
    const kind = p.int(0, 5);
    if (kind <= 2) {
      let text = JSON.stringify({ Records: ctRecords(p) });
      if (kind === 1) text = mutate(text, p);
      let body = gzipSync(text);
      if (kind === 2) body = body.subarray(0, p.int(0, body.length - 1));
      files.push({ key: ctKey(name, `2026/11/0${p.int(1, 3)}`), body });
    } else if (kind === 3) {
      files.push({
        key: ctKey(name),
        body: Buffer.from(Array.from({ length: p.int(0, 300) }, () => p.int(0, 255))),
      });
    } else {
      const docs = cwFile(p);
      const parts = kind === 5 ? docs.map((d) => mutate(d, p)) : docs;
      const uuid = `0f1e2d3c-4b5a-6978-8a9b-${String(i).padStart(12, '0')}`;
      files.push({
        key: `cwl/2026/11/01/08/fuzz-1-2026-11-01-08-15-02-${uuid}`,
        body: multiMemberGzip(parts),
      });
    }
  }
  return files;
}

describe('generated hostile input', () => {
  it.each([1, 2, 3, 4])(
    'seed %i: finishes, reconciles, no duplicates, engines agree, re-runs change nothing',
    async (seed) => {
      const files = hostileFiles(seed);
      const [duck, js] = (await Promise.all([runPipeline('duckdb', files), runPipeline('js', files)])) as [
        PipelineRun,
        PipelineRun,
      ];
      runs.push(duck, js);
      for (const r of [duck, js]) {
        expect(r.summary.reconciled).toBe(true);
        expect(r.summary.totals.files).toBe(files.length);
        // Each CloudTrail record has its own event id: none may appear twice.
        const dupes = await queryRows(
          r.lake,
          `SELECT source_key, eventid, count(*) AS n FROM ${CT} GROUP BY 1, 2 HAVING count(*) > 1`,
        );
        expect(dupes).toEqual([]);
      }
      expect(outcomeOf(duck.summary)).toEqual(outcomeOf(js.summary));
      for (const table of [CT, CW])
        expect(await fingerprint(duck.lake, table)).toEqual(await fingerprint(js.lake, table));

      // Re-running, and re-delivering every landing, changes nothing.
      const before = await fingerprint(duck.lake, CT);
      for (const f of files) await duck.lake.raw.put(f.key, f.body).catch(() => undefined);
      await drainQueue(duck.lake);
      const again = await runTransform(duck.lake);
      expect(again.totals.files).toBe(0);
      expect(await fingerprint(duck.lake, CT)).toEqual(before);
    },
    60_000,
  );
});
