import { statSync } from 'node:fs';

/** Whether a path is a folder / a file; false for a missing path instead of an exception. */
export const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
export const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;

/** Name order for folder listings: frame 2 before frame 10, car9 before car10. */
export const natural = new Intl.Collator('en', { numeric: true }).compare;
