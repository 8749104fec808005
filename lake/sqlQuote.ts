/** Quotes an SQL identifier (table or column name) for DuckDB, Athena and Trino. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes an SQL string literal. Use only for values loglake itself controls, like file paths; bind user input. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
