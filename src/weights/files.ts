// Opening a file for synchronous reads with the error type of the caller's format.
import { closeSync, openSync } from 'node:fs';

/** Runs `use` on a read-only descriptor, always closing it; an open failure goes through `onError`. */
export function withFile<T>(path: string, onError: (message: string) => Error, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw onError((e as Error).message);
  }
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}
