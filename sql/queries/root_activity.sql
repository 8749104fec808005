-- Root-user activity: every CloudTrail event made with an account's root credentials in a day
-- range (the root user should be all but unused).
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: from_cloudtrail_readready
SELECT
  eventtime, recipientaccountid AS account_id, eventsource AS event_source, eventname AS event_name,
  sourceipaddress AS source_ip, errorcode AS error_code, eventid, source_key
FROM from_cloudtrail_readready
WHERE useridentity_type = 'Root' AND calendarday BETWEEN :from_day AND :to_day
ORDER BY eventtime, eventid
