/**
 * Two processes on one embedded lake: a `loglake transform` runs in a child process while this
 * process lands, queries and reads the status. Before the catalog file was held per operation,
 * each of these failed at once on DuckDB's file lock.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { main } from '../../cli/main.ts';
import { generate } from '../../ingest/generate/index.ts';
import { landFiles } from '../../ingest/land.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { reopenLake, tempLake } from '../helpers/tempLake.ts';

const BIN = fileURLToPath(new URL('../../bin/loglake.js', import.meta.url));
const KEY =
  'AWSLogs/999988887777/CloudTrail/eu-west-1/2026/11/01/999988887777_CloudTrail_eu-west-1_20261101T0820Z_Concurrent0001.json.gz';

let t: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  t = await tempLake();
});
afterEach(async () => t.done());

async function runsWritten(dir: string): Promise<number> {
  return (await readdir(join(dir, 'control', 'runs')).catch(() => [])).length;
}

describe('two processes on one embedded lake', () => {
  it('lands, queries and shows status while another process transforms', async () => {
    // prepare: a lake with enough landed files for a transform of many one-file batches
    const { files } = generate({ accounts: 6, days: 3, sessions: 10, seed: 3, badFiles: false });
    await landFiles(t.lake.raw, files);
    await drainQueue(t.lake);
    await t.lake.close();
    const child = spawn(process.execPath, [BIN, 'transform', '--dir', t.dir, '--max-files', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let childErr = '';
    child.stderr.on('data', (d) => {
      childErr += String(d);
    });
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    for (let i = 0; i < 600 && (await runsWritten(t.dir)) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTTY: false };
    const lander = await tempLake();
    try {
      // act: while the child's transform is between its first and last batch
      const runsBefore = await runsWritten(t.dir);
      await lander.lake.raw.put(KEY, gzipSync(fixtureText('cloudtrail/session-records.json')));
      const landed = await main(['land', join(lander.dir, 'raw'), '--dir', t.dir], io);
      const queried = await main(
        ['query', '--dir', t.dir, 'SELECT count(*) AS n FROM from_cloudtrail_readready'],
        io,
      );
      const status = await main(['status', '--dir', t.dir], io);
      const childStillRunning = child.exitCode === null;
      const code = await exited;
      // assess
      expect(runsBefore).toBeGreaterThan(0);
      expect(childStillRunning).toBe(true);
      expect([landed, queried, status]).toEqual([0, 0, 0]);
      expect(err.filter((l) => /lock/i.test(l))).toEqual([]);
      expect(out.join('\n')).toMatch(/landed 1 files/);
      expect(code).toBe(0);
      expect(childErr).not.toMatch(/lock/i);
    } finally {
      child.kill();
      await lander.done();
    }
  }, 120_000);

  it('keeps two lakes of one process on the same folder from writing the catalog file at once', async () => {
    // prepare: a second lake on the same folder (DuckDB's file lock does not separate one process)
    const other = await reopenLake(t.dir);
    const file = (i: number) => ({
      bucket: 'raw',
      key: `k${i}`,
      source: 'cloudtrail',
      size: 1,
      partition: ['x'],
    });
    try {
      // act
      const recorded = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? t.lake : other).ledger.record([file(i % 30)])),
      );
      // assess
      expect(recorded.reduce((a, b) => a + b, 0)).toBe(30);
      expect(await t.lake.ledger.counts()).toEqual({ pending: 30, claimed: 0, done: 0 });
      expect(await other.ledger.counts()).toEqual({ pending: 30, claimed: 0, done: 0 });
    } finally {
      await other.close();
    }
  });
});
