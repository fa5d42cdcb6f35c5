// Reader for MATLAB Level 5 MAT-files (the format MATLAB's `save -v6` / `-v7` and scipy.io.savemat
// write), written from MathWorks' public format description. v7.3 files are HDF5 and not handled.
// Host-neutral: it reads a Blob (a browser File, or Node's fs.openAsBlob, see mat-file.ts) in
// ranges, and inflates compressed elements with the standard DecompressionStream.
import { MatError } from './errors.ts';
import {
  type CellStop, fail, latin1, matrixHeader, MI_COMPRESSED, MI_MATRIX, NeedMore, parseMatrix, type Region, region, setField, u32,
} from './mat-elements.ts';
import type { MatValue } from './mat-types.ts';

export * from './mat-types.ts';
export type { CellStop } from './mat-elements.ts';

async function readRange(blob: Blob, pos: number, len: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(pos, pos + len).arrayBuffer());
}

/** A growing byte array: the (inflated) prefix of an element read so far. */
class Prefix {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + chunk.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  get view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

interface TopElement { type: number; at: number; data: number; nbytes: number }

/** The element's parse region from the bytes read so far: the raw matrix, or the inflated miMATRIX. */
function elementRegion(file: string, el: TopElement, le: boolean, buf: Uint8Array, partial: boolean): [Region, number, number] {
  if (el.type === MI_MATRIX) return [region(buf, le, file, partial, (p) => `byte offset ${el.data + p}`), 0, buf.length];
  const r = region(buf, le, file, partial, (p) => `byte offset ${p} of the data decompressed from the element at byte offset ${el.at}`);
  // the compressed stream holds one miMATRIX element; its tag may lie beyond a partial inflate
  if (buf.length <= 8) {
    if (partial) throw new NeedMore();
    if (buf.length < 8) throw new MatError(file, `empty compressed element at byte offset ${el.at}`);
  }
  if (u32(r, 0) !== MI_MATRIX) fail(r, 0, `compressed element holds data type ${u32(r, 0)}, not miMATRIX`);
  const end = 8 + u32(r, 4);
  if (end > buf.length && !partial) fail(r, 0, `truncated data element (declares ${end - 8} bytes, ${buf.length - 8} left)`);
  return [r, 8, Math.min(end, buf.length)];
}

/**
 * Runs `parse` on the element's matrix as its bytes stream in (inflated on the way for a compressed
 * element): first on a prefix of `first` bytes, then 4x more each time the parse runs out, and
 * stops reading the file as soon as a parse succeeds, so that a header or the first elements of a
 * large cell cost little. With `first >= nbytes` it parses once, at the end.
 */
async function withPrefix<T>(file: string, blob: Blob, el: TopElement, le: boolean, first: number,
  parse: (r: Region, start: number, end: number) => T, onRead?: (bytes: number) => void): Promise<T> {
  const raw: ReadableStream<Uint8Array> = blob.slice(el.data, el.data + el.nbytes).stream();
  const body = onRead ? raw.pipeThrough(counter(onRead)) : raw;
  const compressed = el.type === MI_COMPRESSED;
  // Cast: DOM and Node type DecompressionStream's writable side differently (BufferSource vs Uint8Array).
  const inflate = new DecompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>;
  const reader = (compressed ? body.pipeThrough(inflate) : body).getReader();
  const prefix = new Prefix();
  let want = first;
  try {
    for (;;) {
      const next = await reader.read().catch((e: Error) => {
        const what = compressed ? 'corrupt compressed element' : 'cannot read the element';
        throw new MatError(file, `${what} at byte offset ${el.at}: ${e.message}`);
      });
      if (next.value) prefix.push(next.value);
      if (!next.done && prefix.length < want) continue;
      try {
        const [r, start, end] = elementRegion(file, el, le, prefix.view, !next.done);
        return parse(r, start, end);
      } catch (e) {
        if (!(e instanceof NeedMore) || next.done) throw e;
        want = 4 * Math.max(want, prefix.length);
      }
    }
  } finally {
    // Stops the file read and the inflater when the parse needed only a prefix.
    void reader.cancel().catch(() => undefined);
  }
}

/** Passes bytes through, reporting each chunk's size. */
function counter(onRead: (bytes: number) => void): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      onRead(chunk.length);
      controller.enqueue(chunk);
    },
  });
}

