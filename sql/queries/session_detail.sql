-- The review of one session: its StartSession (who, where, when, error) joined to its keystroke
-- lines in order. A session without lines gives one row with empty line columns.
-- @param review_id string the session id (or, for a StartSession without one, its eventid)
-- reads: session_review, from_cloudwatch_readready
SELECT
  r.review_id, r.sessionid, r.start_time, r.principal_arn, r.source_identity, r.account_id,
  r.target, r.source_ip, r.error_code,
  w.eventtime AS line_time, w.logeventid, w.runasuser, w.sessiondata, w.source_key AS line_source_key
FROM session_review r
LEFT JOIN from_cloudwatch_readready w ON w.sessionid = r.sessionid
WHERE r.review_id = :review_id
ORDER BY line_time, w.logeventid
