import { expect } from 'chai';
import { jobId, parseTrackJob, parseTrackResult, withFingerprint, JOB_FORMAT } from '../src/queue/job.ts';
import { QueueProgress } from '../src/queue/progress.ts';
import { parseRedisUrl } from '../src/queue/redis.ts';
import { defaultConfig } from '../src/tracker/config.ts';

// The queue's parts that need no server: addresses, job ids, what crosses the wire, the progress line.

describe('queue parts', () => {
  describe('parseRedisUrl', () => {
    it('reads host, port and database, with the defaults of redis-cli', () => {
      const { options, display } = parseRedisUrl('redis://gpu-queue.lab:6380/3');
      expect(options).to.include({ host: 'gpu-queue.lab', port: 6380, db: 3 });
      expect(options.tls).to.equal(undefined);
      expect(display).to.equal('redis://gpu-queue.lab:6380/3');
      expect(parseRedisUrl('redis://10.0.0.5').options).to.include({ host: '10.0.0.5', port: 6379, db: 0 });
      expect(parseRedisUrl('redis://[::1]:7000/0').options).to.include({ host: '::1', port: 7000 });
    });

    it('takes credentials and TLS, and never shows the password', () => {
      const { options, display } = parseRedisUrl('rediss://lab:p%40ss@queue:6390/1');
      expect(options).to.include({ username: 'lab', password: 'p@ss', db: 1 });
      expect(options.tls).to.deep.equal({});
      expect(display).to.equal('rediss://lab:***@queue:6390/1');
    });

    it('rejects what it cannot use, quoting the URL (password masked)', () => {
      const form = 'expected redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)';
      const cases: [string, string][] = [
        ['localhost:6379', 'Redis URL "localhost:6379": not a URL'],
        ['http://h:1/0', 'Redis URL "http://h:1/0": scheme http: is not redis: or rediss:'],
        ['redis://h/zero', 'Redis URL "redis://h/zero": database "zero" is not a whole number'],
        ['redis://h/1/2', 'Redis URL "redis://h/1/2": database "1/2" is not a whole number'],
        ['redis://:secret@h/0?x=1', 'Redis URL "redis://:***@h/0?x=1": no ?query or #fragment allowed'],
      ];
      for (const [url, message] of cases) expect(() => parseRedisUrl(url), url).to.throw(`${message}; ${form}`);
    });
  });

  describe('jobs', () => {
    it('gives every sequence name an id BullMQ accepts, one per name', () => {
      expect(jobId('Basketball')).to.equal('seq-Basketball');
      expect(jobId('0001')).to.equal('seq-0001');
      expect(jobId('a:b')).to.equal('seq-a%3Ab');
      expect(jobId('a%3Ab')).not.to.equal(jobId('a:b'));
    });

    const job = withFingerprint({
      format: JOB_FORMAT, sequence: 'Seq', root: '/data', path: 'Seq', entry: { gtFile: 'groundtruth_rect.txt' }, open: {},
      config: defaultConfig(), weights: { identity: 'synthetic seed 1' },
    });

    it('fingerprints the settings: another run with the same sequence names is told apart', () => {
      const other = withFingerprint({ ...job, fingerprint: undefined, config: { ...defaultConfig(), maxWindow: 64 } } as never);
      expect(job.fingerprint).to.match(/^[0-9a-f]{64}$/);
      expect(other.fingerprint).not.to.equal(job.fingerprint);
    });

    it('checks a job from the queue, naming it', () => {
      expect(parseTrackJob('seq-Seq', JSON.parse(JSON.stringify(job)))).to.deep.equal(job);
      expect(() => parseTrackJob('seq-X', { ...job, format: 99 })).to.throw(
        'job seq-X: format 99, this worker reads format 1: run the same version of tadt everywhere',
      );
      expect(() => parseTrackJob('seq-X', { ...job, path: 3 })).to.throw('job seq-X: path is not a string');
    });

    it('checks a returned result: boxes, as many frame times, who tracked it, as many frames as the dataset here has', () => {
      const ok = { worker: 'w1', adapter: 'gpu', fps: 3, boxes: [[1, 2, 3, 4], [1.5, 2, 3, 4]], seconds: [2, 0.3] };
      expect(parseTrackResult('seq-A', ok, 2)).to.deep.equal(ok);
      expect(() => parseTrackResult('seq-A', { ...ok, boxes: [[1, 2, null, 4]] }, 2)).to.throw('job seq-A: result has no list of finite x,y,w,h boxes');
      expect(() => parseTrackResult('seq-A', { ...ok, seconds: [2] }, 2)).to.throw('job seq-A: result has 2 boxes but not as many frame times');
      expect(() => parseTrackResult('seq-A', { ...ok, worker: undefined }, 2)).to.throw('job seq-A: result lacks worker, adapter or fps');
      expect(() => parseTrackResult('seq-A', 'done', 2)).to.throw('job seq-A: result is not an object');
      expect(() => parseTrackResult('seq-A', ok, 3)).to.throw('worker w1 tracked 2 frames, this copy of the dataset has 3');
    });
  });

  describe('QueueProgress', () => {
    /** A log, not a terminal: the line is printed per finished sequence. */
    const log = () => {
      const lines: string[] = [];
      const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
      return { lines, stream };
    };

    it('counts sequences and frames over the run, and shows each worker\'s speed', () => {
      const { lines, stream } = log();
      const p = new QueueProgress(3, 30, stream);
      p.update('A', { worker: 'w2', frames: 4, total: 10, fps: 1.5 });
      p.update('B', { worker: 'w1', frames: 1, total: 10, fps: 0 });
      expect(p.line()).to.equal('[####....................] 0/3 sequences, 5/30 frames | FPS w1 -, w2 1.50');
      p.finished('A', 10, 'w2', 1.25);
      p.update('C', { worker: 'w2', frames: 1, total: 10, fps: 0 });
      expect(lines).to.deep.equal(['[#########...............] 1/3 sequences, 11/30 frames | FPS w1 -, w2 1.25\n']);
      expect(p.line(), 'a new sequence\'s first frame keeps the last speed').to.contain('w2 1.25');
    });

    it('forgets the frames and the speed of a worker whose sequence went back to the queue', () => {
      const { stream } = log();
      const p = new QueueProgress(2, 20, stream);
      p.update('A', { worker: 'w1', frames: 6, total: 10, fps: 2 });
      p.update('B', { worker: 'w2', frames: 3, total: 10, fps: 1 });
      p.requeued('A');
      expect(p.line()).to.equal('[####....................] 0/2 sequences, 3/20 frames | FPS w2 1.00');
    });
  });
});
