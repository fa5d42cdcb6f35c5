// MAT-files from disk in Node: the host-neutral readers over a file-backed Blob, which reads only
// the byte ranges asked for (a 0.5 GB file is never loaded whole).
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { MatError } from './errors.ts';
import { readMatBlob, type MatValue, type ReadMatOptions } from './mat.ts';
import { type ExtractOptions, readVggBlob, type VggWeights } from './vgg.ts';

async function openMat(path: string): Promise<Blob> {
  try {
    // stat first: its error says why (ENOENT, EACCES); openAsBlob's does not.
    if (!(await stat(path)).isFile()) throw new Error('not a regular file');
    return await openAsBlob(path);
  } catch (e) {
    throw new MatError(path, `cannot open: ${(e as Error).message}`);
  }
}

/** Reads a MAT-file's top-level variables (all, or `opts.variables`, which must all exist). */
export async function readMat(path: string, opts: ReadMatOptions = {}): Promise<Record<string, MatValue>> {
  return readMatBlob(await openMat(path), path, opts);
}

/** VGG-16 conv1_1..conv4_3 from a MatConvNet .mat on disk (see readVggBlob). */
export async function readVggMat(path: string, opts: Omit<ExtractOptions, 'file'> = {}): Promise<VggWeights> {
  return readVggBlob(await openMat(path), path, opts);
}
