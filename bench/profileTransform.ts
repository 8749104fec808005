import { mkdir, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { configSchema } from '../lake/config.ts';
import { openLake } from '../lake/openLake.ts';
import { runTransform, type TransformSummary } from '../transform/runTransform.ts';
import { DEFAULT_DATASET, prepareDataset } from './prepareDataset.ts';
import { prepareLake } from './prepareLake.ts';
import { remapProfile } from './remapProfile.ts';
import { BENCH_DIR } from './runBench.ts';
import { type CpuProfile, renderProfileSummary, summariseProfile } from './summariseProfile.ts';
import type { BenchSource } from './types.ts';

/** The generated code of the project's own scripts in a profile (what the TypeScript loader ran). */
async function generatedSources(session: Session, profile: CpuProfile): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const n of profile.nodes) {
    const f = n.callFrame as { url: string; scriptId?: string };
    if (f.scriptId && f.url.startsWith('file://') && !f.url.includes('/node_modules/')) ids.add(f.scriptId);
  }
  const sources = new Map<string, string>();
  await session.post('Debugger.enable');
  try {
    for (const scriptId of ids) {
      const { scriptSource } = await session.post('Debugger.getScriptSource', { scriptId });
      sources.set(scriptId, scriptSource);
    }
  } finally {
    await session.post('Debugger.disable');
  }
  return sources;
}

export interface ProfileTransformOptions {
  source: BenchSource;
  mbPerSource: number;
  seed?: number;
  workers?: number;
  cacheDir?: string;
  /** Where the `.cpuprofile` goes. */
  outDir: string;
}

/**
 * Profiles loglake's transform alone: lands one source of a cached bench data set into a fresh lake
 * and drains addapart (not profiled), then runs `runTransform` under the V8 CPU profiler (the same
 * profiler `node --cpu-prof` uses, started and stopped around the transform through the inspector)
 * and writes `transform-<source>.cpuprofile`, its line numbers mapped back to the `.ts` sources.
 * With `workers: 1` every decode stage is on the profiled thread; the Parquet writer runs on
 * DuckDB's native threads and shows as idle time here.
 */
export async function profileTransform(
  opts: ProfileTransformOptions,
): Promise<{ file: string; summary: TransformSummary; profile: CpuProfile }> {
  const dataset = await prepareDataset(resolve(opts.cacheDir ?? join(BENCH_DIR, '.cache')), {
    seed: opts.seed ?? 1,
    mbPerSource: opts.mbPerSource,
    ...DEFAULT_DATASET,
  });
  const dir = join(tmpdir(), `loglake-profile-${process.pid}`);
  try {
    await prepareLake(dir, dataset, opts.source);
    const workers = opts.workers ?? 1;
    const lake = await openLake(
      configSchema.parse({
        mode: 'embedded',
        embedded: { dir },
        transform: { workers, writerThreads: workers },
      }),
    );
    const session = new Session();
    session.connect();
    let summary: TransformSummary;
    let profile: CpuProfile;
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      summary = await runTransform(lake, { workers });
      profile = (await session.post('Profiler.stop')).profile as unknown as CpuProfile;
      profile = remapProfile(profile, await generatedSources(session, profile));
    } finally {
      session.disconnect();
      await lake.close();
    }
    await mkdir(opts.outDir, { recursive: true });
    const file = join(opts.outDir, `transform-${opts.source}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    return { file, summary, profile };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/profileTransform.ts [--source cloudwatch] [--mb 50] [--workers 1] [--out dir]`
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      source: { type: 'string', default: 'cloudtrail' },
      mb: { type: 'string', default: '50' },
      workers: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: join(tmpdir(), 'loglake-profile') },
      top: { type: 'string', default: '25' },
    },
  });
  const source = values.source === 'cloudwatch' ? 'cloudwatch' : 'cloudtrail';
  const { file, summary, profile } = await profileTransform({
    source,
    mbPerSource: Number(values.mb),
    workers: Number(values.workers),
    seed: Number(values.seed),
    outDir: values.out,
  });
  const t = summary.totals;
  process.stdout.write(
    `${source}: ${t.rows} rows in ${(summary.elapsedMs / 1000).toFixed(2)} s under the profiler ` +
      `(${Math.round(t.rows / (summary.elapsedMs / 1000))} rows/s); profile ${file}\n` +
      `stages (ms): ${Object.entries(summary.stages)
        .map(([k, v]) => `${k}=${Math.round(v)}`)
        .join(' ')}\n`,
  );
  process.stdout.write(`${renderProfileSummary(summariseProfile(profile, Number(values.top)))}\n`);
}
