// A real redis-server for the queue tests: on a free loopback port, its files in a folder of the
// test's, persistent (append-only file, fsync per write) so that a restart keeps the queue.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

const HOW_TO =
  'redis-server not found: the queue tests need a real Redis. Install Debian\'s package (apt-get install redis-server; ' +
  '`npm run setup` as root does it), or put a redis-server on PATH.';

/** A port nothing listens on now, on the loopback interface. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Fails, with the how-to, when there is no redis-server: the queue tests are never skipped. */
  static async start(dir: string): Promise<RedisServer> {
    if (spawnSync('redis-server', ['--version']).error) throw new Error(HOW_TO);
    const server = new RedisServer(await freePort(), dir);
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '',
      '--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no'];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    this.child = child;
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) break;
      if (await answers(this.port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING:\n${this.output}`);
  }

  /** SIGTERM (which writes the append-only file out) and wait for the process to end. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }

  /** Stopped and started again on the same port and files. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}

async function answers(port: number): Promise<boolean> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
