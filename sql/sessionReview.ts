/**
 * The `session_review` view (DESIGN §7): one row per Session Manager session, from its StartSession
 * in CloudTrail joined on `sessionid` to the count and time span of its CloudWatch lines. Written in
 * the SQL that DuckDB and Athena (Trino) share, so both engines run the same text.
 */
export const SESSION_REVIEW_VIEW = `
CREATE OR REPLACE VIEW session_review AS
WITH starts AS (
  SELECT
    sessionid,
    min(eventtime) AS start_time,
    min_by(useridentity_arn, eventtime) AS principal_arn,
    min_by(sourceidentity, eventtime) AS source_identity,
    min_by(recipientaccountid, eventtime) AS account_id,
    min_by(awsregion, eventtime) AS region,
    min_by(target, eventtime) AS target,
    min_by(sourceipaddress, eventtime) AS source_ip,
    min_by(errorcode, eventtime) AS error_code,
    min_by(calendarday, eventtime) AS calendarday
  FROM from_cloudtrail_readready
  WHERE eventname = 'StartSession' AND sessionid IS NOT NULL
  GROUP BY sessionid
),
lines AS (
  SELECT sessionid, count(*) AS line_count, min(eventtime) AS first_line_time, max(eventtime) AS last_line_time
  FROM from_cloudwatch_readready
  WHERE sessionid IS NOT NULL
  GROUP BY sessionid
)
SELECT
  s.sessionid, s.start_time, s.principal_arn, s.source_identity, s.account_id, s.region, s.target,
  s.source_ip, s.error_code, s.calendarday,
  coalesce(l.line_count, 0) AS line_count, l.first_line_time, l.last_line_time
FROM starts s
LEFT JOIN lines l ON l.sessionid = s.sessionid
`;

/** The detail of one session: its keystroke lines in order. Bind the session id. */
export const SESSION_LINES_SQL = `
SELECT eventtime, logeventid, loggroup, logstream, target, runasuser, useridentity_arn, sessiondata, message
FROM from_cloudwatch_readready
WHERE sessionid = ?
ORDER BY eventtime, logeventid
`;

/** One session's review row. Bind the session id. */
export const SESSION_REVIEW_ONE_SQL = 'SELECT * FROM session_review WHERE sessionid = ?';
