/**
 * The one rule for JSON text in readready columns (values kept `as: json`, and nested values or
 * numbers in string columns), shared by both engines: the text is `JSON.stringify` of the parsed
 * value (minified, keys in source order, strings escaped minimally, control characters as
 * lower-case `\u00xx`, numbers in the shortest form that reads back to the same double, so `1.0`
 * is `1`), except that a number with no exact double (an integer beyond ±2^53, or one that
 * overflows) keeps its source digits rather than being rounded. The DuckDB engine, whose JSON
 * writer formats fractions and escapes its own way, sets aside every file whose JSON text could
 * differ (see `sqlPlan.ts`), so the JavaScript decoder writes those and both engines give
 * byte-identical text.
 */

/** A JSON number that a double cannot hold exactly, kept as its source text. */
export class RawNumber {
  constructor(readonly text: string) {}
  /** Plain `JSON.stringify` cannot write it as a number: {@link canonicalJson} catches this. */
  toJSON(): never {
    throw new RawNumberInJson();
  }
}

class RawNumberInJson extends Error {}

/**
 * Cheap test of JSON text for a number token that `JSON.parse` would round or overflow (16 or more
 * digits after `:`, `[` or `,`, or a three-digit exponent). A hit costs only the slower, exact
 * parse ({@link parseExact}); digit runs inside strings (log event ids, say) do not follow `:`.
 */
export const MAY_HOLD_INEXACT_NUMBERS = /[:[,]\s*-?\d{16}|\d[eE][+-]?\d{3}/;

/** Parses JSON text: `JSON.parse`, or {@link parseExact} where a number would lose digits. */
export function parseJson(text: string): unknown {
  return MAY_HOLD_INEXACT_NUMBERS.test(text) ? parseExact(text) : JSON.parse(text);
}

/**
 * Parses a file's document (or record) as DuckDB's reader does: {@link parseJson}, and, only when
 * that fails, the same text without trailing commas ({@link withoutTrailingCommas}). The strict
 * parse's error is the one thrown when the text is malformed for another reason too.
 */
export function parseDocument(text: string): unknown {
  try {
    return parseJson(text);
  } catch (err) {
    const lenient = withoutTrailingCommas(text);
    if (lenient === undefined) throw err;
    try {
      return parseJson(lenient);
    } catch {
      throw err;
    }
  }
}

/** The `at position N` of a JSON parser's error (V8's, or {@link parseExact}'s), when it says one. */
export function errorPosition(err: unknown): number | undefined {
  const at = /at position (\d+)/.exec(err instanceof Error ? err.message : String(err))?.[1];
  return at === undefined ? undefined : Number(at);
}

/**
 * The JSON text of a value by the one rule. Values nested deeper than `JSON.stringify`'s
 * recursion can go are written by an iterative writer that gives the same text.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (err instanceof RawNumberInJson || err instanceof RangeError) return deepJson(value);
    throw err;
  }
}

type Frame =
  | { kind: 'array'; items: unknown[]; i: number }
  | { kind: 'object'; entries: [string, unknown][]; i: number };

/** `JSON.stringify` without recursion, for very deep values and raw numbers. */
function deepJson(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (v: unknown): void => {
    if (v instanceof RawNumber) {
      out.push(v.text);
    } else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ kind: 'array', items: v, i: 0 });
    } else if (typeof v === 'object' && v !== null) {
      out.push('{');
      // JSON.stringify drops undefined members of objects; parsed JSON has none.
      stack.push({ kind: 'object', entries: Object.entries(v as Record<string, unknown>), i: 0 });
    } else {
      out.push(JSON.stringify(v) ?? 'null');
    }
  };
  open(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.kind === 'array') {
      if (top.i === top.items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (top.i > 0) out.push(',');
      open(top.items[top.i++]);
    } else {
      if (top.i === top.entries.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      const [k, v] = top.entries[top.i++]!;
      out.push(`${top.i > 1 ? ',' : ''}${JSON.stringify(k)}:`);
      open(v);
    }
  }
  return out.join('');
}

const SURROGATE_ESCAPE = /(\\+)u[dD]([89a-fA-F])[0-9a-fA-F]{2}/g;

/**
 * Whether JSON text holds a `\uD800`–`\uDFFF` escape that is not half of a pair. `JSON.parse`
 * accepts such text and makes a string that is not valid Unicode (and cannot be written as
 * UTF-8); DuckDB refuses it as malformed JSON. Both engines treat it as invalid JSON.
 */
