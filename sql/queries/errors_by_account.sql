-- AccessDenied and other errors by account: CloudTrail events with an error code in a day range,
-- counted per account and error code, the most frequent first.
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: from_cloudtrail_readready
SELECT recipientaccountid AS account_id, errorcode AS error_code, count(*) AS events
FROM from_cloudtrail_readready
WHERE errorcode IS NOT NULL AND calendarday BETWEEN :from_day AND :to_day
GROUP BY recipientaccountid, errorcode
ORDER BY account_id, events DESC, error_code
