import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../host/node-engine.ts';
import { DEFAULT_QUEUE_NAME } from '../queue/job.ts';
import { checkRedis, parseRedisUrl } from '../queue/redis.ts';
import { startWorker } from '../queue/worker.ts';

export const WORKER_HELP = `tadt worker --queue redis://HOST:PORT/N [options]
  Takes sequences queued by \`tadt track ROOT --all --queue ...\` and tracks them on this machine's GPU, one
  at a time, until stopped (Ctrl-C or SIGTERM: finishes the current sequence; twice: stops at once, and the
  sequence goes back to the queue when its lock expires).
  --queue URL          the Redis server and database the coordinator uses
  --queue-name NAME    BullMQ queue name (default ${DEFAULT_QUEUE_NAME}; the same as the coordinator's)
  --dataset-root DIR   this machine's copy of the dataset (default: the coordinator's path, for a shared one)
  --weights FILE       this machine's weights file (default: the coordinator's path, else the installed weights);
                       they must be the weights the coordinator uses
  --name ID            shown in the coordinator's progress (default HOST-PID)
  --lock-seconds S     a job whose worker stops renewing its lock this long is retried elsewhere (default 30)
  --stalled-seconds S  how often to look for such jobs (default 30)
  --max-stalled N      how many times a sequence may be retried so before it fails (default 2)
  --adapter NAME       pick a WebGPU adapter by name`;

export async function workerCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      queue: { type: 'string' },
      'queue-name': { type: 'string', default: DEFAULT_QUEUE_NAME },
      'dataset-root': { type: 'string' },
      weights: { type: 'string' },
      name: { type: 'string', default: `${hostname()}-${process.pid}` },
      'lock-seconds': { type: 'string', default: '30' },
      'stalled-seconds': { type: 'string', default: '30' },
      'max-stalled': { type: 'string', default: '2' },
      adapter: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.queue || positionals.length > 0) {
    console.log(WORKER_HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const target = parseRedisUrl(values.queue);
  const datasetRoot = values['dataset-root'] && resolve(values['dataset-root']);
  if (datasetRoot && !existsSync(datasetRoot)) throw new Error(`--dataset-root ${datasetRoot}: no such folder`);
  const lockMs = seconds('--lock-seconds', values['lock-seconds']);
  const stalledMs = seconds('--stalled-seconds', values['stalled-seconds']);
  const maxStalled = Number(values['max-stalled']);
  if (!Number.isInteger(maxStalled) || maxStalled < 0) throw new Error(`--max-stalled ${values['max-stalled']}: expected a whole number`);
  await checkRedis(target);

  const name = values.name;
  const log = (line: string) => console.error(`worker ${name}: ${line}`);
  const engine = await createEngine({ adapter: values.adapter });
  const worker = await startWorker(engine, {
    target,
    queueName: values['queue-name'],
    datasetRoot,
    weights: values.weights,
    name,
    lockMs,
    stalledMs,
    maxStalled,
    log,
  });
  log(`waiting for sequences on ${target.display} queue ${values['queue-name']} [${engine.adapterName}]`);

  const stopped = new Promise<void>((done) => {
    let signals = 0;
    const stop = (signal: string) => {
      if (++signals === 1) {
        log(`${signal}: finishing the current sequence, then stopping (again to stop at once)`);
        worker.close().then(done, done);
      } else {
        // The job's lock then expires and another worker takes the sequence from the start.
        log(`${signal}: stopping now`);
        process.exit(1);
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await stopped;
  await engine.destroy();
}

function seconds(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} ${text}: expected a positive number of seconds`);
  return Math.round(v * 1000);
}
