// Converted weights kept for the next visit, in the Origin Private File System: the cache file and
// a note of where it came from.

const CACHE = 'vgg16-conv4.tadtw';
const NOTE = 'vgg16-conv4.json';

export interface StoredNote {
  /** The file or URL the weights were made from. */
  from: string;
  kind: 'mat' | 'cache';
  savedAt: string;
}

async function folder(): Promise<FileSystemDirectoryHandle | null> {
  if (!navigator.storage?.getDirectory) return null;
  try {
    return await navigator.storage.getDirectory();
  } catch {
    return null;
  }
}

async function write(dir: FileSystemDirectoryHandle, name: string, data: Blob): Promise<void> {
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await writable.write(data);
  await writable.close();
}

/** Keeps the cache; false when this browser has no private storage for the page. */
export async function storeWeights(cache: Uint8Array, note: StoredNote): Promise<boolean> {
  const dir = await folder();
  if (!dir) return false;
  await write(dir, CACHE, new Blob([cache as Uint8Array<ArrayBuffer>]));
  await write(dir, NOTE, new Blob([JSON.stringify(note)], { type: 'application/json' }));
  return true;
}

/** The kept cache and its note, or null. */
export async function storedWeights(): Promise<{ cache: File; note: StoredNote } | null> {
  const dir = await folder();
  if (!dir) return null;
  try {
    const cache = await (await dir.getFileHandle(CACHE)).getFile();
    const note = JSON.parse(await (await (await dir.getFileHandle(NOTE)).getFile()).text()) as StoredNote;
    return { cache, note };
  } catch {
    return null;
  }
}

export async function forgetWeights(): Promise<void> {
  const dir = await folder();
  if (!dir) return;
  for (const name of [CACHE, NOTE]) await dir.removeEntry(name).catch(() => undefined);
}
