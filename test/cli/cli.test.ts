import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../cli/commands/index.ts';
import { transform } from '../../cli/commands/transform.ts';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';
import { configSchema, type LoglakeConfig } from '../../lake/config.ts';

function capture(): CliIO & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l), isTTY: false };
}

async function run(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.outLines.join('\n'), err: io.errLines.join('\n'), errLines: io.errLines };
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loglake-cli-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('loglake CLI', () => {
  it('lists the commands', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const c of ['demo', 'land', 'addapart', 'transform', 'status', 'query', 'generate', 'sources'])
      expect(r.out).toContain(c);
  });

  it.each(commands.map((c) => c.name))('%s --help prints usage and exits 0', async (name) => {
    const r = await run(name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: loglake ${name}`));
    expect(r.out).toContain('--config');
  });

  it('transform opens the lake with its --workers and --engine, so DuckDB is sized for the lanes', async () => {
    const opened: LoglakeConfig[] = [];
    const base = configSchema.parse({ mode: 'embedded', embedded: { dir: join(work, 'lake') } });
    const run = transform.run({
      values: { workers: '2', engine: 'js' },
      positionals: [],
      io: capture(),
      config: () => base,
      openLake: async (c) => {
        opened.push(c ?? base);
        throw new Error('opened');
      },
    });
    await expect(run).rejects.toThrow('opened');
    expect(opened.map((c) => [c.transform.workers, c.transform.engine])).toEqual([[2, 'js']]);
  });

  it('fails with a one-line reason and a non-zero exit', async () => {
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.errLines).toEqual(['loglake: unknown command "frobnicate" (try loglake --help)']);
    const badOption = await run('status', '--no-such-option');
    expect(badOption.code).toBe(2);
    expect(badOption.errLines).toHaveLength(1);
    const badFormat = await run('query', '--dir', join(work, 'lake'), '--format', 'xml', 'SELECT 1');
    expect(badFormat.code).toBe(1);
    expect(badFormat.errLines).toEqual(['loglake query: --format must be table, json or csv, got xml']);
    const badSql = await run('query', '--dir', join(work, 'lake'), 'SELEC nonsense');
    expect(badSql.code).toBe(1);
    expect(badSql.errLines).toHaveLength(1);
    expect(badSql.errLines[0]).toMatch(/^loglake query: query failed: .*syntax error/i);
    const missingConfig = await run('status', '--config', join(work, 'nope.json'));
    expect(missingConfig.errLines).toEqual([
      `loglake status: config file not found: ${join(work, 'nope.json')}`,
    ]);
  });

  it('runs generate → land → addapart → transform → status → query on a fresh lake', async () => {
    const raw = join(work, 'raw');
    const dir = join(work, 'lake2');
    const gen = await run(
      'generate',
      '--out',
      raw,
      '--seed',
      '5',
      '--sessions',
      '4',
      '--accounts',
      '2',
      '--days',
      '1',
    );
    expect(gen.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(raw, '_manifest.json'), 'utf8'));
    const landed = await run('land', '--dir', dir, raw);
    expect(landed.out).toContain(`landed ${manifest.files.total} files`);
    const add = await run('addapart', '--dir', dir);
    expect(add.code).toBe(0);
    expect(add.out).toContain(`${manifest.files.total - manifest.files.skip} accepted`);
    const tr = await run('transform', '--dir', dir, '--max-files', '7');
    // The generator writes bad files on purpose: reconciled, but not complete, and it says so.
    expect(tr.code).toBe(3);
    expect(tr.out).toMatch(/reconciled/);
    expect(tr.out).toContain(`INCOMPLETE: ${manifest.files.bad} files quarantined whole`);
    const st = await run('status', '--dir', dir, '--runs', '1000');
    expect(st.out).toContain(`files quarantined whole in those runs (${manifest.files.bad})`);
    expect(st.out).toMatch(/landed files: 0 pending, 0 claimed, \d+ done/);
    expect(st.out).toMatch(/from_cloudtrail_readready\s+parquet\s+1/);
    const q = await run(
      'query',
      '--dir',
      dir,
      '--format',
      'json',
      'SELECT count(*)::INTEGER AS n FROM session_review',
    );
    expect(JSON.parse(q.out)).toEqual([{ n: manifest.sessions.length }]);
    const csv = await run(
      'query',
      '--dir',
      dir,
      '--format',
      'csv',
      '--param',
      manifest.sessions[0].sessionId,
      'SELECT sessionid, line_count FROM session_review WHERE sessionid = ?',
    );
    expect(csv.out).toBe(
      `sessionid,line_count\n${manifest.sessions[0].sessionId},${manifest.sessions[0].logEvents}`,
    );
  });

  it('backfills objects that are already in the raw store, without notifications, within a date range', async () => {
    // prepare: files copied straight into the raw folder, as if they predate the notifications
    const raw = join(work, 'raw-bf');
    const dir = join(work, 'lake-bf');
    await run('generate', '--out', raw, '--seed', '9', '--sessions', '2', '--accounts', '1', '--days', '2');
    const manifest = JSON.parse(await readFile(join(raw, '_manifest.json'), 'utf8'));
    await cp(raw, join(dir, 'raw'), { recursive: true, filter: (src) => !src.endsWith('_manifest.json') });
    // act
    const queued = await run('addapart', '--dir', dir);
    const firstDay = await run('addapart', '--dir', dir, '--backfill', 's3://raw/', '--to', '2026-11-01');
    const all = await run('addapart', '--dir', dir, '--backfill', '');
    const again = await run('addapart', '--dir', dir, '--backfill', '');
    const otherBucket = await run('addapart', '--dir', dir, '--backfill', 's3://elsewhere/x');
    const badDay = await run('addapart', '--dir', dir, '--backfill', '', '--from', '1 Nov');
    // assess
    expect(queued.out).toContain('0 messages');
    const accepted = manifest.files.total - manifest.files.skip;
    const created = (r: { out: string }) => Number(/(\d+) created/.exec(r.out)?.[1]);
    const recorded = (r: { out: string }) => Number(/(\d+) files recorded/.exec(r.out)?.[1]);
    expect(recorded(firstDay)).toBeGreaterThan(0);
    expect(recorded(firstDay)).toBeLessThan(accepted);
    expect(recorded(firstDay) + recorded(all)).toBe(accepted);
    expect(created(firstDay) + created(all)).toBeGreaterThan(0);
    expect(recorded(again)).toBe(0);
    expect(created(again)).toBe(0);
    expect(otherBucket.errLines).toEqual([
      'loglake addapart: --backfill s3://elsewhere/x: bucket elsewhere is neither the raw bucket nor a configured source bucket (raw)',
    ]);
    expect(badDay.code).toBe(1);
    expect(badDay.errLines).toEqual(['loglake addapart: --from must be YYYY-MM-DD, got 1 Nov']);
  });

  it('refuses --queue outside AWS mode with a one-line reason', async () => {
    const r = await run('addapart', '--dir', join(work, 'lake-q'), '--queue', 'http://127.0.0.1:1/q');
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([
      'loglake addapart: --queue needs mode aws (set "mode": "aws" in loglake.config.json or LOGLAKE_MODE=aws)',
    ]);
  });

  it('validates source definitions and prints the schema', async () => {
    const ok = await run('sources', 'validate', 'examples/sources/bedrock.yaml');
    expect(ok.out).toContain('bedrock: from_bedrock_raw → from_bedrock_readready');
    const schema = await run('sources', 'schema');
    expect(JSON.parse(schema.out).type).toBe('object');
  });
});
