import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import type { QueryEngine } from '../ports.ts';
import { createViewSql, type ViewDef, viewsFor } from '../views.ts';
import { isAwsError } from './awsError.ts';

/** Whitespace-insensitive form of a view's SELECT, for comparing with what Athena stored. */
const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/**
 * The SELECT Athena stored for a view: Athena keeps views in Glue as `VIRTUAL_VIEW` tables whose
 * `ViewOriginalText` is `/* Presto View: <base64 JSON with originalSql> *\/`. Undefined when the
 * table is missing, not an Athena view, or unreadable.
 */
export async function storedViewSql(
  glue: GlueClient,
  database: string,
  name: string,
): Promise<string | undefined> {
  try {
    const out = await glue.send(new GetTableCommand({ DatabaseName: database, Name: name }));
    const text = out.Table?.ViewOriginalText ?? '';
    const m = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text.trim());
    if (out.Table?.TableType !== 'VIRTUAL_VIEW' || !m) return undefined;
    const view = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { originalSql?: string };
    return view.originalSql;
  } catch (err) {
    if (isAwsError(err, 'EntityNotFoundException')) return undefined;
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * Creates (or replaces) the shared views in Athena with `CREATE OR REPLACE VIEW`, the same text
 * DuckDB runs. A view whose stored SELECT already matches is left alone, so calling this whenever
 * the tables are ensured costs one Glue GetTable per view once they exist.
 */
export async function ensureAthenaViews(
  engine: QueryEngine,
  glue: GlueClient,
  database: string,
  tableNames: readonly string[],
): Promise<{ created: string[]; unchanged: string[] }> {
  const created: string[] = [];
  const unchanged: string[] = [];
  for (const view of viewsFor(tableNames) as ViewDef[]) {
    const stored = await storedViewSql(glue, database, view.name);
    if (stored !== undefined && normalise(stored) === normalise(view.select)) {
      unchanged.push(view.name);
      continue;
    }
    await engine.query(createViewSql(view));
    created.push(view.name);
  }
  return { created, unchanged };
}
