/**
 * Escapes a file path for DuckDB's file readers, which take every path as a glob pattern: a key
 * holding `*`, `?`, `[1]` or braces would match other files, or none. Each of those characters becomes a
 * one-character class (`[*]`, `[?]`, `[[]`, `[]]`, `[{]`, `[}]`) that matches only itself.
 */
export function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}]/g, (c) => `[${c}]`);
}
