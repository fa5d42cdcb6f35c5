// Streaming file digests, so a 0.5 GB source is never held in memory just to be hashed.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

export type HashAlgorithm = 'md5' | 'sha256';

export async function hashFile(path: string, algorithm: HashAlgorithm,
  onProgress?: (done: number, total: number) => void): Promise<string> {
  const total = statSync(path).size;
  const hash = createHash(algorithm);
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.(done, total);
  }
  return hash.digest('hex');
}
