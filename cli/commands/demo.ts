import { type Command, intOption } from '../command.ts';
import { runDemo } from '../demo.ts';

export const demo: Command = {
  name: 'demo',
  summary: 'generate data into a fresh local lake, run the pipeline, print a session review',
  usage: 'loglake demo [--seed <n>] [--accounts <n>] [--days <n>] [--sessions <n>] [--dir <folder>]',
  help: [
    '--seed <n>        generator seed (default 7)',
    '--accounts <n>    AWS accounts (default 3)',
    '--days <n>        days of logs (default 2)',
    '--sessions <n>    Session Manager sessions (default 12)',
    '--review <n>      sessions to print (default 3)',
    '(--dir defaults to .loglake-demo for the demo, which is emptied first)',
  ],
  options: {
    seed: { type: 'string' },
    accounts: { type: 'string' },
    days: { type: 'string' },
    sessions: { type: 'string' },
    review: { type: 'string' },
  },
  async run({ values, io, config }) {
    const result = await runDemo(
      {
        dir: typeof values.dir === 'string' ? values.dir : '.loglake-demo',
        seed: intOption(values, 'seed', 7),
        accounts: intOption(values, 'accounts', 3),
        days: intOption(values, 'days', 2),
        sessions: intOption(values, 'sessions', 12),
        review: intOption(values, 'review', 3),
        config: config(),
      },
      io,
    );
    return result.transform.reconciled ? 0 : 1;
  },
};
