import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { SourceDefinitionError } from '../lake/errors.ts';
import type { ContentFilter } from '../transform/contentFilter.ts';
import { type SourceDefinitionParsed, sourceDefinitionSchema } from './schema.ts';

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

/** Folder of the built-in definitions (CloudTrail, CloudWatch): the same format users write. */
export const BUILTIN_SOURCES_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

/**
 * Validates one definition. Errors name the origin and the path of each mistake, e.g.
 * `bedrock.yaml: readready.columns.3.type: Invalid option`.
 */
export function parseSourceDefinition(value: unknown, origin = 'inline'): SourceDefinition {
  const result = sourceDefinitionSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${origin}: ${where}: ${issue.message}`;
    });
    throw new SourceDefinitionError(lines.join('\n'), { origin, issues: result.error.issues.length });
  }
  const def = result.data;
  return {
    ...def,
    rawTable: def.raw.table ?? `from_${def.name}_raw`,
    readreadyTable: def.readready.table ?? `from_${def.name}_readready`,
    keyRegex: new RegExp(def.raw.key_pattern),
    skipRegexes: def.raw.skip_patterns.map((p) => new RegExp(p)),
    ...(def.raw.claim_pattern !== undefined ? { claimRegex: new RegExp(def.raw.claim_pattern) } : {}),
    origin,
  };
}

/** Reads and validates one YAML or JSON definition file. */
export async function loadSourceFile(file: string): Promise<SourceDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new SourceDefinitionError(`${file}: cannot read: ${(cause as Error).message}`, { file }, { cause });
  }
  let value: unknown;
  try {
    value = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new SourceDefinitionError(
      `${file}: not valid YAML/JSON: ${(cause as Error).message}`,
      { file },
      { cause },
    );
  }
  return parseSourceDefinition(value, file);
}

/**
 * Loads the built-in definitions, then those in `dirs` (a later definition with the same name
 * replaces an earlier one, so a team can override a built-in). Names must map to distinct tables.
 */
export async function loadSources(dirs: readonly string[] = []): Promise<SourceDefinition[]> {
  const byName = new Map<string, SourceDefinition>();
  for (const dir of [BUILTIN_SOURCES_DIR, ...dirs]) {
    const files = (await readdir(dir))
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json'))
      .sort();
    for (const file of files) {
      const def = await loadSourceFile(join(dir, file));
      byName.set(def.name, def);
    }
  }
  return [...byName.values()];
}
