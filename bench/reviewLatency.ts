import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { drainQueue } from '../addapart/drainQueue.ts';
import { embeddedReviewPaths, ensureLocalKey, mintToken } from '../api/index.ts';
import { startReviewServer } from '../api/server.ts';
import { demoDirectory } from '../cli/demoDirectory.ts';
import { filesFromPaths, landFiles } from '../ingest/land.ts';
import { configSchema } from '../lake/config.ts';
import { openLake } from '../lake/openLake.ts';
import { runTransform } from '../transform/runTransform.ts';
import { machineInfo } from './machineInfo.ts';
import { DEFAULT_DATASET, prepareDataset } from './prepareDataset.ts';
import type { MachineInfo } from './types.ts';

/** Options of {@link runReviewBench}. */
export interface ReviewBenchOptions {
  /** Uncompressed MB per source of the data set (the bench's M is 200). */
  mb: number;
  seed?: number;
  cacheDir?: string;
  workDir?: string;
  /** Timed requests per endpoint, after `warmup` untimed ones. Default 300 and 30. */
  requests?: number;
  warmup?: number;
  /** Keystroke lines of the large session. Default 1,000. */
  lines?: number;
  /** Reuse the work lake of an earlier run with the same settings (skips land and transform). */
  reuse?: boolean;
}

export interface LatencyStats {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * CPU time of this process (server, DuckDB's threads and the client) per request: what a request
   * costs whatever else the machine runs, which wall-clock latency on a shared machine does not show.
   */
  cpuP50Ms: number;
  cpuP99Ms: number;
}

export interface ReviewBenchResult {
  machine: MachineInfo;
  dataset: {
    mbPerSource: number;
    seed: number;
    cloudtrailRows: number;
    cloudwatchRows: number;
    sessionsListed: number;
  };
  getSession: LatencyStats & { lines: number };
  listSessions: LatencyStats;
  targetP99Ms: number;
  met: boolean;
}

const BENCH_SESSION = 'bench-employee-0b1c2d3e4f5a6b7c8';
const BENCH_ARN =
  'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/bench-employee@example.com';

/** A StartSession and a Firehose file of `lines` keystroke lines, one log event each. */
function largeSession(lines: number): { key: string; body: Buffer }[] {
  const start = Date.parse('2026-11-02T09:00:00Z');
  const record = {
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', arn: BENCH_ARN, accountId: '111122223333' },
    eventTime: '2026-11-02T09:00:00Z',
    eventSource: 'ssm.amazonaws.com',
    eventName: 'StartSession',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.7',
    requestParameters: { target: 'i-0abc1234def567890' },
    responseElements: { sessionId: BENCH_SESSION },
    eventID: '00000000-0000-4000-8000-00000000be01',
    recipientAccountId: '111122223333',
    eventType: 'AwsApiCall',
  };
  const events = Array.from({ length: lines }, (_, i) => ({
    id: `38${String(i).padStart(54, '0')}`,
    timestamp: start + 1000 + i * 500,
    message: JSON.stringify({
      eventVersion: '1.0',
      eventTime: new Date(start + 1000 + i * 500).toISOString().replace(/\.\d+Z$/, 'Z'),
      awsRegion: 'eu-west-1',
      target: { id: 'i-0abc1234def567890' },
      userIdentity: { arn: BENCH_ARN },
      runAsUser: 'ssm-user',
      sessionId: BENCH_SESSION,
      sessionData: [`$ echo line ${i} && ls -la /var/log/app-${i % 17}`],
    }),
  }));
  const envelope = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/aws/ssm/sessionlogs',
    logStream: BENCH_SESSION,
    subscriptionFilters: ['ssm-to-firehose'],
    logEvents: events,
  });
  return [
    {
      key: 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/02/111122223333_CloudTrail_eu-west-1_20261102T0900Z_BenchLarge0001.json.gz',
      body: gzipSync(JSON.stringify({ Records: [record] })),
    },
    {
      key: 'cloudwatch/bench/2026/11/02/09/bench-1-2026-11-02-09-00-00-0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e',
      body: gzipSync(envelope),
    },
  ];
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const round = (n: number) => Number(n.toFixed(2));

