// Fetches MatConvNet's VGG-16, verifies it and installs the converted cache. Any failure leaves
// nothing behind: the .mat only ever exists as a temp file, and the cache is renamed into place last.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { convertMatToCache, type ConvertProgress } from './cache.ts';
import { defaultCachePath } from './paths.ts';
import type { VggWeights } from './vgg.ts';

export const VGG16_URL = 'https://www.vlfeat.org/matconvnet/models/imagenet-vgg-verydeep-16.mat';
/** MatConvNet's published md5 of imagenet-vgg-verydeep-16.mat. */
export const VGG16_MD5 = '7f0f9f01dfd99c7b7088d1c5a26eb483';
const MAX_REDIRECTS = 5;

export interface DownloadOptions {
  url?: string;
  /** Expected checksums (hex). With neither given, VGG16_MD5 is expected. */
  md5?: string;
  sha256?: string;
  /** Converted cache to write; the installed default cache unless given. */
  dest?: string;
  /** Where the .mat is staged; the dest directory unless given. */
  tmpDir?: string;
  onProgress?: (received: number, total: number | undefined) => void;
  onConvertProgress?: ConvertProgress;
  /** Give up when the connection is silent this long. */
  idleTimeoutMs?: number;
}

export class DownloadError extends Error {
  readonly url: string;
  constructor(url: string, cause: string, options?: { cause?: unknown }) {
    super(`download of ${url} failed: ${cause}`, options);
    this.name = 'DownloadError';
    this.url = url;
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset', ETIMEDOUT: 'connection timed out', EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const what = err.code ? NETWORK_CODES[err.code] : undefined;
  return what ? `${what} (${err.message})` : String(err?.message ?? e);
}

function get(url: URL, idleTimeoutMs: number): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers: { 'user-agent': 'tadt-webgpu' } }, resolve);
    req.on('error', reject);
    req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no data for ${idleTimeoutMs / 1000} s`)));
  });
}

/** GET with up to 5 redirects; resolves on a 2xx response, rejects with the cause otherwise. */
async function open(start: string, idleTimeoutMs: number): Promise<{ res: IncomingMessage; url: string }> {
  let url = new URL(start);
  for (let hops = 0; ; hops++) {
    const res = await get(url, idleTimeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return { res, url: url.href };
    res.resume();
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location) {
      if (hops >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects (last to ${location})`);
      url = new URL(location, url);
      continue;
    }
    throw new Error(`HTTP ${status} ${res.statusMessage ?? ''}`.trim() + (url.href !== start ? ` from ${url.href}` : ''));
  }
}

interface Fetched { received: number; total: number | undefined; digests: Record<string, string> }

async function fetchTo(url: string, file: string, opts: DownloadOptions): Promise<Fetched> {
  const { res } = await open(url, opts.idleTimeoutMs ?? 60_000);
  const header = res.headers['content-length'];
  const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  const hashes: Record<string, Hash> = { md5: createHash('md5'), sha256: createHash('sha256') };
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      for (const h of Object.values(hashes)) h.update(chunk);
      opts.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  const out = createWriteStream(file);
  try {
    await pipeline(res, meter, out);
  } catch (e) {
    // the file may still be opening; wait, or it would appear after the caller removed it
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    if (total !== undefined && received < total) {
      throw new Error(`truncated body: received ${received} of ${total} bytes (${describe(e)})`);
    }
    throw e;
  }
  if (total !== undefined && received !== total) {
    throw new Error(`truncated body: received ${received} of ${total} bytes`);
  }
  const digests = Object.fromEntries(Object.entries(hashes).map(([k, h]) => [k, h.digest('hex')]));
  return { received, total, digests };
}

function verify(digests: Record<string, string>, opts: DownloadOptions): void {
  const expected: [string, string][] = [];
  if (opts.md5 || !opts.sha256) expected.push(['md5', opts.md5 ?? VGG16_MD5]);
  if (opts.sha256) expected.push(['sha256', opts.sha256]);
  for (const [algorithm, want] of expected) {
    if (digests[algorithm] !== want.toLowerCase()) {
      throw new Error(`${algorithm} checksum mismatch: expected ${want}, got ${digests[algorithm]}`);
    }
  }
}

export interface DownloadResult { dest: string; bytes: number; weights: VggWeights }

/** Downloads, verifies and converts; throws DownloadError (naming the URL) on any failure. */
export async function downloadWeights(opts: DownloadOptions = {}): Promise<DownloadResult> {
  const url = opts.url ?? VGG16_URL;
  const dest = opts.dest ?? defaultCachePath();
  const dir = opts.tmpDir ?? dirname(dest);
  const tmp = join(dir, `.${basename(dest)}.${process.pid}-${randomBytes(4).toString('hex')}.mat`);
  try {
    mkdirSync(dir, { recursive: true });
    mkdirSync(dirname(dest), { recursive: true });
    const { received, digests } = await fetchTo(url, tmp, opts);
    verify(digests, opts);
    const file = basename(new URL(url).pathname) || undefined;
    const weights = await convertMatToCache(tmp, dest, opts.onConvertProgress, { sha256: digests.sha256!, file });
    return { dest, bytes: received, weights };
  } catch (e) {
    if (e instanceof DownloadError) throw e;
    throw new DownloadError(url, describe(e), { cause: e });
  } finally {
    rmSync(tmp, { force: true });
  }
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  return (hms[0] ? `${hms[0]}:` : '') + hms.slice(1).map((v) => String(v).padStart(2, '0')).join(':');
}

/** One status line for stderr, e.g. `[######----]  60.0%  317.1/528.5 MB  10.2 MB/s  ETA 00:20`. */
export function formatProgress(received: number, total: number | undefined, elapsedS: number, width = 30): string {
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  const rate = elapsedS > 0 ? received / elapsedS : 0;
  const speed = `${mb(rate)} MB/s`;
  if (!total) return `${mb(received)} MB  ${speed}`;
  const fraction = Math.min(1, received / total);
  const filled = Math.round(fraction * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const eta = rate > 0 ? clock((total - received) / rate) : clock(Infinity);
  return `[${bar}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${mb(received)}/${mb(total)} MB  ${speed}  ETA ${eta}`;
}
