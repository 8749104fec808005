/**
 * The views of the lake, each written once in the SQL that DuckDB and Athena (Trino) share, so the
 * embedded engine, an export and Athena run the same text. `test/sql/dialects.test.ts` parses every
 * view with sqlglot's Trino dialect and runs it in DuckDB.
 */

/** One view: its name, what it answers, the tables it reads and its SELECT. */
export interface ViewDef {
  name: string;
  description: string;
  /** Tables the view reads; a lake without one of them gets no view. */
  requires: readonly string[];
  /** The SELECT, without `CREATE … AS`. */
  select: string;
}

/**
 * `session_review` (DESIGN §7): one row per StartSession, joined on `sessionid` to the count and
 * time span of its CloudWatch lines. A denied or failed StartSession has `responseElements: null`
 * and so no session id: it keeps `sessionid` NULL, gets its CloudTrail `eventid` as `review_id`, and
 * still appears, with its error code. `review_id` is the session id whenever there is one.
 */
export const SESSION_REVIEW: ViewDef = {
  name: 'session_review',
  description: 'one row per StartSession (failed ones included), with the count and span of its lines',
  requires: ['from_cloudtrail_readready', 'from_cloudwatch_readready'],
  select: `
WITH starts AS (
  SELECT
    coalesce(sessionid, eventid) AS review_id,
    min(sessionid) AS sessionid,
    min_by(eventid, eventtime) AS start_eventid,
    min(eventtime) AS start_time,
    min_by(useridentity_arn, eventtime) AS principal_arn,
    min_by(sourceidentity, eventtime) AS source_identity,
    min_by(recipientaccountid, eventtime) AS account_id,
    min_by(awsregion, eventtime) AS region,
    min_by(target, eventtime) AS target,
    min_by(sourceipaddress, eventtime) AS source_ip,
    min_by(errorcode, eventtime) AS error_code,
    min_by(errormessage, eventtime) AS error_message,
    min_by(calendarday, eventtime) AS calendarday,
    min_by(source_key, eventtime) AS source_key
  FROM from_cloudtrail_readready
  WHERE eventname = 'StartSession'
  GROUP BY coalesce(sessionid, eventid)
),
lines AS (
  SELECT sessionid, count(*) AS line_count, min(eventtime) AS first_line_time, max(eventtime) AS last_line_time
  FROM from_cloudwatch_readready
  WHERE sessionid IS NOT NULL
  GROUP BY sessionid
)
SELECT
  s.review_id, s.sessionid, s.start_eventid, s.start_time, s.principal_arn, s.source_identity,
  s.account_id, s.region, s.target, s.source_ip, s.error_code, s.error_message, s.calendarday,
  coalesce(l.line_count, 0) AS line_count, l.first_line_time, l.last_line_time, s.source_key
FROM starts s
LEFT JOIN lines l ON l.sessionid = s.sessionid
`,
};

/** Every view, in creation order (a view may read the ones before it). */
export const VIEWS: readonly ViewDef[] = [SESSION_REVIEW];

/** `CREATE OR REPLACE [TEMP] VIEW <name> AS <select>`; the same text on both engines. */
export function createViewSql(view: ViewDef, opts: { temporary?: boolean } = {}): string {
  return `CREATE OR REPLACE ${opts.temporary ? 'TEMP ' : ''}VIEW ${view.name} AS${view.select}`;
}

/** The views whose tables all exist among `tables`. */
export function viewsFor(tables: Iterable<string>): ViewDef[] {
  const have = new Set(tables);
  return VIEWS.filter((v) => v.requires.every((t) => have.has(t)));
}
