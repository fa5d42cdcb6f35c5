import { expect } from 'chai';
import { Queue, QueueEvents } from 'bullmq';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUEUE_NAME, type TrackProgress } from '../src/queue/job.ts';
import { toPng } from '../src/vis/raster.ts';
import { freePort, RedisServer } from './helpers/redis-server.ts';
import { scene } from './helpers/scene.ts';
import { spawnTadt, type TadtProcess } from './helpers/tadt-process.ts';

// A run spread over machines, on one: a real redis-server on a loopback port, a coordinator and
// three `tadt worker`s as real processes, tracking short generated sequences (6 frames of 100x80,
// a 48-px target: a few seconds each on lavapipe) with the synthetic weights.

const SEQUENCES = ['Alpha', 'Bravo', 'Charlie', 'Delta'];
/**
 * Settings shared by the local and the queued runs, which travel to the workers in the jobs. The
 * clamped window makes the boxes drift off whole pixels, so that any difference in the floats shows.
 */
const TRACK = ['--max-window', '64'];
/**
 * A killed worker's job is taken back after its lock expires (10 s) and a stalled-job check
 * (every 2 s) sees it. The lock outlasts by far the longest stretch a worker's event loop is
 * blocked (under a second: a first frame's pipeline compilation); retries are allowed generously
 * so that, even so, a false stall would cost time, never a sequence.
 */
const WORKER = ['--lock-seconds', '10', '--stalled-seconds', '2', '--max-stalled', '5'];

/** OTB layout, the target moving 3 px right and 2 down a frame; `k` varies start and texture. */
function writeSequence(dir: string, k: number): void {
  mkdirSync(join(dir, 'img'), { recursive: true });
  const targets = Array.from({ length: 6 }, (_, f) => ({ x: 8 + 5 * k + 3 * f, y: 6 + 3 * k + 2 * f, w: 48, h: 48, seed: 30 + k }));
  targets.forEach((t, f) => writeFileSync(join(dir, 'img', `000${f + 1}.png`), toPng(scene(100, 80, [t]))));
  writeFileSync(join(dir, 'groundtruth_rect.txt'), targets.map((t) => `${t.x + 1},${t.y + 1},${t.w},${t.h}\n`).join(''));
}

