import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

/** A running `moto_server` on loopback. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** `moto_server` when it is on the PATH, else `python3 -m moto.server`. */
function motoCommand(port: number): [string, string[]] {
  const args = ['-H', HOST, '-p', String(port)];
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return probe.status === 0 ? ['moto_server', args] : ['python3', ['-m', 'moto.server', ...args]];
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `moto_server exited with ${child.exitCode}; run scripts/ensure-test-tools.sh. Output:\n${log()}`,
      );
    }
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms. Output:\n${log()}`);
}

/**
 * Starts one `moto_server` on a free loopback port and waits until it answers. Used by the vitest
 * global setup of the AWS-mode tests and by the benches that need AWS on moto (freshness).
 */
export async function startMoto(opts: { timeoutMs?: number } = {}): Promise<MotoServer> {
  const { timeoutMs = 30_000 } = opts;
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const [cmd, args] = motoCommand(port);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(String(err))));
  await waitUntilUp(endpoint, child, timeoutMs, () => output);
  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
