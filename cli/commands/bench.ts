import { join } from 'node:path';
import { renderMemoryCases, runMemoryCases, writeMemoryCases } from '../../bench/memoryCases.ts';
import { renderSummary } from '../../bench/renderSummary.ts';
import { type BenchOptions, NAMED_SIZES, parseSizes, runBench } from '../../bench/runBench.ts';
import { type Command, intOption } from '../command.ts';
import { UsageError } from '../io.ts';

/** `loglake bench`: a thin shell over {@link runBench}. */
export const bench: Command = {
  name: 'bench',
  summary: 'benchmark transform against DuckDB and a naive baseline, queries, addapart; write results',
  usage:
    'loglake bench [--quick] [--sizes S,M,L | --mb <n>] [--seed <n>] [--results <dir>] [--cache <dir>] [--repeat <n>]',
  help: [
    `--quick             one small size (${NAMED_SIZES.Q} MB per source), a smoke run of a minute or two`,
    `--sizes <list>      sizes, named (S=${NAMED_SIZES.S}, M=${NAMED_SIZES.M}, L=${NAMED_SIZES.L}, Q=${NAMED_SIZES.Q}) or in MB per source (default S,M,L)`,
    '--mb <n>            one size of <n> uncompressed MB per source (instead of --sizes)',
    '--seed <n>          generator seed (default 1); data sets are cached per seed and size',
    '--accounts <n>      generator accounts (default 3)',
    '--days <n>          generator days (default 3)',
    '--sessions <n>      generator Session Manager sessions (default 30)',
    '--repeat <n>        runs of each contender, the fastest counts (default 1)',
    '--query-runs <n>    runs of each query on each side, the fastest counts (default 2)',
    '--no-naive          skip the naive baseline',
    '--results <dir>     results folder (default bench/results)',
    '--cache <dir>       data set cache (default bench/.cache)',
    '--keep-work         keep the scratch lakes and outputs',
    '--memory [--mb <n>] only the peak-memory cases: one file of <n> MB (default 300) and two gzip bombs',
  ],
  options: {
    quick: { type: 'boolean' },
    sizes: { type: 'string' },
    mb: { type: 'string' },
    seed: { type: 'string' },
    accounts: { type: 'string' },
    days: { type: 'string' },
    sessions: { type: 'string' },
    repeat: { type: 'string' },
    'query-runs': { type: 'string' },
    'no-naive': { type: 'boolean' },
    results: { type: 'string' },
    cache: { type: 'string' },
    'keep-work': { type: 'boolean' },
    memory: { type: 'boolean' },
  },
  async run({ values, io }) {
    if (values.memory === true) {
      const results = typeof values.results === 'string' ? values.results : 'bench/results';
      const cases = await runMemoryCases({
        workDir: join(typeof values.cache === 'string' ? values.cache : 'bench/.cache', 'memory'),
        mb: values.mb === undefined ? 300 : intOption(values, 'mb', 300),
        log: (line) => io.err(line),
      });
      io.out(renderMemoryCases(cases));
      io.out(`results: ${await writeMemoryCases(results, cases)}`);
      return 0;
    }
    if (values.sizes !== undefined && values.mb !== undefined) {
      throw new UsageError('give --sizes or --mb, not both');
    }
    let sizes: BenchOptions['sizes'];
    try {
      if (typeof values.sizes === 'string') sizes = parseSizes(values.sizes);
      else if (typeof values.mb === 'string') sizes = parseSizes(values.mb);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const dataset: NonNullable<BenchOptions['dataset']> = {};
    for (const k of ['accounts', 'days', 'sessions'] as const) {
      if (values[k] !== undefined) dataset[k] = intOption(values, k, 0);
    }
    const { result, written } = await runBench({
      quick: values.quick === true,
      ...(sizes ? { sizes } : {}),
      seed: intOption(values, 'seed', 1),
      dataset,
      repeat: Math.max(1, intOption(values, 'repeat', 1)),
      queryRuns: Math.max(1, intOption(values, 'query-runs', 2)),
      naive: values['no-naive'] !== true,
      keepWork: values['keep-work'] === true,
      ...(typeof values.results === 'string' ? { resultsDir: values.results } : {}),
      ...(typeof values.cache === 'string' ? { cacheDir: values.cache } : {}),
      log: (line) => io.err(line),
    });
    io.out(renderSummary(result));
    if (written) {
      io.out('');
      io.out(`results: ${written.json}`);
      io.out(`         ${written.latestJson}, ${written.markdown}, ${written.svg}`);
    }
    return 0;
  },
};
