import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './renderMarkdown.ts';
import { renderSvg } from './renderSvg.ts';
import type { BenchResult } from './types.ts';

/** Paths of the files one run wrote. */
export interface WrittenResults {
  json: string;
  latestJson: string;
  markdown: string;
  svg: string;
}

/** Writes a file whole or not at all (temporary name, then rename). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * Writes a run's results into `dir`: `<timestamp>.json` (kept), and `latest.json`, `latest.md` and
 * `latest.svg` (replaced by every run).
 */
export async function writeResults(dir: string, result: BenchResult): Promise<WrittenResults> {
  await mkdir(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const paths: WrittenResults = {
    json: join(dir, `${stamp}.json`),
    latestJson: join(dir, 'latest.json'),
    markdown: join(dir, 'latest.md'),
    svg: join(dir, 'latest.svg'),
  };
  await writeAtomic(paths.json, json);
  await writeAtomic(paths.latestJson, json);
  await writeAtomic(paths.markdown, renderMarkdown(result));
  await writeAtomic(paths.svg, renderSvg(result));
  return paths;
}