describe('tadt track --queue and tadt worker (BullMQ on a real redis-server)', () => {
  let tmp = '';
  let redis: RedisServer;
  let env: NodeJS.ProcessEnv;
  const workers = new Map<string, TadtProcess>();
  const data = () => join(tmp, 'data');
  const ref = () => join(tmp, 'local');

  const startWorker = (name: string) => workers.set(name, spawnTadt(['worker', '--queue', redis.url, '--name', name, ...WORKER], env));

  /** Listens for progress reports; `next` is the first one that `pick` accepts. */
  async function progressWhere(pick: (p: TrackProgress) => boolean): Promise<{ next: Promise<{ sequence: string; progress: TrackProgress }> }> {
    const events = new QueueEvents(DEFAULT_QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    await events.waitUntilReady();
    const next = new Promise<{ sequence: string; progress: TrackProgress }>((resolve) => {
      events.on('progress', ({ jobId, data }) => {
        const progress = data as TrackProgress;
        if (!pick(progress)) return;
        events.removeAllListeners('progress');
        void events.close();
        resolve({ sequence: decodeURIComponent(jobId.replace(/^seq-/, '')), progress });
      });
    });
    return { next };
  }

  /** Every result byte for byte as the local run wrote it, times as many lines; no other file. */
  function expectSameAsLocal(dir: string): void {
    expect(readdirSync(dir).sort()).to.deep.equal(SEQUENCES.flatMap((s) => [`${s}.txt`, `${s}_time.txt`]).sort());
    for (const s of SEQUENCES) {
      expect(readFileSync(join(dir, `${s}.txt`), 'utf8'), s).to.equal(readFileSync(join(ref(), `${s}.txt`), 'utf8'));
      const times = readFileSync(join(dir, `${s}_time.txt`), 'utf8').trimEnd().split('\n');
      expect(times, s).to.have.length(6);
      for (const t of times) expect(t).to.match(/^\d+\.\d{8}$/);
    }
  }

  /** The sequences named by the coordinator's result lines, in order. */
  const summaries = (stdout: string) => stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(':')));

  /** Waits until `what` holds, looking again whenever the process writes to stderr. */
  const until = async (what: () => boolean, proc: TadtProcess, label: string) => {
    let exited = false;
    void proc.done.then(() => (exited = true));
    while (!what()) {
      if (exited) throw new Error(`${label} exited:\n${proc.stderr}`);
      await Promise.race([once(proc.child.stderr!, 'data'), proc.done]);
    }
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tadt-queue-'));
    mkdirSync(join(tmp, 'redis'));
    mkdirSync(join(tmp, 'weights'));
    env = { TADT_WEIGHTS_DIR: join(tmp, 'weights') };
    redis = await RedisServer.start(join(tmp, 'redis'));
    SEQUENCES.forEach((name, k) => writeSequence(join(data(), name), k));
    ['w1', 'w2', 'w3'].forEach(startWorker);
    const local = await spawnTadt(['track', data(), '--all', '--out', ref(), '--quiet', ...TRACK], env).done;
    expect(local.code, local.stderr).to.equal(0);
    for (const [name, w] of workers) await until(() => w.stderr.includes('waiting for sequences'), w, `worker ${name}`);
  });

  after(async () => {
    for (const w of workers.values()) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await w.done;
    }
    await redis?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('three workers track every sequence; one SIGKILLed mid-sequence loses nothing: each result written once, as a local --all run writes it', async () => {
    const out = join(tmp, 'queued');
    const midSequence = await progressWhere((p) => p.frames >= 2 && p.frames < p.total);
    const t0 = performance.now();
    const coordinator = spawnTadt(['track', data(), '--all', '--queue', redis.url, '--out', out, ...TRACK], env);
    const { sequence, progress } = await midSequence.next;
    const victim = workers.get(progress.worker)!;
    victim.child.kill('SIGKILL');
    const killedAt = performance.now();
    const run = await coordinator.done;
    expect(run.code, run.stderr).to.equal(0);

    expect(run.stderr).to.contain(`${sequence}: its worker stopped renewing the job's lock; the sequence goes back to the queue`);
    expect(summaries(run.stdout).sort(), run.stdout).to.deep.equal(SEQUENCES);
    const line = run.stdout.split('\n').find((l) => l.startsWith(`${sequence}:`))!;
    expect(line).to.match(/\[w\d: /);
    expect(line, 'tracked again by another worker').not.to.contain(`[${progress.worker}:`);
    expect(run.stderr).to.match(/4\/4 sequences, 24\/24 frames \| FPS /);
    expectSameAsLocal(out);
    const queue = new Queue(DEFAULT_QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const counts = await queue.getJobCounts();
      expect(Object.values(counts).every((n) => n === 0), JSON.stringify(counts)).to.equal(true);
    } finally {
      await queue.close();
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`      (${progress.worker} killed at frame ${progress.frames}/${progress.total} of ${sequence}, ${s(killedAt - t0)} in; ` +
      `run done ${s(performance.now() - killedAt)} later)`);
  });

  it('resumes with the results it has, and rides out a Redis restart: workers and coordinator reconnect, the run completes', async () => {
    const out = join(tmp, 'restart');
    mkdirSync(out);
    for (const f of ['Alpha.txt', 'Alpha_time.txt', 'Bravo.txt', 'Bravo_time.txt']) copyFileSync(join(ref(), f), join(out, f));
    const kept = statSync(join(out, 'Alpha.txt')).mtimeMs;
    const alive = [...workers.values()].filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const midSequence = await progressWhere((p) => p.frames >= 2 && p.frames < p.total);
    const coordinator = spawnTadt(['track', data(), '--all', '--queue', redis.url, '--out', out, ...TRACK], env);
    await midSequence.next;
    await redis.stop();
    // Down until everyone has noticed, so that the reconnection is seen to happen.
    const lost = `lost the connection to ${redis.url}`;
    await until(() => coordinator.stderr.includes(lost), coordinator, 'the coordinator');
    for (const w of alive) await until(() => w.stderr.includes(lost), w, 'a worker');
    await redis.restart();
    const run = await coordinator.done;
    expect(run.code, run.stderr).to.equal(0);

    expect(run.stderr).to.contain('Alpha: found results, skipping (use --overwrite)');
    expect(run.stderr).to.contain(`reconnected to ${redis.url}`);
    for (const w of alive) expect(w.stderr).to.contain(`reconnected to ${redis.url}`);
    expect(summaries(run.stdout).sort()).to.deep.equal(['Charlie', 'Delta']);
    expect(statSync(join(out, 'Alpha.txt')).mtimeMs).to.equal(kept);
    expectSameAsLocal(out);
  });

  it('a coordinator stopped mid-run: the same command again writes what the workers finished meanwhile, tracking nothing twice', async () => {
    const out = join(tmp, 'collect');
    mkdirSync(out);
    for (const s of ['Alpha', 'Bravo', 'Charlie']) for (const f of [`${s}.txt`, `${s}_time.txt`]) copyFileSync(join(ref(), f), join(out, f));
    const alive = [...workers.values()].filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const tracked = () => alive.map((w) => w.stderr.split('Delta: started').length - 1);
    const before = tracked();
    const args = ['track', data(), '--all', '--queue', redis.url, '--out', out, ...TRACK];
    const midSequence = await progressWhere((p) => p.frames >= 2 && p.frames < p.total);
    const first = spawnTadt(args, env);
    const { progress } = await midSequence.next;
    first.child.kill('SIGKILL');
    await first.done;
    const worker = workers.get(progress.worker)!;
    const finished = worker.stderr.split('Delta: 6 frames').length;
    await until(() => worker.stderr.split('Delta: 6 frames').length > finished, worker, `worker ${progress.worker}`);
    expect(() => statSync(join(out, 'Delta.txt'))).to.throw();

    const again = await spawnTadt(args, env).done;
    expect(again.code, again.stderr).to.equal(0);
    expect(summaries(again.stdout)).to.deep.equal(['Delta']);
    expect(tracked(), 'Delta tracked once in all').to.deep.equal(before.map((n, i) => n + (alive[i] === worker ? 1 : 0)));
    expectSameAsLocal(out);
  });

  it('maps paths with --dataset-root; a sequence that fails on a worker is reported with its worker, and nothing is written', async () => {
    const empty = join(tmp, 'empty-copy');
    mkdirSync(empty);
    const out = join(tmp, 'failed');
    const queueName = ['--queue-name', 'elsewhere'];
    const worker = spawnTadt(['worker', '--queue', redis.url, ...queueName, '--name', 'w9', '--dataset-root', empty, ...WORKER], env);
    try {
      const run = await spawnTadt(['track', data(), '--all', '--queue', redis.url, ...queueName, '--out', out, ...TRACK], env).done;
      expect(run.code).to.equal(1);
      for (const s of SEQUENCES) expect(run.stderr).to.contain(`tadt track: ${s}: on worker w9: ${join(empty, s)}: no such folder or video file\n`);
      expect(run.stderr.trim().split('\n').at(-1)).to.equal(
        `tadt track: 4 of 4 sequences failed (no results written): ${SEQUENCES.join(', ')}`,
      );
      expect(() => statSync(out)).to.throw();
      // Failed jobs stay on the queue, to be looked at; the next run queues them again.
      const queue = new Queue('elsewhere', { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        expect(await queue.getJobCounts('failed', 'waiting', 'active')).to.deep.equal({ failed: 4, waiting: 0, active: 0 });
      } finally {
        await queue.close();
      }
    } finally {
      worker.child.kill('SIGTERM');
      await worker.done;
    }
  });

  it('a wrong URL, an unreachable or silent server, a wrong database, no --all: a clear error naming the URL, within seconds', async () => {
    const closed = await freePort();
    const silent: Server = createServer(() => {}).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const mute = (silent.address() as { port: number }).port;
    const out = join(tmp, 'never');
    const t0 = performance.now();
    try {
      const runs = await Promise.all([
        spawnTadt(['track', data(), '--all', '--queue', `http://127.0.0.1:${redis.port}/0`, '--out', out], env).done,
        spawnTadt(['track', data(), '--all', '--queue', `redis://127.0.0.1:${closed}/0`, '--out', out], env).done,
        spawnTadt(['worker', '--queue', `redis://127.0.0.1:${mute}/0`], env).done,
        spawnTadt(['worker', '--queue', `redis://127.0.0.1:${redis.port}/99`], env).done,
        spawnTadt(['track', join(data(), 'Alpha'), '--queue', redis.url, '--out', out], env).done,
      ]);
      const seconds = (performance.now() - t0) / 1000;
      expect(runs.map((r) => r.code)).to.deep.equal([1, 1, 1, 1, 1]);
      const last = (r: { stderr: string }) => r.stderr.trim().split('\n').at(-1);
      expect(last(runs[0])).to.equal(
        `tadt track: Redis URL "http://127.0.0.1:${redis.port}/0": scheme http: is not redis: or rediss:; ` +
          'expected redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)',
      );
      expect(last(runs[1])).to.equal(`tadt track: cannot use Redis at redis://127.0.0.1:${closed}/0: connect ECONNREFUSED 127.0.0.1:${closed}`);
      expect(last(runs[2])).to.equal(`tadt worker: cannot use Redis at redis://127.0.0.1:${mute}/0: no answer within 3 s`);
      expect(last(runs[3])).to.match(new RegExp(`^tadt worker: cannot use Redis at redis://127.0.0.1:${redis.port}/99: .*DB index is out of range`));
      expect(last(runs[4])).to.equal(`tadt track: --queue ${redis.url}: needs --all (it spreads a dataset's sequences over machines)`);
      // Not a speed test: BullMQ alone would retry for ever, and "seconds" is the promise.
      expect(seconds, 'all five, in parallel').to.be.below(15);
      expect(() => statSync(out)).to.throw();
    } finally {
      silent.close();
    }
  });
});
