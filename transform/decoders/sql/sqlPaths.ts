import { quoteIdent, quoteLiteral } from '../../../lake/sqlQuote.ts';

/*
 * The vocabulary the SQL decoder's plan and the envelopes' SQL parts share: the tree of paths a
 * source definition reads, the DuckDB types it gives the documents, and accessors into them.
 */

/** How a value is read: as text, or as a JSON value. */
export type Mode = 'varchar' | 'json';

/** A node of the tree of paths the definition reads. */
export interface PathNode {
  children: Map<string, PathNode>;
  /** Read as a whole value, and how. */
  leaf?: Mode;
}

/** A source the SQL engine leaves to the JavaScript decoder, and why. */
export class SqlPlanUnsupported extends Error {
  override name = 'SqlPlanUnsupported';
}

export const q = quoteIdent;

/** The JSON path literal of `steps` (each step quoted). */
export const jsonPath = (steps: readonly string[]) =>
  quoteLiteral(`$.${steps.map((s) => `"${s}"`).join('.')}`);

/**
 * Reads a JSON value as text the way the JavaScript projector does (`String(v)`, objects as JSON).
 * DuckDB's JSON text has no white space before the value, so a string is the text that opens with
 * a quote: telling it by its first byte spares `json_type` a parse of every value.
 */
export const textOf = (x: string) =>
  `CASE WHEN ${isJsonString(x)} THEN json_extract_string(${x}, '$') ELSE CAST(${x} AS VARCHAR) END`;

/**
 * Whether the first byte of VARCHAR `t` is `ch` (ASCII): two byte-wise comparisons, which DuckDB
 * answers from the string's inlined prefix, where `ascii()` decodes a code point (half the cost of
 * the exactness checks on CloudTrail's two dozen text leaves went there).
 */
export const opensWith = (t: string, ch: string) =>
  `(${t} >= ${quoteLiteral(ch)} AND ${t} < ${quoteLiteral(String.fromCharCode(ch.charCodeAt(0) + 1))})`;

/** Whether JSON value `x` is a string: DuckDB's JSON text is minified, so it opens with a quote. */
export const isJsonString = (x: string) => opensWith(`CAST(${x} AS VARCHAR)`, '"');

/**
 * How many of `steps` lead to the first node read whole, when the path goes on inside it (the
 * rest is then a `json_extract` in that node's JSON); `undefined` for a path of struct fields only.
 */
export function wholePrefix(node: PathNode, steps: readonly string[]): number | undefined {
  let at = node;
  for (let i = 0; i < steps.length - 1; i++) {
    const child = at.children.get(steps[i]!);
    if (child === undefined) return undefined;
    if (child.leaf !== undefined) return i + 1;
    at = child;
  }
  return undefined;
}

/** DuckDB type of a subtree: a STRUCT down to the leaves; a node read whole (or both ways) is JSON or VARCHAR. */
export function duckType(node: PathNode): string {
  if (node.children.size === 0) return node.leaf === 'varchar' ? 'VARCHAR' : 'JSON';
  if (node.leaf !== undefined) return 'JSON';
  const seen = new Set<string>();
  for (const name of node.children.keys()) {
    // DuckDB struct fields are case-insensitive; JSON keys are not.
    if (seen.has(name.toLowerCase())) throw new SqlPlanUnsupported(`paths differ only by case: ${name}`);
    seen.add(name.toLowerCase());
  }
  return `STRUCT(${[...node.children].map(([name, child]) => `${q(name)} ${duckType(child)}`).join(', ')})`;
}

/** The same shape as a `from_json` structure string. */
export function jsonStructure(node: PathNode): unknown {
  if (node.children.size === 0) return node.leaf === 'varchar' ? 'VARCHAR' : 'JSON';
  if (node.leaf !== undefined) return 'JSON';
  return Object.fromEntries([...node.children].map(([name, child]) => [name, jsonStructure(child)]));
}

/**
 * SQL for the value at `steps` below `base` (whose subtree is `node`): struct field access down to
 * the first node read whole, then `json_extract` inside it. `mode` says whether the caller wants a
 * JSON value or text.
 */
export function accessor(base: string, node: PathNode, steps: readonly string[], want: Mode): string {
  let expr = base;
  let at = node;
  for (let i = 0; i < steps.length; i++) {
    const child = at.children.get(steps[i]!)!;
    expr = `${expr}.${q(steps[i]!)}`;
    const whole = child.leaf !== undefined && (child.children.size > 0 || i === steps.length - 1);
    if (whole && i < steps.length - 1) {
      // Read whole as JSON: the rest of the path is looked up inside it.
      const inner = `json_extract(${expr}, ${jsonPath(steps.slice(i + 1))})`;
      return want === 'json' ? inner : textOf(inner);
    }
    at = child;
  }
  if (at.leaf === 'json' && want === 'varchar') return textOf(expr);
  if (at.leaf === 'varchar' && want === 'json')
    throw new Error(`internal: ${steps.join('.')} is read as text`);
  return expr;
}