export function hasLoneSurrogateEscape(text: string): boolean {
  if (!text.includes('\\u')) return false;
  SURROGATE_ESCAPE.lastIndex = 0;
  let pairedLowAt = -1;
  for (let m = SURROGATE_ESCAPE.exec(text); m !== null; m = SURROGATE_ESCAPE.exec(text)) {
    // An even run of backslashes is escaped backslashes, then plain text `u…`.
    if (m[1]!.length % 2 === 0) continue;
    const escapeAt = m.index + m[1]!.length - 1;
    const high = '89abAB'.includes(m[2]!);
    if (high) {
      const next = text.slice(escapeAt + 6, escapeAt + 12);
      if (!/^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(next)) return true;
      pairedLowAt = escapeAt + 6;
    } else if (escapeAt !== pairedLowAt) {
      return true;
    }
  }
  return false;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const SPACE = /[ \t\n\r]*/y;

function numberOf(text: string): number | RawNumber {
  const n = Number(text);
  if (!Number.isFinite(n)) return new RawNumber(text);
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && !/[.eE]/.test(text)) return new RawNumber(text);
  return n;
}

type Container = { value: unknown[] | Record<string, unknown>; key?: string };

/**
 * `JSON.parse` that keeps numbers a double cannot hold exactly as {@link RawNumber}s, for the rare
 * text {@link MAY_HOLD_INEXACT_NUMBERS} flags. Same results otherwise (duplicate keys: the last
 * value wins, at the first key's place); iterative, so depth is no limit; errors are `SyntaxError`s
 * that name the position, like V8's.
 */
export function parseExact(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} in JSON at position ${i}`);
  };
  const skip = () => {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  };
  const string = (): string => {
    let q = text.indexOf('"', i + 1);
    for (;;) {
      if (q < 0) fail('Unterminated string');
      let b = q - 1;
      while (text.charCodeAt(b) === 0x5c) b--;
      if ((q - 1 - b) % 2 === 0) break;
      q = text.indexOf('"', q + 1);
    }
    let s: string;
    try {
      s = JSON.parse(text.slice(i, q + 1)) as string;
    } catch {
      return fail('Bad string');
    }
    i = q + 1;
    return s;
  };
  const scalar = (): unknown => {
    const c = text[i];
    if (c === '"') return string();
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m !== null) {
      i = NUMBER.lastIndex;
      return numberOf(m[0]);
    }
    LITERAL.lastIndex = i;
    const l = LITERAL.exec(text);
    if (l === null) return fail(`Unexpected token '${c ?? ''}'`);
    i = LITERAL.lastIndex;
    return l[0] === 'true' ? true : l[0] === 'false' ? false : null;
  };
  const put = (into: Container, v: unknown) => {
    if (Array.isArray(into.value)) into.value.push(v);
    else if (into.key === '__proto__')
      Object.defineProperty(into.value, '__proto__', {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else into.value[into.key!] = v;
  };
  const stack: Container[] = [];
  let result: unknown;
  let done = false;
  skip();
  // Each turn reads one value (opening a container is reading its start), then what follows it.
  for (;;) {
    const top = stack[stack.length - 1];
    if (top !== undefined && !Array.isArray(top.value)) {
      skip();
      if (text[i] !== '"') fail('Expected double-quoted property name');
      top.key = string();
      skip();
      if (text[i] !== ':') fail("Expected ':' after property name");
      i++;
    }
    skip();
    let v: unknown;
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skip();
      const empty = text[i] === (c === '{' ? '}' : ']');
      const value = c === '{' ? {} : [];
      if (!empty) {
        stack.push({ value });
        continue;
      }
      i++;
      v = value;
    } else {
      v = scalar();
    }
    // Close every container this value completes.
    for (;;) {
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        result = v;
        done = true;
        break;
      }
      put(parent, v);
      skip();
      const close = Array.isArray(parent.value) ? ']' : '}';
      if (text[i] === ',') {
        i++;
        break;
      }
      if (text[i] !== close) fail(`Expected ',' or '${close}'`);
      i++;
      stack.pop();
      v = parent.value;
    }
    if (done) break;
  }
  skip();
  if (i < text.length) fail('Unexpected non-whitespace character after JSON');
  return result;
}

/**
 * The text with every comma that directly precedes a closing `]` or `}` (outside strings) removed.
 * DuckDB's JSON reader accepts such trailing commas; the JavaScript decoder accepts them too, by
 * parsing this form when the strict parse fails, so both engines read the same files the same way.
 * `undefined` when there is no such comma (the text is malformed for another reason).
 */
export function withoutTrailingCommas(text: string): string | undefined {
  let out = '';
  let from = 0;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: its closing quote is the first one after an even run of backslashes.
      let q = text.indexOf('"', i + 1);
      while (q > 0) {
        let b = q - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((q - 1 - b) % 2 === 0) break;
        q = text.indexOf('"', q + 1);
      }
      if (q < 0) return undefined;
      i = q;
    } else if (c === 0x2c) {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] === ']' || text[j] === '}') {
        out += text.slice(from, i);
        from = i + 1;
        changed = true;
      }
    }
  }
  return changed ? out + text.slice(from) : undefined;
}
