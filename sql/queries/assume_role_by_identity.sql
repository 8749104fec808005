-- AssumeRole and AssumeRoleWithSAML by identity: who assumed roles in a day range, per event name
-- and calling identity (the ARN, or for SAML the principal id and user name), with the count of
-- calls and how many failed.
-- @param from_day day first calendar day (UTC), YYYY-MM-DD
-- @param to_day day last calendar day (UTC), YYYY-MM-DD
-- reads: from_cloudtrail_readready
SELECT
  eventname AS event_name,
  useridentity_type AS identity_type,
  coalesce(useridentity_arn, useridentity_principalid) AS identity,
  useridentity_username AS user_name,
  count(*) AS calls,
  count(errorcode) AS failed
FROM from_cloudtrail_readready
WHERE eventname IN ('AssumeRole', 'AssumeRoleWithSAML') AND calendarday BETWEEN :from_day AND :to_day
GROUP BY eventname, useridentity_type, coalesce(useridentity_arn, useridentity_principalid), useridentity_username
ORDER BY event_name, calls DESC, identity, user_name
