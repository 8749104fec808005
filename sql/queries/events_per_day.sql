-- Events per event name per day: the count of CloudTrail events by calendar day and event name.
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: from_cloudtrail_readready
SELECT calendarday, eventsource AS event_source, eventname AS event_name, count(*) AS events
FROM from_cloudtrail_readready
WHERE calendarday BETWEEN :from_day AND :to_day
GROUP BY calendarday, eventsource, eventname
ORDER BY calendarday, event_source, event_name
