import type { TableDef } from '../lake/ports.ts';
import { quoteIdent } from '../lake/sqlQuote.ts';

/** What an export takes: a day range, and optionally some sessions and/or principals. */
export interface ExportSelection {
  /** First calendar day, `YYYY-MM-DD` (UTC). */
  from: string;
  /** Last calendar day, inclusive. */
  to: string;
  /** Session ids (or `review_id`s: the eventid of a StartSession without a session id). */
  sessions?: readonly string[];
  /** Principal ARNs (`useridentity_arn`). */
  principals?: readonly string[];
}

/** The statement that selects one table's rows from its source relation, with its bound values. */
export interface SelectionQuery {
  sql: string;
  params: string[];
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The SELECT of one readready table's exported rows from `source` (a relation over its published
 * files). Rows are in the day range and, when sessions or principals are given, belong to one of
 * them: a CloudTrail row by its `sessionid`, `eventid` (a failed StartSession) or
 * `useridentity_arn`; a CloudWatch row by its `sessionid`, including the sessions the principals
 * started (looked up in `trailSource`). A table with neither column exports nothing then.
 */
export function selectionQuery(
  table: TableDef,
  source: string,
  sel: ExportSelection,
  trailSource: string | undefined,
): SelectionQuery {
  const cols = new Set(table.columns.map((c) => c.name));
  const sessions = sel.sessions ?? [];
  const principals = sel.principals ?? [];
  const params: string[] = [sel.from, sel.to];
  const anyOf: string[] = [];
  if (sessions.length > 0) {
    if (cols.has('sessionid')) {
      anyOf.push(`sessionid IN (${marks(sessions.length)})`);
      params.push(...sessions);
    }
    if (cols.has('eventid')) {
      anyOf.push(`eventid IN (${marks(sessions.length)})`);
      params.push(...sessions);
    }
  }
  if (principals.length > 0) {
    if (cols.has('useridentity_arn')) {
      anyOf.push(`useridentity_arn IN (${marks(principals.length)})`);
      params.push(...principals);
    }
    if (cols.has('sessionid') && !cols.has('eventid') && trailSource !== undefined) {
      anyOf.push(
        `sessionid IN (SELECT sessionid FROM ${trailSource} WHERE eventname = 'StartSession' ` +
          `AND useridentity_arn IN (${marks(principals.length)}))`,
      );
      params.push(...principals);
    }
  }
  const narrowed = sessions.length + principals.length > 0;
  const filter = narrowed ? ` AND (${anyOf.length > 0 ? anyOf.join(' OR ') : 'false'})` : '';
  return {
    sql: `SELECT * FROM ${source} WHERE calendarday BETWEEN ? AND ?${filter}`,
    params,
  };
}

/** Name of the temporary relation over a table's published files. */
export const sourceName = (table: string) => quoteIdent(`published_${table}`);
