/** A frame could not be read or decoded; `file` names it so a bad frame in a long sequence is findable. */
export class FrameError extends Error {
  override name = 'FrameError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** A sequence folder, ground-truth file or box is unusable; the message says which and why. */
export class SequenceError extends Error {
  override name = 'SequenceError';
}
