// Where the queue lives: a redis:// URL, the connection options BullMQ gets for it, a quick
// reachability check (BullMQ itself would retry a wrong address forever), and a log of outages.
import { isNotConnectionError, type RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

export interface RedisTarget {
  options: RedisOptions;
  /** The URL with any password masked, for messages. */
  display: string;
}

/** How long the start-up check waits for an answer (and a connection attempt may take). */
const CHECK_MS = 3000;

const URL_FORM = 'expected redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)';

/** Parses `redis://HOST:PORT/N`; every mistake is an error quoting the URL. */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    // "host:6379" would parse, with "host:" as its scheme.
    if (!text.includes('://')) throw new TypeError();
    url = new URL(text);
  } catch {
    throw new Error(`Redis URL "${text}": not a URL; ${URL_FORM}`);
  }
  if (url.password) url.password = '***';
  const display = url.href;
  const bad = (why: string) => new Error(`Redis URL "${display}": ${why}; ${URL_FORM}`);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`scheme ${url.protocol} is not redis: or rediss:`);
  if (!url.hostname) throw bad('no host');
  if (url.search || url.hash) throw bad('no ?query or #fragment allowed');
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d*$/.test(dbText) || !Number.isSafeInteger(db)) throw bad(`database "${dbText}" is not a whole number`);
  const raw = new URL(text);
  return {
    display,
    options: {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : 6379,
      db,
      username: raw.username ? decodeURIComponent(raw.username) : undefined,
      password: raw.password ? decodeURIComponent(raw.password) : undefined,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      connectTimeout: CHECK_MS,
      // Once running, reconnect for ever, at most 2 s apart: a restarted server is back within
      // seconds, and a dataset run of hours should ride out an outage rather than give up.
      retryStrategy: (times: number) => Math.min(200 * times, 2000),
      // Commands wait for the reconnection instead of failing after a few tries (BullMQ requires
      // this of workers; the coordinator wants the same patience).
      maxRetriesPerRequest: null,
    },
  };
}

/**
 * Connects once, without retrying, and asks PING: a wrong host, port, password or database, or
 * a server that does not answer, is an error naming the URL within CHECK_MS.
 */
export async function checkRedis(target: RedisTarget): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // The client's first error says why (ECONNREFUSED, WRONGPASS...); the rejected call only says
  // that the connection closed.
  let cause: Error | undefined;
  client.on('error', (e: Error) => (cause ??= e));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_MS / 1000} s`)), CHECK_MS);
  });
  const check = async () => {
    await client.connect();
    // ioredis reports a refused SELECT as an event only, and goes on with database 0.
    await client.select(target.options.db ?? 0);
    await client.ping();
  };
  try {
    await Promise.race([check(), timeout]);
  } catch (e) {
    const why = cause ?? e;
    throw new Error(`cannot use Redis at ${target.display}: ${why instanceof Error ? why.message : String(why)}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** What the BullMQ objects (Queue, Worker, QueueEvents) expose that an outage log needs. */
interface Watched {
  on(event: 'error', listener: (e: Error) => void): unknown;
  getBackend(): { on(event: 'ready', listener: () => void): unknown };
}

/**
 * Says once that the connection was lost (BullMQ reports every failed reconnection attempt) and
 * once that it is back, so that a restarted server shows as two lines, not hundreds. Other errors
 * BullMQ reports (a lock lost to a stalled-job check, say) are logged, each once in a row.
 */
export class OutageLog {
  private down = false;
  private lastError = '';

  constructor(
    private readonly target: RedisTarget,
    private readonly log: (line: string) => void,
  ) {}

  watch(source: Watched): void {
    source.on('error', (e) => (isNotConnectionError(e) ? this.other(e) : this.lost(e)));
    source.getBackend().on('ready', () => this.back());
  }

  /** Each distinct error once in a row: a lost lock is reported at every renewal attempt. */
  private other(e: Error): void {
    if (e.message === this.lastError) return;
    this.lastError = e.message;
    this.log(e.message);
  }

  private lost(e: Error): void {
    if (this.down) return;
    this.down = true;
    this.log(`lost the connection to ${this.target.display} (${e.message}); reconnecting`);
  }

  private back(): void {
    if (!this.down) return;
    this.down = false;
    this.log(`reconnected to ${this.target.display}`);
  }
}
