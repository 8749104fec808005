-- The API calls of one principal around one session: every CloudTrail event of the session's
-- principal from one hour before its StartSession to one hour after its last keystroke line (or
-- its start, when it has none), the session's own ssm calls included.
-- @param review_id string the session id (or, for a StartSession without one, its eventid)
-- reads: session_review, from_cloudtrail_readready
SELECT
  c.eventtime, c.eventsource AS event_source, c.eventname AS event_name, c.awsregion AS region,
  c.sourceipaddress AS source_ip, c.errorcode AS error_code, c.sessionid, c.eventid, c.source_key
FROM session_review r
JOIN from_cloudtrail_readready c ON c.useridentity_arn = r.principal_arn
WHERE r.review_id = :review_id
  AND c.eventtime BETWEEN r.start_time - INTERVAL '1' HOUR
    AND coalesce(r.last_line_time, r.start_time) + INTERVAL '1' HOUR
ORDER BY c.eventtime, c.eventid
