// Errors about a weight file's contents; the message always starts with the file's path.

export class WeightFileError extends Error {
  readonly file: string;
  constructor(file: string, what: string) {
    super(`${file}: ${what}`);
    this.name = new.target.name;
    this.file = file;
  }
}

/** The file is not a readable MAT-file, or holds something the reader does not handle. */
export class MatError extends WeightFileError {}

/** The converted weight cache is missing, truncated or corrupt. */
export class CacheError extends WeightFileError {}
