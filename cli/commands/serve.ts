import { startReviewServer } from '../../api/server.ts';
import { type Command, intOption } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the session-review API and review page (embedded: with a local signing key)',
  usage: 'loglake serve [--port <n>] [--host <addr>]',
  help: [
    '--port <n>        port (default 8787; 0 picks a free one)',
    '--host <addr>     address to listen on (default 127.0.0.1)',
    'Then `loglake token --as <manager>` prints a link that signs the review page in.',
  ],
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values, io, openLake }) {
    const lake = await openLake();
    try {
      const server = await startReviewServer(lake, {
        port: intOption(values, 'port', 8787),
        host: typeof values.host === 'string' ? values.host : '127.0.0.1',
      });
      io.out(
        `loglake review: ${server.url}/review  (API ${server.url}/sessions, ${server.url}/openapi.json)`,
      );
      io.out('stop with Ctrl-C');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    } finally {
      await lake.close();
    }
    return 0;
  },
};