async function readHeader(file: string, blob: Blob): Promise<boolean> {
  if (blob.size < 128) throw new MatError(file, `not a MAT-file: ${blob.size} bytes, shorter than the 128-byte header`);
  const h = await readRange(blob, 0, 128);
  const endian = latin1(h.subarray(126, 128));
  if (endian !== 'IM' && endian !== 'MI') {
    throw new MatError(file, 'not a MAT-file: no Level 5 header (endian indicator "IM"/"MI" missing at byte 126)');
  }
  const le = endian === 'IM';
  const version = new DataView(h.buffer).getUint16(124, le);
  if (version === 0x0200) {
    throw new MatError(file, 'MAT-file v7.3 (HDF5) is not supported; re-save it with save(..., \'-v7\')');
  }
  if (version !== 0x0100) throw new MatError(file, `unsupported MAT-file version 0x${version.toString(16)}`);
  return le;
}

export interface ReadMatOptions {
  /** Read only these top-level variables; the others are skipped without being decompressed. */
  variables?: readonly string[];
  /**
   * For top-level cell variables: stop reading elements once this returns true. The list then
   * holds only that prefix (its `dims` stay as stored), and for a compressed variable only the
   * bytes up to there are read and inflated.
   */
  until?: CellStop;
  /** Told the size of each chunk read from the file for the variables parsed (progress). */
  onRead?: (bytes: number) => void;
}

/** First prefix tried by an `until` read: big enough for small files to need one pass. */
const FIRST_PREFIX = 1 << 23;

/**
 * Reads a MAT-file's top-level variables (all, or `opts.variables`, which must all exist) from a
 * Blob, reading only the byte ranges it needs; `file` names it in errors.
 */
export async function readMatBlob(blob: Blob, file: string, opts: ReadMatOptions = {}): Promise<Record<string, MatValue>> {
  const le = await readHeader(file, blob);
  const wanted = opts.variables ? new Set(opts.variables) : undefined;
  const out: Record<string, MatValue> = {};
  const seen: string[] = [];
  for (let pos = 128; pos < blob.size;) {
    if (blob.size - pos < 8) throw new MatError(file, `truncated element tag at byte offset ${pos}`);
    const tag = new DataView((await readRange(blob, pos, 8)).buffer);
    const type = tag.getUint32(0, le);
    const nbytes = tag.getUint32(4, le);
    const el: TopElement = { type, at: pos, data: pos + 8, nbytes };
    if (el.data + nbytes > blob.size) {
      throw new MatError(file, `truncated element at byte offset ${pos}: declares ${nbytes} bytes, ` +
        `${blob.size - el.data} left in the file`);
    }
    pos = type === MI_COMPRESSED ? el.data + nbytes : el.data + Math.ceil(nbytes / 8) * 8;
    if (type !== MI_MATRIX && type !== MI_COMPRESSED) continue;
    if (wanted) {
      const name = await withPrefix(file, blob, el, le, 512, (r, start, end) => matrixHeader(r, start, end).name);
      seen.push(name);
      if (!wanted.has(name)) continue;
    }
    const first = opts.until ? FIRST_PREFIX : el.nbytes;
    const { name, value } = await withPrefix(file, blob, el, le, first, (r, start, end) => parseMatrix(r, start, end, opts.until), opts.onRead);
    if (!wanted) seen.push(name);
    setField(out, name, value);
  }
  const missing = [...(wanted ?? [])].filter((v) => !Object.hasOwn(out, v));
  if (missing.length) {
    throw new MatError(file, `no variable ${missing.map((m) => `"${m}"`).join(', ')} ` +
      `(the file holds: ${seen.length ? seen.join(', ') : 'nothing'})`);
  }
  return out;
}

/** Same as readMatBlob, from bytes already in memory; `name` is used in error messages. */
export function parseMat(bytes: Uint8Array, name: string, opts: ReadMatOptions = {}): Promise<Record<string, MatValue>> {
  return readMatBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), name, opts);
}

/** True when the bytes start like a Level 5 MAT-file header (any version). */
export function looksLikeMat(head: Uint8Array): boolean {
  if (head.length < 128) return false;
  const endian = latin1(head.subarray(126, 128));
  return endian === 'IM' || endian === 'MI';
}
