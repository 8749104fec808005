import type { SourceDefinition } from './loader.ts';
import type { KeyFilter } from './schema.ts';

/** How one raw key maps to the source definitions. */
export type SourceMatch =
  /** `source` owns the key; `others` also match it, at a lower priority. */
  | {
      kind: 'match';
      source: SourceDefinition;
      groups: Record<string, string | undefined>;
      others: readonly SourceDefinition[];
    }
  /** A skip pattern of `source` matches: the key is never data (a digest, a health check). */
  | { kind: 'skip'; source: SourceDefinition }
  /** Several definitions of the same, highest priority match: nothing says which one wins. */
  | { kind: 'ambiguous'; sources: SourceDefinition[] }
  | { kind: 'none' };

const compiled = new WeakMap<KeyFilter, RegExp>();

function passes(filter: KeyFilter, value: string | undefined): boolean {
  const v = value ?? '';
  if (filter.in !== undefined) return filter.in.includes(v);
  if (filter.not_in !== undefined) return !filter.not_in.includes(v);
  let re = compiled.get(filter);
  if (re === undefined) {
    re = new RegExp((filter.matches ?? filter.not_matches) as string);
    compiled.set(filter, re);
  }
  return re.test(v) === (filter.matches !== undefined);
}

const NO_GROUPS: Record<string, string | undefined> = Object.freeze({});
const EMPTY: readonly SourceDefinition[] = Object.freeze([]);

/** The named captures of `key` when it is the source's (pattern and key filters), else `undefined`. */
export function keyGroups(
  source: SourceDefinition,
  key: string,
): Record<string, string | undefined> | undefined {
  const m = source.keyRegex.exec(key);
  if (m === null) return undefined;
  const groups = m.groups ?? NO_GROUPS;
  for (const f of source.raw.key_filters) if (!passes(f, groups[f.capture])) return undefined;
  return groups;
}

/**
 * Which source owns a key: the one rule of precedence, shared by addapart, transform and
 * `sources test`. Every definition is tried; the highest `priority` among those whose key pattern
 * and key filters accept the key wins. A tie at the top is `ambiguous`, never a silent pick by load
 * order. A skip pattern applies unless a definition of higher priority claims the key. One pass,
 * no allocation for a key only one definition matches (addapart's hot path).
 */
export function matchSource(key: string, sources: readonly SourceDefinition[]): SourceMatch {
  let best: SourceDefinition | undefined;
  let bestGroups: Record<string, string | undefined> = NO_GROUPS;
  // New arrays only when a second definition matches: the common case allocates none.
  let tied: readonly SourceDefinition[] = EMPTY;
  let others: readonly SourceDefinition[] = EMPTY;
  let skip: SourceDefinition | undefined;
  for (const source of sources) {
    const priority = source.raw.priority;
    if (source.skipRegexes.length > 0 && source.skipRegexes.some((r) => r.test(key))) {
      if (skip === undefined || priority > skip.raw.priority) skip = source;
      continue;
    }
    const groups = keyGroups(source, key);
    if (groups === undefined) continue;
    if (best === undefined) {
      best = source;
      bestGroups = groups;
    } else if (priority > best.raw.priority) {
      others = [...others, best, ...tied];
      tied = EMPTY;
      best = source;
      bestGroups = groups;
    } else if (priority === best.raw.priority) {
      tied = [...tied, source];
    } else {
      others = [...others, source];
    }
  }
  if (skip !== undefined && (best === undefined || skip.raw.priority >= best.raw.priority))
    return { kind: 'skip', source: skip };
  if (best === undefined) return { kind: 'none' };
  if (tied.length > 0) return { kind: 'ambiguous', sources: [best, ...tied] };
  return { kind: 'match', source: best, groups: bestGroups, others };
}

/** A key that several definitions claim with nothing saying which wins. */
export interface PrecedenceConflict {
  key: string;
  /** The definition whose `example_keys` (or sample) the key is. */
  from: string;
  sources: string[];
}

/**
 * The conflicts the definitions' own example keys reveal: each example key is matched against
 * every definition. Run at start-up (loadSources), by `sources validate` and by `sources test`
 * (there also on the sample keys), so an overlap is found before data is misrouted.
 */
export function precedenceConflicts(
  sources: readonly SourceDefinition[],
  extraKeys: readonly { key: string; from: string }[] = [],
): PrecedenceConflict[] {
  const keys = [
    ...sources.flatMap((s) => s.raw.example_keys.map((key) => ({ key, from: s.name }))),
    ...extraKeys,
  ];
  const conflicts: PrecedenceConflict[] = [];
  const done = new Set<string>();
  for (const { key, from } of keys) {
    if (done.has(key)) continue;
    done.add(key);
    const m = matchSource(key, sources);
    if (m.kind === 'ambiguous') conflicts.push({ key, from, sources: m.sources.map((s) => s.name) });
  }
  return conflicts;
}

/** One line per conflict, with the ways out. */
export function describeConflict(c: PrecedenceConflict): string {
  return `key ${c.key} (from ${c.from}) is matched by ${c.sources.join(' and ')} at the same priority (hint: give the definition that should win a higher raw.priority, or narrow the other with raw.key_filters; for a built-in, set sourceOverrides.<name>.key_filters in loglake.config.json)`;
}
