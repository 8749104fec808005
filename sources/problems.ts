import type { z } from 'zod';
import { closest } from './closest.ts';
import { definitionCrossChecks } from './crossChecks.ts';
import { sourceDefinitionSchema } from './schema.ts';

/** One thing wrong (or worth a look) in a definition file, with where and how to fix it. */
export interface DefinitionProblem {
  severity: 'error' | 'warning';
  /** The file (or `inline`). */
  origin: string;
  /** Dot path inside the definition, `(root)` for the top level. */
  path: string;
  message: string;
  hint?: string;
}

/** `file: path: message (hint: …)`, one line per problem. */
export function formatProblem(p: DefinitionProblem): string {
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${p.origin}: ${tag}${p.path}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`;
}

type AnySchema = z.core.$ZodType;

/** The field names the schema allows at `path`, for "did you mean" hints. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node: AnySchema | undefined = sourceDefinitionSchema;
  const unwrap = (n: AnySchema): AnySchema => {
    let x = n;
    for (;;) {
      const def = x._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
      if (def.innerType !== undefined) x = def.innerType;
      else if (def.type === 'pipe' && def.in !== undefined) x = def.in;
      else return x;
    }
  };
  for (const step of path) {
    if (node === undefined) return [];
    const def = unwrap(node)._zod.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (def.type === 'object' && typeof step === 'string') node = def.shape?.[step];
    else if (def.type === 'array') node = def.element;
    else return [];
  }
  if (node === undefined) return [];
  const def = unwrap(node)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  const params = (issue as { params?: { hint?: unknown } }).params;
  if (typeof params?.hint === 'string') return params.hint;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    const guesses = issue.keys.map((k) => closest(k, known)).filter((g): g is string => g !== undefined);
    if (guesses.length > 0) return `did you mean ${guesses.join(', ')}?`;
    return known.length > 0 ? `allowed here: ${known.join(', ')}` : undefined;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'this field is required';
  if (issue.code === 'invalid_format' && issue.path.at(-1) !== 'name' && issue.path.includes('path'))
    return 'a dot path of field names as they are spelled in the event (case matters), e.g. httpRequest.clientIp';
  if (issue.code === 'invalid_format' && issue.path.at(-1) === 'name')
    return 'lower-case letters, digits and _, starting with a letter or _';
  return undefined;
}

/**
 * Every problem of a definition at once: the schema's issues with a hint each, plus the
 * cross-field checks even where the schema already failed (zod runs refinements only on input
 * that parsed), so one `sources validate` run shows the whole list.
 */
export function definitionProblems(value: unknown, origin: string): DefinitionProblem[] {
  const result = sourceDefinitionSchema.safeParse(value);
  if (result.success) return [];
  const where = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : '(root)');
  const problems: DefinitionProblem[] = result.error.issues.map((issue) => ({
    severity: 'error',
    origin,
    path: where(issue.path),
    message: issue.message,
    hint: hintFor(issue),
  }));
  const seen = new Set(problems.map((p) => `${p.path}\n${p.message}`));
  for (const issue of definitionCrossChecks(value)) {
    const p: DefinitionProblem = {
      severity: 'error',
      origin,
      path: where(issue.path),
      message: issue.message,
      hint: issue.hint,
    };
    if (!seen.has(`${p.path}\n${p.message}`)) problems.push(p);
  }
  return problems;
}
