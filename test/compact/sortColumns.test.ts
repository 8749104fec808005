import { describe, expect, it } from 'vitest';
import { sortColumnsFor } from '../../compact/sortColumns.ts';
import { loadSources, parseSourceDefinition } from '../../sources/loader.ts';

describe('sortColumnsFor', () => {
  it('uses the built-in orders, a definition’s readready.sort_by, and refuses an unknown column', async () => {
    const sources = await loadSources([]);
    const byName = new Map(sources.map((s) => [s.name, s]));
    expect(sortColumnsFor(byName.get('cloudtrail')!)).toEqual(['eventname', 'eventsource', 'eventtime']);
    expect(sortColumnsFor(byName.get('cloudwatch')!)).toEqual(['loggroup', 'sessionid', 'eventtime']);
    const ct = byName.get('cloudtrail')!;
    const { rawTable, readreadyTable, keyRegex, skipRegexes, origin, claimRegex, contentFilters, ...raw } =
      ct;
    const custom = parseSourceDefinition({
      ...raw,
      name: 'custom',
      readready: { ...raw.readready, table: 'from_custom_readready', sort_by: ['awsregion', 'eventtime'] },
    });
    expect(sortColumnsFor(custom)).toEqual(['awsregion', 'eventtime']);
    expect(() =>
      parseSourceDefinition({ ...raw, readready: { ...raw.readready, sort_by: ['nosuchcolumn'] } }),
    ).toThrow(/readready\.sort_by\.0: no column nosuchcolumn/);
  });
});
