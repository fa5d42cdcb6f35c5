import type { Frame } from './frame.ts';

/**
 * Frames handed out in order, read ahead of the caller: image files (FramePrefetcher) or a video
 * (VideoFrames). Iterating one with `for await` (as runSequence does) closes it when the loop ends.
 */
export interface FrameSource extends AsyncIterable<Frame> {
  readonly remaining: number;
  next(): Promise<Frame>;
  /** Stops the reading ahead and waits for it, so that nothing is read after it returns. */
  close(): Promise<void>;
}

/** Every remaining frame of `source` in order; closes it when the loop ends, breaks or throws. */
export async function* remainingFrames(source: Pick<FrameSource, 'remaining' | 'next' | 'close'>): AsyncGenerator<Frame> {
  try {
    while (source.remaining > 0) yield await source.next();
  } finally {
    await source.close();
  }
}