function stats(samples: { wall: number; cpu: number }[]): LatencyStats {
  const wall = samples.map((s) => s.wall).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpu).sort((a, b) => a - b);
  return {
    requests: wall.length,
    p50Ms: round(quantile(wall, 0.5)),
    p99Ms: round(quantile(wall, 0.99)),
    maxMs: round(wall[wall.length - 1]!),
    cpuP50Ms: round(quantile(cpu, 0.5)),
    cpuP99Ms: round(quantile(cpu, 0.99)),
  };
}

async function time(url: string, token: string, n: number, warmup: number) {
  const out: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r.status !== 200) throw new Error(`${url}: status ${r.status}`);
    if (i >= warmup) out.push({ wall, cpu: (c.user + c.system) / 1000 });
  }
  return out;
}

/**
 * Latency of the review API on the embedded lake, over HTTP on loopback (routing, token
 * verification, the queries and the access-log append included): `GET /sessions/{id}` of a session
 * with 1,000 keystroke lines, and `GET /sessions` (one page of 50) over the bench's data set.
 */
export async function runReviewBench(opts: ReviewBenchOptions): Promise<ReviewBenchResult> {
  const { mb, seed = 1, requests = 300, warmup = 30, lines = 1000 } = opts;
  const cacheDir = opts.cacheDir ?? join('bench', '.cache');
  const dir = opts.workDir ?? join('bench', '.cache', `review-lake-${seed}-${mb}mb`);
  const datasetOptions = { seed, mbPerSource: mb, ...DEFAULT_DATASET };
  const dataset = await prepareDataset(cacheDir, datasetOptions);
  const marker = join(dir, `bench-ready-${lines}`);
  const reused = opts.reuse === true && existsSync(marker);
  if (!reused) await rm(dir, { recursive: true, force: true });
  const lake = await openLake(configSchema.parse({ mode: 'embedded', embedded: { dir } }));
  try {
    if (!reused) {
      for (const source of ['cloudtrail', 'cloudwatch'])
        await landFiles(lake.raw, filesFromPaths([join(dataset.dir, source)], source));
      await landFiles(lake.raw, largeSession(lines));
      await drainQueue(lake);
      await runTransform(lake);
      await writeFile(marker, '');
    }
    const paths = embeddedReviewPaths(lake.config);
    const entries = [
      ...demoDirectory(datasetOptions),
      { identity: 'bench-employee@example.com', manager: 'manager-a' },
    ];
    await mkdir(join(dir, 'review'), { recursive: true });
    await writeFile(paths.directory, JSON.stringify({ employees: entries }));
    const token = await mintToken(await ensureLocalKey(paths.key), { subject: 'manager-a' });
    const engine = await lake.openQueryEngine();
    const count = async (t: string) =>
      Number((await engine.query(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
    const cloudtrailRows = await count('from_cloudtrail_readready');
    const cloudwatchRows = await count('from_cloudwatch_readready');
    await engine.close();
    const server = await startReviewServer(lake, { port: 0 });
    try {
      const detailUrl = `${server.url}/sessions/${BENCH_SESSION}`;
      const detail = (await (
        await fetch(detailUrl, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        lines: unknown[];
      };
      if (detail.lines.length !== lines)
        throw new Error(`the large session has ${detail.lines.length} lines`);
      const listUrl = `${server.url}/sessions?from=2026-10-01T00:00:00Z&limit=50`;
      const listed = (await (
        await fetch(listUrl, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        sessions: unknown[];
      };
      const getSession = { ...stats(await time(detailUrl, token, requests, warmup)), lines };
      const listSessions = stats(await time(listUrl, token, requests, warmup));
      const targetP99Ms = 100;
      return {
        machine: machineInfo(),
        dataset: {
          mbPerSource: mb,
          seed,
          cloudtrailRows,
          cloudwatchRows,
          sessionsListed: listed.sessions.length,
        },
        getSession,
        listSessions,
        targetP99Ms,
        met: getSession.p99Ms < targetP99Ms && listSessions.p99Ms < targetP99Ms,
      };
    } finally {
      await server.close();
    }
  } finally {
    await lake.close();
  }
}
