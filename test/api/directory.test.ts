import { describe, expect, it } from 'vitest';
import { parseDirectory, teamOf } from '../../api/directory.ts';

const entries = parseDirectory(
  JSON.stringify({
    employees: [
      { identity: 'Employee-1@Example.com', manager: 'Manager-A' },
      { identity: 'employee-2', manager: 'manager-a' },
      { identity: 'employee-3', manager: 'manager-b' },
      { identity: 'manager-a', manager: 'director-1' },
      { identity: 'manager-b', manager: 'director-1' },
      { identity: 'director-1', manager: 'employee-3' },
    ],
  }),
);

describe('directory', () => {
  it('reads JSON and CSV alike, in lower case', () => {
    const csv = parseDirectory(
      'identity,manager\nEmployee-1@Example.com, Manager-A\n# a comment\n\nemployee-2,manager-a\n',
    );
    expect(csv).toEqual(entries.slice(0, 2));
    expect(entries[0]).toEqual({ identity: 'employee-1@example.com', manager: 'manager-a' });
  });

  it('gives direct reports, or with transitive their reports too, never the manager themself', () => {
    expect([...teamOf(entries, 'MANAGER-A')].sort()).toEqual(['employee-1@example.com', 'employee-2']);
    expect([...teamOf(entries, 'director-1')].sort()).toEqual(['manager-a', 'manager-b']);
    // The cycle director-1 → employee-3 → manager-b → director-1 ends the walk without the director.
    expect([...teamOf(entries, 'director-1', true)].sort()).toEqual([
      'employee-1@example.com',
      'employee-2',
      'employee-3',
      'manager-a',
      'manager-b',
    ]);
    expect(teamOf(entries, 'employee-2').size).toBe(0);
  });

  it('refuses a file it cannot read, naming the mistake', () => {
    expect(() => parseDirectory('{"employees":[{"identity":"x"}]}', 'dir.json')).toThrow(
      /dir.json: employees.0.manager/,
    );
    expect(() => parseDirectory('who,boss\na,b', 'dir.csv')).toThrow(/header identity,manager/);
    expect(() => parseDirectory('identity,manager\na,', 'dir.csv')).toThrow(/line 2/);
    expect(() => parseDirectory('{oops', 'dir.json')).toThrow(/not valid JSON/);
  });
});
