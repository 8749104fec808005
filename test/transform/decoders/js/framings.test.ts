import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../lake/errors.ts';
import { parseSourceDefinition } from '../../../../sources/loader.ts';
import { decodeText, FileDecoder } from '../../../../transform/decoders/js/decodeFile.ts';
import { compileProjector } from '../../../../transform/decoders/js/project.ts';
import { compileSqlPlan, SqlPlanUnsupported } from '../../../../transform/decoders/sql/sqlPlan.ts';

const readready = (
  columns: { name: string; type: string; path: string }[],
  time = 't',
  format = 'iso8601',
) => ({
  time: { path: time, format },
  columns,
});

function decodeWith(def: Record<string, unknown>, text: string) {
  const source = parseSourceDefinition({
    name: 'x',
    raw: { key_pattern: '^(?<d>.+)$', partition_keys: ['d'] },
    ...def,
  });
  const out = decodeText(text, text.length, 'k', source, compileProjector(source));
  const rows = [...out.rowsByDay.values()].flat().map((l) => JSON.parse(l) as Record<string, unknown>);
  return { ...out, rows, source };
}

describe('text lines framing', () => {
  const def = {
    decode: {
      framing: 'lines',
      skip_lines: ['^#'],
      line_pattern: '^(?<t>\\S+) (?<user>\\S+) (?<n>\\S+) (?<start>\\d+)$',
      null_values: ['-'],
      epoch_seconds: ['start'],
    },
    readready: readready([
      { name: 'user', type: 'string', path: 'user' },
      { name: 'n', type: 'bigint', path: 'n' },
      { name: 'started', type: 'timestamp', path: 'start' },
    ]),
  };

  it('reads each line by the named captures, skips header lines, and quarantines an odd line alone', () => {
    const text =
      '# header\r\n2026-11-01T09:00:00Z employee-1 3 1793523600\r\n\r\nnot a record\n2026-11-01T09:00:01Z - - 1793523601';
    const out = decodeWith(def, text);
    expect(out.rows).toEqual([
      { user: 'employee-1', n: 3, started: '2026-11-01 09:00:00.000', source_key: 'k' },
      { started: '2026-11-01 09:00:01.000', source_key: 'k' },
    ]);
    expect(out.counts).toEqual({
      eventsIn: 4,
      rows: 2,
      skipped: { skipped_line: 1 },
      quarantined: 1,
      quarantinedByReason: { unmatched_line: 1 },
    });
    expect(out.rejected).toEqual([{ index: 2, reason: 'unmatched_line' }]);
  });

  it('is left to the JavaScript decoder by the SQL engine', () => {
    const { source } = decodeWith(def, '2026-11-01T09:00:00Z employee-1 3 1793523600');
    expect(() => compileSqlPlan(source)).toThrow(SqlPlanUnsupported);
  });

  it('gives the same events when the text arrives in chunks cut anywhere (streamed large files)', () => {
    const text = Array.from(
      { length: 50 },
      (_, i) => `2026-11-01T09:00:${String(i).padStart(2, '0')}Z employee-${i} ${i} ${1793523600 + i}`,
    ).join('\r\n');
    const whole = decodeWith(def, text);
    const d = new FileDecoder('k', whole.source, compileProjector(whole.source));
    for (let at = 0; at < text.length; at += 7) d.push(text.slice(at, at + 7));
    d.end();
    expect([...d.takeRows().values()].flat().map((l) => JSON.parse(l))).toEqual(whole.rows);
    expect(d.counts).toEqual(whole.counts);
    expect(whole.counts.rows).toBe(50);
  });

  it('calls a file without a line empty', () => {
    expect(() => decodeWith(def, '\n\r\n')).toThrow(/no line of text/);
  });
});

describe('records at any path', () => {
  const def = {
    decode: { framing: 'document', records: 'data.items' },
    readready: readready([{ name: 'id', type: 'string', path: 'id' }]),
  };

  it('makes one event per record of a nested array', () => {
    const doc = JSON.stringify({
      data: {
        items: [
          { t: '2026-11-01T09:00:00Z', id: 'a' },
          { t: '2026-11-01T09:00:01Z', id: 'b' },
        ],
      },
    });
    expect(decodeWith(def, doc).rows.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('quarantines a document without the array as unknown_envelope', () => {
    const err = (() => {
      try {
        decodeWith(def, JSON.stringify({ data: { item: [] } }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).reason).toBe('unknown_envelope');
  });
});

describe('CloudWatch Logs envelopes around text messages', () => {
  const def = {
    decode: {
      framing: 'concatenated',
      envelope: 'cloudwatch_logs',
      message_format: 'text',
      line_pattern: '^(?<level>[A-Z]+) (?<user>\\S+)',
    },
    readready: readready(
      [
        { name: 'level', type: 'string', path: 'msg.level' },
        { name: 'user', type: 'string', path: 'msg.user' },
        { name: 'message', type: 'string', path: 'message' },
      ],
      'timestamp',
      'epoch_millis',
    ),
  };

  it('reads a matching message into msg, and keeps a non-matching one as text only', () => {
    const envelope = JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/app/prod',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [
        { id: '1', timestamp: 1793523600000, message: 'WARN employee-1 password reset' },
        { id: '2', timestamp: 1793523600001, message: 'started' },
      ],
    });
    const out = decodeWith(def, envelope + envelope);
    expect(out.rows.slice(0, 2)).toEqual([
      { level: 'WARN', user: 'employee-1', message: 'WARN employee-1 password reset', source_key: 'k' },
      { message: 'started', source_key: 'k' },
    ]);
    expect(out.counts.rows).toBe(4);
    expect(() => compileSqlPlan(out.source)).toThrow(SqlPlanUnsupported);
  });
});
