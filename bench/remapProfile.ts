import type { CpuProfile } from './summariseProfile.ts';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one source-map segment (base64 VLQ numbers). */
function decodeSegment(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const d = DIGIT.get(ch);
    if (d === undefined) continue;
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/** Generated `[line, column]` → original line (0-based), from a source map's `mappings`. */
export function originalLines(mappings: string): (line: number, column: number) => number | undefined {
  const lines: { col: number; srcLine: number }[][] = [];
  let srcLine = 0;
  for (const text of mappings.split(';')) {
    const row: { col: number; srcLine: number }[] = [];
    let col = 0;
    for (const seg of text.split(',')) {
      if (seg === '') continue;
      const v = decodeSegment(seg);
      col += v[0] ?? 0;
      if (v.length >= 4) {
        srcLine += v[2] ?? 0;
        row.push({ col, srcLine });
      }
    }
    lines.push(row);
  }
  return (line, column) => {
    const row = lines[line];
    if (row === undefined || row.length === 0) return undefined;
    let best: number | undefined;
    for (const m of row) {
      if (m.col > column) break;
      best = m.srcLine;
    }
    return best ?? row[0]?.srcLine;
  };
}

/** The `mappings` of a script's inline (data URL) source map, if it has one. */
export function inlineMappings(source: string): string | undefined {
  const m =
    /\/\/# sourceMappingURL=data:application\/json(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\s*$/.exec(
      source,
    );
  if (m === null) return undefined;
  const map = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { mappings?: string };
  return map.mappings;
}

/**
 * Rewrites the line numbers of a CPU profile's call frames from the generated code the TypeScript
 * loader ran to the `.ts` source, using each script's inline source map; frames without one are left
 * alone. `sources` maps script ids to the generated source text.
 */
export function remapProfile(profile: CpuProfile, sources: ReadonlyMap<string, string>): CpuProfile {
  const lookups = new Map<string, ((line: number, column: number) => number | undefined) | undefined>();
  for (const node of profile.nodes) {
    const f = node.callFrame as CpuProfile['nodes'][number]['callFrame'] & { scriptId?: string };
    if (f.scriptId === undefined || !sources.has(f.scriptId)) continue;
    if (!lookups.has(f.scriptId)) {
      const mappings = inlineMappings(sources.get(f.scriptId)!);
      lookups.set(f.scriptId, mappings ? originalLines(mappings) : undefined);
    }
    const line = lookups.get(f.scriptId)?.(f.lineNumber, f.columnNumber);
    if (line !== undefined) f.lineNumber = line;
  }
  return profile;
}
