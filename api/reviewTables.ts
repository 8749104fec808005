import type { Lake } from '../lake/lake.ts';
import type { ColumnDef } from '../lake/ports.ts';
import { AppendTable } from './appendTable.ts';

/** Table of managers' decisions, one row per decision; a later one supersedes, never erases. */
export const REVIEWS_TABLE = 'loglake_session_reviews';
/** Table of every API read and decision, including refusals. */
export const ACCESS_LOG_TABLE = 'loglake_access_log';

const REVIEW_COLUMNS: ColumnDef[] = [
  { name: 'decision_id', type: 'string' },
  { name: 'session_ref', type: 'string', comment: 'sessionid, or the eventid of a StartSession without one' },
  { name: 'decision', type: 'string', comment: 'justified | not_justified' },
  { name: 'comment', type: 'string' },
  { name: 'reviewer', type: 'string' },
  { name: 'decided_at', type: 'timestamp' },
  { name: 'decided_ms', type: 'bigint', comment: 'decided_at in epoch ms, strictly increasing per server' },
];

const ACCESS_COLUMNS: ColumnDef[] = [
  { name: 'request_id', type: 'string' },
  { name: 'logged_at', type: 'timestamp' },
  { name: 'actor', type: 'string', comment: 'token subject; null when no valid token' },
  { name: 'action', type: 'string', comment: 'method and route, e.g. GET /sessions/{id}' },
  { name: 'target', type: 'string', comment: 'the session reference asked for' },
  { name: 'status', type: 'bigint' },
  { name: 'result', type: 'string' },
  { name: 'detail', type: 'string', comment: 'JSON: validated filters, decision, or refusal reason' },
  { name: 'source_ip', type: 'string' },
];

/** The two append-only tables of session review. */
export interface ReviewTables {
  reviews: AppendTable;
  accessLog: AppendTable;
}

/** Opens (and registers in the catalog) the review and access-log tables. */
export async function openReviewTables(lake: Lake): Promise<ReviewTables> {
  const tables = {
    reviews: new AppendTable(lake, REVIEWS_TABLE, REVIEW_COLUMNS),
    accessLog: new AppendTable(lake, ACCESS_LOG_TABLE, ACCESS_COLUMNS),
  };
  await tables.reviews.ensure();
  await tables.accessLog.ensure();
  return tables;
}
