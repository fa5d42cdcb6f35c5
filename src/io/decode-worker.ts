// Runs in a worker_threads Worker: reads and decodes frames off the main thread so that
// decoding (about 12 ms per 640x360 JPEG in jpeg-js) overlaps the tracker's GPU waits.
import { parentPort } from 'node:worker_threads';
import { FrameError } from './errors.ts';
import { loadFrame } from './frame.ts';

export type DecodeRequest = { id: number; path: string };
export type DecodeReply =
  | { id: number; width: number; height: number; data: Uint8Array }
  | { id: number; error: { file: string; reason: string } | { message: string } };

parentPort!.on('message', async ({ id, path }: DecodeRequest) => {
  try {
    const f = await loadFrame(path);
    const reply: DecodeReply = { id, ...f };
    parentPort!.postMessage(reply, [f.data.buffer as ArrayBuffer]);
  } catch (e) {
    const error = e instanceof FrameError ? { file: e.file, reason: e.reason } : { message: String(e) };
    parentPort!.postMessage({ id, error } satisfies DecodeReply);
  }
});
