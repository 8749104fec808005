import { describe, expect, it } from 'vitest';
import { parseSourceDefinition } from '../../../../sources/loader.ts';
import { compilePath, compileProjector, timestampText } from '../../../../transform/decoders/js/project.ts';

describe('timestampText', () => {
  it.each([
    ['2026-11-01T08:15:02Z', '2026-11-01 08:15:02.000'],
    ['2026-11-01T08:15:02.5Z', '2026-11-01 08:15:02.500'],
    ['2026-11-01T08:15:02.123456Z', '2026-11-01 08:15:02.123'],
    ['2026-11-01T10:15:02+02:00', '2026-11-01 08:15:02.000'],
    [1761984902000, '2025-11-01 08:15:02.000'],
  ])('normalises %s to UTC', (input, expected) => {
    expect(timestampText(input)).toBe(expected);
  });

  it.each([['yesterday'], ['2026-13-01T00:00:00Z'], [Number.NaN], [true], [{}], ['']])(
    'rejects %s',
    (input) => {
      expect(timestampText(input)).toBeUndefined();
    },
  );
});

describe('compilePath', () => {
  it('reads nested values and tolerates missing steps', () => {
    const get = compilePath('a.b.c');
    expect(get({ a: { b: { c: 1 } } })).toBe(1);
    expect(get({ a: { b: null } })).toBeUndefined();
    expect(get({ a: 'text' })).toBeUndefined();
    expect(compilePath('a.b')({ a: [1] })).toBeUndefined();
  });
});

describe('compileProjector', () => {
  const source = parseSourceDefinition({
    name: 'toy',
    raw: { key_pattern: '^(?<day>x)$', partition_keys: ['day'] },
    decode: { framing: 'ndjson' },
    readready: {
      time: { path: 't', format: 'iso8601' },
      filters: [{ path: 'kind', not_in: ['noise'] }],
      columns: [
        { name: 'eventtime', type: 'timestamp', path: 't' },
        { name: 'n', type: 'bigint', path: 'n' },
        { name: 'x', type: 'double', path: 'x' },
        { name: 'ok', type: 'boolean', path: 'ok' },
        { name: 'obj', type: 'string', path: 'obj' },
        { name: 'who', type: 'string', first: [{ path: 'a', when: { kind: 'special' } }, { path: 'b' }] },
      ],
    },
  });
  const p = compileProjector(source);
  const row = (e: Record<string, unknown>) => {
    const r = p.project(e, '"k"');
    return r.kind === 'row' ? JSON.parse(r.line) : r;
  };

  it('encodes each type, keeps nested values as JSON text and adds source_key', () => {
    expect(
      row({
        t: '2026-11-01T00:00:01Z',
        n: '12345678901234567',
        x: '1.5',
        ok: 'TRUE',
        obj: { k: [1] },
        b: 'fallback',
      }),
    ).toEqual({
      eventtime: '2026-11-01 00:00:01.000',
      n: 12345678901234568, // JSON.parse rounds; the line itself keeps every digit (below)
      x: 1.5,
      ok: true,
      obj: '{"k":[1]}',
      who: 'fallback',
      source_key: 'k',
    });
    const r = p.project({ t: '2026-11-01T00:00:01Z', n: '12345678901234567' }, '"k"');
    expect(r.kind === 'row' && r.line).toContain('"n":12345678901234567,');
  });

  it('picks the first alternative whose condition holds', () => {
    expect(row({ t: '2026-11-01T00:00:01Z', kind: 'special', a: 'first', b: 'second' }).who).toBe('first');
    expect(row({ t: '2026-11-01T00:00:01Z', kind: 'other', a: 'first', b: 'second' }).who).toBe('second');
  });

  it('skips filtered events and rejects wrong types with the column name', () => {
    expect(p.project({ t: '2026-11-01T00:00:01Z', kind: 'noise' }, '"k"')).toEqual({
      kind: 'skip',
      reason: 'filtered',
    });
    expect(p.project({ t: '2026-11-01T00:00:01Z', n: 1.5 }, '"k"')).toEqual({
      kind: 'reject',
      rejection: { reason: 'bad_type', column: 'n' },
    });
    expect(p.project({ t: '2026-11-01T00:00:01Z', ok: 'yes' }, '"k"')).toEqual({
      kind: 'reject',
      rejection: { reason: 'bad_type', column: 'ok' },
    });
    expect(p.project({ n: 1 }, '"k"')).toEqual({ kind: 'reject', rejection: { reason: 'bad_time' } });
  });

  it('sets calendarday from the event time in UTC', () => {
    const r = p.project({ t: '2026-11-01T23:30:00-02:00' }, '"k"');
    expect(r.kind === 'row' && r.calendarday).toBe('2026-11-02');
  });
});
