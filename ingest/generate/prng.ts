/**
 * A small seeded pseudo-random generator (sfc32), so generated data is reproducible byte for byte.
 *
 * Every part of a data set draws from its own stream, derived from the seed and a few labels
 * (for example `('cloudtrail', day, account, region)`). That keeps one part stable when another
 * changes: asking for more filler files does not reshuffle the sessions.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream for `seed` and `labels`; the same arguments always give the same stream. */
  constructor(seed: number, ...labels: readonly (string | number)[]) {
    let h = mixLabels(seed, labels);
    const next = (): number => {
      // splitmix32 spreads one 32-bit hash over the four words of state
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** An unsigned 32-bit integer. */
  u32(): number {
    let { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One value of a non-empty list of `[value, weight]` pairs, chosen in proportion to the weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let r = this.next() * total;
    for (const [value, weight] of items) {
      r -= weight;
      if (r < 0) return value;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new RangeError('weighted pick from an empty list');
    return last[0];
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    // Table lookups: ids are drawn for every record and log event, so this is on the hot path.
    let out = '';
    while (out.length < n) {
      const x = this.u32();
      out += `${HEX2[x & 255]}${HEX2[(x >>> 8) & 255]}${HEX2[(x >>> 16) & 255]}${HEX2[x >>> 24]}`;
    }
    return out.length === n ? out : out.slice(0, n);
  }

  /** `n` decimal digits (leading zeros allowed). */
  digits(n: number): string {
    let out = '';
    while (out.length < n) {
      const x = this.u32();
      out += `${DEC4[x % 10_000]}${DEC4[Math.floor(x / 10_000) % 10_000]}`;
    }
    return out.length === n ? out : out.slice(0, n);
  }

  /** `n` characters drawn from `alphabet`. */
  chars(n: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** A version 4 UUID in its usual lower-case form. */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.u32() & 3];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** The indexes 0..n-1 in a random order. */
  shuffled(n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as number;
      out[i] = out[j] as number;
      out[j] = tmp;
    }
    return out;
  }
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const DEC4 = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

/** FNV-1a over the seed and labels; a separator byte keeps ('ab', 'c') apart from ('a', 'bc'). */
function mixLabels(seed: number, labels: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const feed = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  };
  feed(String(seed));
  for (const label of labels) feed(String(label));
  return h >>> 0;
}

/** The base32 alphabet AWS uses in access key ids and unique ids (AKIA…, AROA…). */
export const AWS_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The standard base64 alphabet, for tokens and hashes. */
export const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
