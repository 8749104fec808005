import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { drainQueue } from '../addapart/drainQueue.ts';
import { Prng } from '../ingest/generate/prng.ts';
import { configSchema } from '../lake/config.ts';
import { openLake } from '../lake/openLake.ts';
import { runInChild } from './runInChild.ts';

/** One single-file case: what the file held and what transforming it cost, in its own process. */
export interface MemoryCase {
  name: string;
  description: string;
  storedBytes: number;
  uncompressedBytes: number;
  peakRssBytes: number;
  elapsedMs: number;
  rows: number;
  filesQuarantined: number;
  reconciled: boolean;
}

const ACCOUNT = '111122223333';
const KEY = (name: string) =>
  `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/11/01/${ACCOUNT}_CloudTrail_eu-west-1_20261101T0815Z_${name}.json.gz`;

/** A CloudTrail file of about `mb` MB uncompressed, of varied, realistic management events. */
function bigCloudTrail(mb: number, seed: number): string {
  const p = new Prng(seed, 'memory');
  const names = [
    'AssumeRole',
    'GetObject',
    'DescribeInstances',
    'StartSession',
    'PutRolePolicy',
    'ConsoleLogin',
  ];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1e6; i++) {
    const id = `${i.toString(16).padStart(8, '0')}-${p.int(0, 0xffff).toString(16).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`;
    const record = JSON.stringify({
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE:employee-${i % 97}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Operator/employee-${i % 97}`,
        accountId: ACCOUNT,
        sessionContext: { attributes: { mfaAuthenticated: 'true', creationDate: '2026-11-01T08:00:00Z' } },
      },
      eventTime: `2026-11-01T${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:02Z`,
      eventSource: 'sts.amazonaws.com',
      eventName: names[i % names.length],
      awsRegion: 'eu-west-1',
      sourceIPAddress: `198.51.100.${i % 250}`,
      userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
      requestParameters: {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/Target-${p.int(0, 999)}`,
        roleSessionName: `session-${p.int(0, 1e9)}`,
        policy: 'x'.repeat(p.int(100, 1500)),
      },
      responseElements: { assumedRoleUser: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Target/s-${i}` } },
      requestID: id,
      eventID: id,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    });
    parts.push(record);
    size += record.length + 1;
  }
  return `{"Records":[${parts.join(',')}]}`;
}

/** Ten gzip members of 64 MiB each of one byte: a small file that decompresses to 640 MiB. */
function bomb(byte: number): Buffer {
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024, byte));
  return Buffer.concat(Array.from({ length: 10 }, () => member));
}

async function lakeWith(dir: string, key: string, body: Uint8Array): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const lake = await openLake(configSchema.parse({ mode: 'embedded', embedded: { dir } }));
  try {
    await lake.raw.put(key, body);
    await drainQueue(lake);
  } finally {
    await lake.close();
  }
}

/**
 * Peak memory of transforming one file, whatever it holds (issue 7, 12): a small file (the fixed
 * cost of a run), one CloudTrail file of `mb` MB uncompressed, and two decompression bombs. Each
 * runs `loglake transform` (default engine, one writer thread) in a fresh process; the figure is
 * that process's peak resident set, DuckDB's memory included.
 */
export async function runMemoryCases(opts: {
  workDir: string;
  mb?: number;
  log?: (line: string) => void;
}): Promise<MemoryCase[]> {
  const { workDir, mb = 300, log = () => undefined } = opts;
  await mkdir(workDir, { recursive: true });
  const cases: { name: string; description: string; body: () => Buffer; uncompressed: number }[] = [];
  const small = bigCloudTrail(0.05, 1);
  cases.push({
    name: 'small',
    description: 'one small CloudTrail file (fixed cost of a run)',
    body: () => gzipSync(small),
    uncompressed: small.length,
  });
  const big = bigCloudTrail(mb, 2);
  cases.push({
    name: `cloudtrail-${mb}mb`,
    description: `one CloudTrail file of ${mb} MB uncompressed`,
    body: () => gzipSync(big, { level: 1 }),
    uncompressed: big.length,
  });
  cases.push({
    name: 'bomb-zeros',
    description: 'gzip bomb: 640 MiB of zero bytes',
    body: () => bomb(0),
    uncompressed: 640 * 1024 * 1024,
  });
  cases.push({
    name: 'bomb-spaces',
    description: 'gzip bomb: 640 MiB of spaces',
    body: () => bomb(0x20),
    uncompressed: 640 * 1024 * 1024,
  });
  const out: MemoryCase[] = [];
  for (const c of cases) {
    const dir = join(workDir, c.name);
    const body = c.body();
    await lakeWith(dir, KEY(c.name), body);
    log(
      `memory: ${c.name} (${(body.byteLength / 1e6).toFixed(1)} MB stored, ${(c.uncompressed / 1e6).toFixed(0)} MB uncompressed)`,
    );
    const r = await runInChild({ kind: 'loglake', lakeDir: dir, workers: 1, writerThreads: 1 });
    out.push({
      name: c.name,
      description: c.description,
      storedBytes: body.byteLength,
      uncompressedBytes: c.uncompressed,
      peakRssBytes: r.peakRssBytes,
      elapsedMs: r.measure.elapsedMs,
      rows: r.measure.rows,
      filesQuarantined: r.measure.filesQuarantined ?? 0,
      reconciled: r.measure.reconciled ?? false,
    });
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

/** The cases as a Markdown table, with the peak against the 1 GB target. */
export function renderMemoryCases(cases: readonly MemoryCase[]): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  const rows = cases.map(
    (c) =>
      `| ${c.name} | ${c.description} | ${mb(c.storedBytes)} | ${mb(c.uncompressedBytes)} | ${mb(c.peakRssBytes)} | ` +
      `${(c.elapsedMs / 1000).toFixed(1)} s | ${c.rows} | ${c.filesQuarantined} | ${c.reconciled ? 'yes' : 'NO'} | ` +
      `${c.peakRssBytes < 1e9 ? 'met' : 'MISSED'} |`,
  );
  return [
    '| case | what | stored | uncompressed | peak RSS | time | rows | files quarantined | reconciled | < 1 GB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Writes the cases to `<dir>/memory-latest.json` and `.md`. */
export async function writeMemoryCases(dir: string, cases: readonly MemoryCase[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const md = join(dir, 'memory-latest.md');
  await writeFile(
    join(dir, 'memory-latest.json'),
    JSON.stringify({ at: new Date().toISOString(), cases }, null, 2),
  );
  await writeFile(
    md,
    `# Peak memory per single file (\`loglake bench --memory\`)\n\n${renderMemoryCases(cases)}\n`,
  );
  return md;
}
