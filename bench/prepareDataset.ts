import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { generateToDirectory } from '../ingest/generate/index.ts';
import type { GeneratedManifest } from '../ingest/generate/types.ts';
import type { BenchSource, DatasetSummary } from './types.ts';

/** Generator settings the bench varies; everything else is the generator's default. */
export interface DatasetOptions {
  seed: number;
  mbPerSource: number;
  accounts: number;
  days: number;
  sessions: number;
}

/** Defaults of the bench's data sets: 3 accounts, 3 days, 30 Session Manager sessions. */
export const DEFAULT_DATASET = { accounts: 3, days: 3, sessions: 30 } as const;

/** One file of a data set and what it is. */
export interface DatasetFile {
  /** The raw key: the path relative to the data set folder, with `/`. */
  key: string;
  kind: BenchSource | 'bad' | 'skip';
  compressed: number;
  /** Bytes after gunzipping every member (0 for bad and skip files). */
  uncompressed: number;
}

/** A generated data set in the cache. */
export interface Dataset {
  dir: string;
  options: DatasetOptions;
  manifest: GeneratedManifest;
  files: DatasetFile[];
  summary: DatasetSummary;
}

/** Bumped whenever the generator's output changes, so a cached data set of an older one is made again. */
const INDEX_VERSION = 2;

interface DatasetIndex {
  version: number;
  options: DatasetOptions;
  generateMs: number;
  files: DatasetFile[];
}

// Kept gzipped: `.json.gz` is outside the linter's reach, and the cache is no source.
const INDEX = '_bench-index.json.gz';
const MANIFEST = '_manifest.json.gz';
const PLAIN_MANIFEST = '_manifest.json';

const readGzipJson = async <T>(path: string): Promise<T> =>
  JSON.parse(gunzipSync(await readFile(path)).toString('utf8')) as T;
const writeGzipJson = (path: string, value: unknown) => writeFile(path, gzipSync(JSON.stringify(value)));

/** The cache folder name of a data set: `<seed>-<mb>mb`, plus the generator settings when not the defaults. */
export function datasetName(o: DatasetOptions): string {
  const base = `${o.seed}-${o.mbPerSource}mb`;
  const d = DEFAULT_DATASET;
  return o.accounts === d.accounts && o.days === d.days && o.sessions === d.sessions
    ? base
    : `${base}-a${o.accounts}d${o.days}s${o.sessions}`;
}

async function walk(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p, root)));
    else if (e.isFile()) out.push(relative(root, p).split(sep).join('/'));
  }
  return out;
}

/** Raw keys on disk lose the doubled `//` one generated key has; compare keys without it. */
const normalKey = (key: string) => key.replace(/\/{2,}/g, '/');

function kindOf(key: string, bad: Set<string>, skip: Set<string>): DatasetFile['kind'] {
  if (bad.has(key)) return 'bad';
  if (skip.has(key)) return 'skip';
  return key.startsWith('cloudtrail/') ? 'cloudtrail' : 'cloudwatch';
}

async function indexFiles(dir: string, manifest: GeneratedManifest): Promise<DatasetFile[]> {
  const bad = new Set(manifest.bad.map((b) => normalKey(b.key)));
  const skip = new Set(manifest.skipped.map(normalKey));
  const keys = (await walk(dir)).filter((k) => k !== MANIFEST && k !== INDEX && k !== PLAIN_MANIFEST).sort();
  const files: DatasetFile[] = [];
  for (const key of keys) {
    const kind = kindOf(key, bad, skip);
    const body = await readFile(join(dir, key));
    const gz = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
    const uncompressed = kind === 'bad' || kind === 'skip' ? 0 : gz ? gunzipSync(body).length : body.length;
    files.push({ key, kind, compressed: body.length, uncompressed });
  }
  return files;
}

function summarise(
  dir: string,
  options: DatasetOptions,
  manifest: GeneratedManifest,
  files: DatasetFile[],
  generated: boolean,
  generateMs: number,
): DatasetSummary {
  const of = (kind: DatasetFile['kind']) => files.filter((f) => f.kind === kind);
  const sum = (list: DatasetFile[], k: 'compressed' | 'uncompressed') => list.reduce((n, f) => n + f[k], 0);
  const ct = of('cloudtrail');
  const cw = of('cloudwatch');
  return {
    dir,
    seed: options.seed,
    mbPerSource: options.mbPerSource,
    generated,
    generateMs,
    files: { cloudtrail: ct.length, cloudwatch: cw.length },
    excludedFiles: { bad: of('bad').length, skip: of('skip').length },
    bytesCompressed: { cloudtrail: sum(ct, 'compressed'), cloudwatch: sum(cw, 'compressed') },
    bytesUncompressed: { cloudtrail: sum(ct, 'uncompressed'), cloudwatch: sum(cw, 'uncompressed') },
    events: {
      cloudtrail: manifest.events.cloudtrailRecords,
      cloudwatch: manifest.events.cloudwatchLogEvents,
    },
    controlMessages: manifest.events.controlMessages,
  };
}

/**
 * Generates a data set with the project's own generator into `<cacheDir>/<name>/`, or reuses it when
 * a complete one is there (the index file is written last, so a half-written folder is regenerated).
 * The generator's `_manifest.json` is kept as `_manifest.json.gz`.
 */
export async function prepareDataset(cacheDir: string, options: DatasetOptions): Promise<Dataset> {
  const dir = join(cacheDir, datasetName(options));
  const indexPath = join(dir, INDEX);
  const cached = existsSync(indexPath) ? await readGzipJson<DatasetIndex>(indexPath) : undefined;
  if (cached?.version === INDEX_VERSION) {
    const index = cached;
    const manifest = await readGzipJson<GeneratedManifest>(join(dir, MANIFEST));
    const summary = summarise(dir, options, manifest, index.files, false, index.generateMs);
    return { dir, options, manifest, files: index.files, summary };
  }
  await rm(dir, { recursive: true, force: true });
  const started = performance.now();
  const manifest = await generateToDirectory(dir, {
    seed: options.seed,
    accounts: options.accounts,
    days: options.days,
    sessions: options.sessions,
    targetBytesPerSource: options.mbPerSource * 1_000_000,
  });
  const generateMs = performance.now() - started;
  await writeGzipJson(join(dir, MANIFEST), manifest);
  await rm(join(dir, PLAIN_MANIFEST), { force: true });
  const files = await indexFiles(dir, manifest);
  const index: DatasetIndex = { version: INDEX_VERSION, options, generateMs, files };
  await writeGzipJson(indexPath, index);
  return {
    dir,
    options,
    manifest,
    files,
    summary: summarise(dir, options, manifest, files, true, generateMs),
  };
}

/** The keys of one source's good files: what DuckDB and the naive baseline read. */
export function goodKeys(dataset: Dataset, source: BenchSource): string[] {
  return dataset.files.filter((f) => f.kind === source).map((f) => f.key);
}

/** The largest uncompressed good file of a source, for DuckDB's `maximum_object_size`. */
export function largestFile(dataset: Dataset, source: BenchSource): number {
  return dataset.files.filter((f) => f.kind === source).reduce((m, f) => Math.max(m, f.uncompressed), 0);
}
