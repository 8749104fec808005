-- IAM changes: who changed roles, users, groups or policies in a time window (IAM calls that are
-- not read-only, failed attempts included), oldest first.
-- @param from_time timestamp start of the window (UTC), YYYY-MM-DD HH:MM[:SS]
-- @param to_time timestamp end of the window (UTC), inclusive
-- reads: from_cloudtrail_readready
SELECT
  eventtime, recipientaccountid AS account_id, useridentity_arn AS principal_arn, eventname AS event_name,
  requestparameters AS request_parameters, errorcode AS error_code, eventid, source_key
FROM from_cloudtrail_readready
WHERE eventsource = 'iam.amazonaws.com'
  AND readonly = false
  AND calendarday BETWEEN substr(:from_time, 1, 10) AND substr(:to_time, 1, 10)
  AND eventtime BETWEEN CAST(:from_time AS TIMESTAMP) AND CAST(:to_time AS TIMESTAMP)
ORDER BY eventtime, eventid
