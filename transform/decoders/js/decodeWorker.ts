/**
 * Worker-thread entry of the {@link WorkerEngine}: decodes raw files posted by the main thread into
 * this worker's own spool, so rows never cross threads; only counts and spool file names come back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceDefinition } from '../../../sources/loader.ts';
import { decodeRawFile, emptyDecodeStages } from './decodeRawFile.ts';
import { projectorOf } from './projectors.ts';
import { Spool } from './spool.ts';
import type { WorkerData, WorkerReply, WorkerRequest } from './workerProtocol.ts';

const data = workerData as WorkerData;
const sources = new Map<string, SourceDefinition>(data.sources.map((s) => [s.name, s]));
let generation = 0;
let spool = new Spool(data.dir, `w${data.id}-0`);
const stages = emptyDecodeStages();
const port = parentPort!;
const reply = (r: WorkerReply) => port.postMessage(r);

port.on('message', async (msg: WorkerRequest) => {
  if (msg.type === 'decode') {
    try {
      const source = sources.get(msg.source)!;
      const outcome = await decodeRawFile(
        spool,
        msg.key,
        source,
        projectorOf(source),
        new Uint8Array(msg.bytes),
        {
          maxUncompressedBytes: data.maxUncompressedBytes,
          stages,
        },
      );
      reply({ type: 'decoded', seq: msg.seq, outcome });
    } catch (err) {
      reply({ type: 'failed', seq: msg.seq, message: err instanceof Error ? err.message : String(err) });
    }
  } else if (msg.type === 'rotate') {
    const done = spool;
    spool = new Spool(data.dir, `w${data.id}-${++generation}`);
    reply({ type: 'rotated', spools: await done.close() });
  } else if (msg.type === 'finish') {
    reply({ type: 'finished', spools: await spool.close(), stages });
  } else {
    await spool.abort();
    reply({ type: 'aborted' });
  }
});
