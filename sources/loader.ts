import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { SourceDefinitionError } from '../lake/errors.ts';
import { describeConflict, precedenceConflicts } from './match.ts';
import { type DefinitionProblem, definitionProblems, formatProblem } from './problems.ts';
import { type KeyFilter, type SourceDefinitionParsed, sourceDefinitionSchema } from './schema.ts';

/** One rule of the central filter applied to a readready column, at transform. */
export interface ContentFilter {
  /** The readready column holding the account (or region) of a row. */
  column: string;
  /** The skip reason of a refused row. */
  reason: 'filtered_account' | 'filtered_region';
  allow?: readonly string[];
  deny?: readonly string[];
}

/** A validated source definition with its derived names and compiled patterns. */
export interface SourceDefinition extends SourceDefinitionParsed {
  rawTable: string;
  readreadyTable: string;
  keyRegex: RegExp;
  skipRegexes: RegExp[];
  /** The central filter's rules on this source's rows (set by transform from the configuration). */
  contentFilters?: ContentFilter[];
  /** Compiled `raw.claim_pattern`, when the source has one. */
  claimRegex?: RegExp;
  /** Where the definition came from (a file path, or `inline`). */
  origin: string;
}

/** Settings that narrow a loaded definition (a built-in, typically) from configuration. */
export interface SourceOverride {
  priority?: number;
  /** Added to the definition's own key filters. */
  key_filters?: KeyFilter[];
}

/** Folder of the built-in definitions (CloudTrail, CloudWatch): the same format users write. */
export const BUILTIN_SOURCES_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

function definitionError(problems: DefinitionProblem[], origin: string): SourceDefinitionError {
  return new SourceDefinitionError(problems.map(formatProblem).join('\n'), {
    origin,
    issues: problems.length,
    problems,
  });
}

/**
 * Validates one definition. Every mistake is reported at once, one per line, each with the origin,
 * the path and a hint, e.g. `bedrock.yaml: readready.columns.3.type: Invalid option … (hint: …)`.
 */
export function parseSourceDefinition(value: unknown, origin = 'inline'): SourceDefinition {
  const result = sourceDefinitionSchema.safeParse(value);
  if (!result.success) throw definitionError(definitionProblems(value, origin), origin);
  const def = result.data;
  // `message_format: json` is the long name of `parse_message: true`; the decoders read the latter.
  const decode = def.decode.message_format === 'json' ? { ...def.decode, parse_message: true } : def.decode;
  return {
    ...def,
    decode,
    rawTable: def.raw.table ?? `from_${def.name}_raw`,
    readreadyTable: def.readready.table ?? `from_${def.name}_readready`,
    keyRegex: new RegExp(def.raw.key_pattern),
    skipRegexes: def.raw.skip_patterns.map((p) => new RegExp(p)),
    ...(def.raw.claim_pattern !== undefined ? { claimRegex: new RegExp(def.raw.claim_pattern) } : {}),
    origin,
  };
}

/** The Parquet tables transform writes for a source: its readready table, then its extracts. */
export function readreadyTablesOf(source: SourceDefinition): string[] {
  return [source.readreadyTable, ...source.readready.extracts.map((e) => e.table)];
}

/** Parses the text of a YAML or JSON definition file (JSON by the `.json` suffix). */
export function parseSourceText(text: string, file: string): SourceDefinition {
  let value: unknown;
  try {
    value = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new SourceDefinitionError(
      `${file}: (root): not valid YAML/JSON: ${(cause as Error).message}`,
      { file },
      { cause },
    );
  }
  return parseSourceDefinition(value, file);
}

/** Reads and validates one YAML or JSON definition file. */
export async function loadSourceFile(file: string): Promise<SourceDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new SourceDefinitionError(`${file}: cannot read: ${(cause as Error).message}`, { file }, { cause });
  }
  return parseSourceText(text, file);
}

/** Applies configured overrides by source name; an override of a source that is not loaded is an error. */
export function applyOverrides(
  sources: readonly SourceDefinition[],
  overrides: Readonly<Record<string, SourceOverride>>,
): SourceDefinition[] {
  const names = new Set(sources.map((s) => s.name));
  const unknown = Object.keys(overrides).filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new SourceDefinitionError(
      unknown
        .map((n) => `sourceOverrides.${n}: no source named ${n} (loaded: ${[...names].join(', ')})`)
        .join('\n'),
      { unknown },
    );
  }
  return sources.map((s) => {
    const o = overrides[s.name];
    if (o === undefined) return s;
    return {
      ...s,
      raw: {
        ...s.raw,
        priority: o.priority ?? s.raw.priority,
        key_filters: [...s.raw.key_filters, ...(o.key_filters ?? [])],
      },
    };
  });
}

/**
 * Fails when the definitions' example keys show two definitions claiming the same key at the same
 * priority, listing every such key (see {@link precedenceConflicts}).
 */
export function assertPrecedence(sources: readonly SourceDefinition[]): void {
  const conflicts = precedenceConflicts(sources);
  if (conflicts.length > 0) {
    throw new SourceDefinitionError(conflicts.map(describeConflict).join('\n'), {
      conflicts: conflicts.length,
    });
  }
}

/**
 * Loads the built-in definitions, then those in `dirs` (a later definition with the same name
 * replaces an earlier one, so a team can override a built-in), applies `overrides`, and checks
 * precedence. Every invalid file is reported, not only the first.
 */
export async function loadSources(
  dirs: readonly string[] = [],
  opts: {
    overrides?: Readonly<Record<string, SourceOverride>>;
    /** Off for tools that report conflicts themselves (`sources validate`, `sources test`). */
    checkPrecedence?: boolean;
  } = {},
): Promise<SourceDefinition[]> {
  const byName = new Map<string, SourceDefinition>();
  const errors: string[] = [];
  for (const dir of [BUILTIN_SOURCES_DIR, ...dirs]) {
    const files = (await readdir(dir))
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json'))
      .sort();
    for (const file of files) {
      try {
        const def = await loadSourceFile(join(dir, file));
        byName.set(def.name, def);
      } catch (err) {
        if (!(err instanceof SourceDefinitionError)) throw err;
        errors.push(err.message);
      }
    }
  }
  if (errors.length > 0) throw new SourceDefinitionError(errors.join('\n'), { files: errors.length });
  const sources = applyOverrides([...byName.values()], opts.overrides ?? {});
  if (opts.checkPrecedence ?? true) assertPrecedence(sources);
  return sources;
}
