import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../lake/errors.ts';
import type { QueryEngine } from '../lake/ports.ts';
import { quoteIdent } from '../lake/sqlQuote.ts';

/** One line of the directory: an employee identity and the identity of their manager. */
export interface DirectoryEntry {
  identity: string;
  manager: string;
}

const entrySchema = z.object({ identity: z.string().trim().min(1), manager: z.string().trim().min(1) });
const fileSchema = z.object({ employees: z.array(entrySchema) }).strict();

/** Trimmed, lower-case: the form {@link employeeIdentity} gives. */
const norm = (s: string) => s.trim().toLowerCase();

/**
 * Parses a directory file: JSON (`{"employees":[{"identity":…,"manager":…}]}`) or CSV with the header
 * `identity,manager`. One person with several identities (a sign-in e-mail and a source identity) has
 * one line per identity.
 */
export function parseDirectory(text: string, name = 'directory'): DirectoryEntry[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (cause) {
      throw new ConfigError(`${name}: not valid JSON`, { file: name }, { cause });
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`${name}: ${issue.path.join('.')}: ${issue.message}`, { file: name });
    }
    return parsed.data.employees.map((e) => ({ identity: norm(e.identity), manager: norm(e.manager) }));
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines.shift()?.split(',').map(norm);
  if (header?.[0] !== 'identity' || header[1] !== 'manager') {
    throw new ConfigError(`${name}: CSV must start with the header identity,manager`, { file: name });
  }
  return lines.map((line, i) => {
    const [identity = '', manager = ''] = line.split(',').map((s) => s.trim());
    if (identity === '' || manager === '')
      throw new ConfigError(`${name}: line ${i + 2}: identity and manager must both be set`, { file: name });
    return { identity: norm(identity), manager: norm(manager) };
  });
}

/** Reads a directory file (see {@link parseDirectory}). */
export async function loadDirectoryFile(path: string): Promise<DirectoryEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`directory file not readable: ${path}`, { file: path }, { cause });
  }
  return parseDirectory(text, path);
}

/** Reads the directory from a lake table with string columns `identity` and `manager`. */
export async function loadDirectoryTable(engine: QueryEngine, table: string): Promise<DirectoryEntry[]> {
  const result = await engine.query(`SELECT identity, manager FROM ${quoteIdent(table)}`);
  return result.rows
    .filter((r) => typeof r.identity === 'string' && typeof r.manager === 'string')
    .map((r) => ({ identity: norm(r.identity as string), manager: norm(r.manager as string) }));
}

/**
 * The employee identities a manager reviews: their direct reports, and with `transitive` the reports
 * of those reports, and so on (a cycle in the directory ends the walk). A manager is never in their
 * own team, so nobody reviews their own sessions.
 */
export function teamOf(entries: readonly DirectoryEntry[], manager: string, transitive = false): Set<string> {
  const reports = new Map<string, string[]>();
  for (const e of entries) reports.set(e.manager, [...(reports.get(e.manager) ?? []), e.identity]);
  const me = norm(manager);
  const team = new Set<string>();
  const queue = [me];
  while (queue.length > 0) {
    const next = queue.shift()!;
    for (const r of reports.get(next) ?? []) {
      if (r === me || team.has(r)) continue;
      team.add(r);
      if (transitive) queue.push(r);
    }
  }
  return team;
}
