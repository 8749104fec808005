/** Renders a value for a text table or CSV cell. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** A plain-text table with a header row; long cells are cut at `maxWidth`. */
export function renderTable(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  maxWidth = 60,
): string {
  const cells = rows.map((r) =>
    columns.map((c) => {
      const t = cellText(r[c]).replace(/\n/g, '⏎');
      return t.length > maxWidth ? `${t.slice(0, maxWidth - 1)}…` : t;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line([...columns]), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** RFC 4180 CSV. */
export function renderCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [
    columns.map(esc).join(','),
    ...rows.map((r) => columns.map((c) => esc(cellText(r[c]))).join(',')),
  ].join('\n');
}

/** JSON lines-free JSON array; bigints as strings, dates as ISO. */
export function renderJson(rows: readonly Record<string, unknown>[]): string {
  return JSON.stringify(rows, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2);
}

/** Human-readable byte size. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Thousands separators. */
export const num = (n: number) => n.toLocaleString('en-US');
