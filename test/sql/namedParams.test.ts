import { describe, expect, it } from 'vitest';
import { toPositional } from '../../sql/namedParams.ts';
import { coerceParam, parseNamedQuery, parseParamPairs } from '../../sql/queryPack.ts';

describe('named parameters to positional', () => {
  it('binds in placeholder order, a repeated name twice', () => {
    expect(toPositional('SELECT * FROM t WHERE a = :x AND b BETWEEN :y AND :x', { x: 1, y: 'b' })).toEqual({
      sql: 'SELECT * FROM t WHERE a = ? AND b BETWEEN ? AND ?',
      params: [1, 'b', 1],
    });
  });

  it('leaves strings, quoted identifiers, comments and :: casts alone', () => {
    const sql = `SELECT ':no', "a:b", x::int -- :nope\nFROM t /* :nor */ WHERE c = 'it'':s' AND d = :d`;
    expect(toPositional(sql, { d: 'v' })).toEqual({
      sql: `SELECT ':no', "a:b", x::int -- :nope\nFROM t /* :nor */ WHERE c = 'it'':s' AND d = ?`,
      params: ['v'],
    });
  });

  it('names every missing and every unknown parameter', () => {
    expect(() => toPositional('SELECT :a, :b', {})).toThrow('missing parameter :a, :b');
    expect(() => toPositional('SELECT :a', { a: 1, z: 2 })).toThrow('unknown parameter z');
  });

  it('checks pack headers and values by type', () => {
    expect(() => parseNamedQuery('q', 'SELECT :a')).toThrow(/header comment missing/);
    expect(() => parseNamedQuery('q', '-- Answers things.\nSELECT :a')).toThrow(/missing parameter :a/);
    expect(() => parseNamedQuery('q', '-- Answers.\n-- @param a money the amount\nSELECT :a')).toThrow(
      /unknown parameter type money/,
    );
    const q = parseNamedQuery(
      'q',
      '-- Answers.\n-- @param t timestamp when\n-- @param n integer how many\nSELECT :t, :n',
    );
    const [t, n] = q.params;
    expect(coerceParam(q, t!, '2026-11-01T09:30Z')).toBe('2026-11-01 09:30:00.000');
    expect(coerceParam(q, t!, '2026-11-01 09:30:15.5')).toBe('2026-11-01 09:30:15.500');
    expect(() => coerceParam(q, t!, '2026-13-01 09:30')).toThrow(/must be a UTC time/);
    expect(() => coerceParam(q, t!, "2026-11-01' OR 1=1 --")).toThrow(/must be a UTC time/);
    expect(coerceParam(q, n!, '42')).toBe(42);
    expect(() => coerceParam(q, n!, '4.2')).toThrow(/must be an integer/);
    expect(parseParamPairs(['a=b=c', 'd='])).toEqual({ a: 'b=c', d: '' });
    expect(() => parseParamPairs(['nokey'])).toThrow(/name=value/);
  });
});
