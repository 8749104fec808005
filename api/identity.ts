/**
 * The employee a session belongs to, derived from its StartSession's principal. The rule, in order:
 *
 * 1. The source identity (`userIdentity.sessionContext.sourceIdentity`), when set: it is set by the
 *    identity provider or the first role assumption and survives role chaining, so it names the person
 *    even when the role session name does not.
 * 2. Otherwise the last `/`-separated segment of the principal ARN, for the three ARN kinds that name a
 *    person there: `…:sts::<account>:assumed-role/<role>/<session name>` (IAM Identity Center (SSO),
 *    SAML and other assumed roles: the role session name), `…:iam::<account>:user/[<path>/]<user name>`
 *    (IAM users) and `…:sts::<account>:federated-user/<name>`.
 * 3. Anything else (the account root, AWS services) has no employee: no manager sees it, and it stays
 *    visible to auditors through SQL.
 *
 * Identities are compared trimmed and in lower case (sign-in names and e-mail addresses are
 * case-insensitive). {@link EMPLOYEE_IDENTITY_SQL} is the same rule in SQL; tests hold the two equal.
 */
export function employeeIdentity(
  principalArn: string | null | undefined,
  sourceIdentity: string | null | undefined,
): string | undefined {
  const source = sourceIdentity?.trim();
  if (source) return source.toLowerCase();
  const match = PERSON_ARN.exec(principalArn ?? '');
  const name = match?.[1]?.trim();
  return name ? name.toLowerCase() : undefined;
}

const PERSON_ARN = /^arn:[^:]+:(?:sts|iam)::[0-9]*:(?:assumed-role|user|federated-user)\/.*?([^/]+)$/;

/**
 * {@link employeeIdentity} as an SQL expression over `arn` and `source` columns, in the SQL DuckDB and
 * Athena share. `regexp_extract` gives `''` (DuckDB) or NULL (Athena) when nothing matches; `nullif`
 * makes both NULL.
 */
export function employeeIdentitySql(arn: string, source: string): string {
  return (
    `CASE WHEN ${source} IS NOT NULL AND trim(${source}) <> '' THEN lower(trim(${source})) ` +
    `ELSE nullif(lower(trim(regexp_extract(${arn}, '${PERSON_ARN.source.replace(/\\\//g, '/')}', 1))), '') END`
  );
}

/** The rule over the StartSession columns of `from_cloudtrail_readready`. */
export const EMPLOYEE_IDENTITY_SQL = employeeIdentitySql('principal_arn', 'source_identity');
