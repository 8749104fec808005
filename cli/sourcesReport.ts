import { describeConflict } from '../sources/match.ts';
import type { TryReport } from '../sources/trySamples.ts';
import { num, renderTable } from './format.ts';

const reasons = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, n]) => `${k} ${num(n)}`)
    .join(', ') || 'none';

/** The text of a `loglake sources test` report, in the order a team fixes things. */
export function renderTryReport(report: TryReport): string[] {
  const out: string[] = [];
  const def = report.definition;
  out.push(`definition ${def.name} (${def.origin}): ${def.rawTable} → ${def.readreadyTable}`);
  out.push('', 'samples:');
  for (const s of report.samples) {
    const mark = s.matches ? 'ok' : 'NO MATCH';
    out.push(`  ${mark}  ${s.file}`);
    out.push(`      key        ${s.key}`);
    out.push(
      `      source     ${s.owner ?? '(none)'}; matched by: ${s.matchedBy.join(', ') || 'no definition'}`,
    );
    if (s.problem) out.push(`      problem    ${s.problem}`);
    if (s.partition)
      out.push(
        `      partition  ${Object.entries(s.partition)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );
    const c = s.counts;
    out.push(
      `      events     ${num(c.eventsIn)} in, ${num(c.rows)} rows, skipped: ${reasons(c.skipped)}, quarantined: ${reasons(c.quarantinedByReason)}`,
    );
    if (s.quarantined)
      out.push(`      QUARANTINED whole file: ${s.quarantined.reason}: ${s.quarantined.message}`);
    for (const r of s.rejected.slice(0, 5))
      out.push(`      event ${r.index} quarantined: ${r.reason}${r.column ? ` (column ${r.column})` : ''}`);
    if (s.rejected.length > 5) out.push(`      … and ${s.rejected.length - 5} more quarantined events`);
  }
  const cols = [...def.readready.columns.map((c) => c.name), 'calendarday'];
  out.push('', `rows (first ${report.rows.length} of ${num(report.totals.rows)}):`);
  if (report.rows.length > 0) out.push(renderTable(cols, report.rows, 40));
  else out.push('  (no rows)');
  out.push('', 'columns (filled rows / rows):');
  const width = Math.max(...report.columns.map((c) => c.name.length)) + 1;
  for (const c of report.columns) {
    const pct = c.rows > 0 ? Math.round((100 * c.filled) / c.rows) : 0;
    const empty = c.filled === 0;
    const hints = c.missingPaths
      .map((m) => `path ${m.path} never occurs${m.closest ? `; closest existing path: ${m.closest}` : ''}`)
      .join('; ');
    out.push(
      `  ${empty ? 'EMPTY' : 'ok   '}  ${c.name.padEnd(width)} ${c.type.padEnd(9)} ${num(c.filled)}/${num(c.rows)} (${pct}%)${hints ? `  ${hints}` : ''}`,
    );
  }
  for (const w of report.warnings) out.push(`warning: ${w}`);
  for (const c of report.conflicts) out.push(`error: ${describeConflict(c)}`);
  const t = report.totals;
  out.push(
    '',
    `reconciliation: ${num(t.eventsIn)} events in = ${num(t.rows)} rows + ${num(Object.values(t.skipped).reduce((a, b) => a + b, 0))} skipped + ${num(t.quarantined)} quarantined: ${report.reconciled ? 'reconciled' : 'NOT RECONCILED'}`,
  );
  const wrong: string[] = [];
  const unmatched = report.samples.filter((s) => !s.matches).length;
  if (unmatched > 0) wrong.push(`${unmatched} sample(s) not ${def.name}'s`);
  const empty = report.columns.filter((c) => c.filled === 0).map((c) => c.name);
  if (empty.length > 0) wrong.push(`empty in every row: ${empty.join(', ')}`);
  if (report.conflicts.length > 0) wrong.push(`${report.conflicts.length} precedence conflict(s)`);
  if (report.samples.length === 0) wrong.push('no samples');
  out.push(report.ok ? 'result: ok' : `result: FAILED (${wrong.join('; ')})`);
  return out;
}
