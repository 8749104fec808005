import { quoteLiteral } from './sqlQuote.ts';

/** Characters DuckDB's file readers (`read_json`, `read_parquet`, …) expand as glob patterns. */
const GLOB_CHARACTERS = /[*?[\]{}]/;

/** Whether DuckDB would read `path` as a pattern rather than as one file. */
export function isGlobLike(path: string): boolean {
  return GLOB_CHARACTERS.test(path);
}

/**
 * A file path as an SQL literal for DuckDB's file readers, which expand `*`, `?` and `[…]` in
 * every path they are given (a backslash does not escape them; {@link escapeGlob} does). The
 * transform never hands DuckDB a path built from a key: raw files are linked into scratch under
 * names loglake makes. This guards that rule: a path DuckDB would expand is an error, never a
 * silent second read of other files.
 */
export function literalFilePath(path: string): string {
  if (isGlobLike(path)) {
    throw new Error(`internal: a path given to DuckDB holds a glob character: ${JSON.stringify(path)}`);
  }
  return quoteLiteral(path);
}

/**
 * Escapes a file path for DuckDB's file readers, which take every path as a glob pattern: a key
 * holding `*`, `?`, `[1]` or braces would match other files, or none. Each of those characters becomes a
 * one-character class (`[*]`, `[?]`, `[[]`, `[]]`, `[{]`, `[}]`) that matches only itself.
 */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}]/g, (c) => `[${c}]`);
}

/**
 * `read_parquet` of local files loglake wrote, by literal paths ({@link literalFilePath}), with Hive
 * partitioning off: a folder named `key=value` on the way (a partitioned COPY's, or one the lake
 * lives under) must not add a column the files do not have.
 */
export function readLocalParquet(
  paths: readonly string[],
  opts: { filename?: boolean; unionByName?: boolean } = {},
): string {
  const flags = ['hive_partitioning = false'];
  if (opts.filename) flags.push('filename = true');
  if (opts.unionByName) flags.push('union_by_name = true');
  return `read_parquet([${paths.map(literalFilePath).join(', ')}], ${flags.join(', ')})`;
}
