import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The parts of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** One function's share of a profile. */
export interface ProfileLine {
  function: string;
  location: string;
  selfMs: number;
  selfPercent: number;
  totalMs: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function locationOf(url: string, line: number): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? relative(ROOT, fileURLToPath(url)) : url;
  return `${path}:${line + 1}`;
}

/**
 * The functions with the most self time in a V8 CPU profile (from `node --cpu-prof` or the
 * inspector), with their inclusive (total) time, aggregated by function and location.
 */
export function summariseProfile(profile: CpuProfile, top = 25): { totalMs: number; lines: ProfileLine[] } {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, deltas[i] ?? 0));
  });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'}\u0000${locationOf(f.url, f.lineNumber)}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const k = keyOf(id);
    self.set(k, (self.get(k) ?? 0) + us);
    // Inclusive time: once per distinct function on the sample's stack (recursion counted once).
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf(at);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const lines = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => {
      const [fn, location] = k.split('\u0000') as [string, string];
      return {
        function: fn,
        location,
        selfMs: us / 1000,
        selfPercent: (us / Math.max(1, totalUs)) * 100,
        totalMs: (total.get(k) ?? 0) / 1000,
      };
    });
  return { totalMs: totalUs / 1000, lines };
}

/** The summary as text lines. */
export function renderProfileSummary(s: ReturnType<typeof summariseProfile>): string {
  const out = [`sampled ${s.totalMs.toFixed(0)} ms; top functions by self time:`];
  out.push(`${'self ms'.padStart(9)} ${'self %'.padStart(6)} ${'total ms'.padStart(9)}  function (location)`);
  for (const l of s.lines) {
    out.push(
      `${l.selfMs.toFixed(1).padStart(9)} ${l.selfPercent.toFixed(1).padStart(6)} ${l.totalMs.toFixed(1).padStart(9)}  ` +
        `${l.function}${l.location ? ` (${l.location})` : ''}`,
    );
  }
  return out.join('\n');
}

// `node --import tsx bench/summariseProfile.ts <file.cpuprofile> [top]`
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: node --import tsx bench/summariseProfile.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    process.stdout.write(`${renderProfileSummary(summariseProfile(profile, Number(top ?? 25)))}\n`);
  }
}
