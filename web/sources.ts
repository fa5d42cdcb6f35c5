// Where frames come from: image files, a video file (video-source.ts) or the webcam. Each gives
// its frames one at a time as the tracker asks for them, with the pixels to show and a label that
// names the frame in messages.
import { type Frame, toRgbFrame } from '../src/browser.ts';

export interface SourceFrame {
  frame: Frame;
  /** RGBA, for the canvas. */
  pixels: ImageData;
  /** Names the frame in messages: the file, or the video time. */
  label: string;
}

export interface FrameSource {
  /** Names the results file. */
  name: string;
  /** The next frame, or null at the end. */
  next(): Promise<SourceFrame | null>;
  /** Opens the same input again from its first frame; null for a live camera. */
  reopen: (() => Promise<FrameSource>) | null;
  close(): void;
}

/** The user's input cannot be used; the message says which file and why. */
export class InputError extends Error {
  override name = 'InputError';
}

const grabber = { canvas: null as OffscreenCanvas | null };

/** The pixels of an image, video or bitmap at its natural size, exactly as decoded. */
export function grab(image: CanvasImageSource, width: number, height: number, label: string): SourceFrame {
  if (!grabber.canvas || grabber.canvas.width !== width || grabber.canvas.height !== height) {
    grabber.canvas = new OffscreenCanvas(width, height);
  }
  const context = grabber.canvas.getContext('2d', { willReadFrequently: true })!;
  context.clearRect(0, 0, width, height);
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, width, height);
  return { frame: toRgbFrame({ width, height, data: pixels.data, channels: 4 }), pixels, label };
}

const byName = (a: File, b: File) => a.name.localeCompare(b.name, undefined, { numeric: true });

/** Decodes one image file without colour conversion, so that its pixels are the file's. */
async function decode(file: File): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new InputError(`${file.name} is not an image this browser can decode${file.type ? ` (${file.type})` : ''}.`);
  }
}

/**
 * Image files as frames, in name order (numbers compared as numbers). `skipOthers`: a folder's
 * non-image files (an OTB ground-truth file) are left out instead of refused.
 */
export async function imageFiles(files: readonly File[], skipOthers: boolean): Promise<{ source: FrameSource; skipped: string[] }> {
  const notImages = files.filter((f) => f.type !== '' && !f.type.startsWith('image/'));
  if (notImages.length && !skipOthers) {
    const f = notImages[0]!;
    throw new InputError(`${f.name} is not an image (${f.type}): choose image files (PNG, JPEG, …), or a video with the video input.`);
  }
  const images = files.filter((f) => !notImages.includes(f)).sort(byName);
  if (images.length === 0) throw new InputError('No image files were chosen.');
  const open = (): FrameSource => {
    let index = 0;
    let first: { name: string; width: number; height: number } | null = null;
    return {
      name: images[0]!.name.replace(/\.[^.]*$/, '') || 'frames',
      async next() {
        const file = images[index];
        if (!file) return null;
        index++;
        const bitmap = await decode(file);
        try {
          const { width, height } = bitmap;
          first ??= { name: file.name, width, height };
          if (width !== first.width || height !== first.height) {
            throw new InputError(`${file.name} is ${width}x${height}, but the first frame (${first.name}) is ` +
              `${first.width}x${first.height}: all frames of a sequence must have one size.`);
          }
          return grab(bitmap, width, height, file.name);
        } finally {
          bitmap.close();
        }
      },
      reopen: async () => open(),
      close() {},
    };
  };
  return { source: open(), skipped: notImages.map((f) => f.name) };
}

/** The webcam: each frame is the newest the camera has delivered when the tracker asks. */
export async function webcam(): Promise<FrameSource> {
  if (!navigator.mediaDevices?.getUserMedia) throw new InputError('This browser gives the page no camera (navigator.mediaDevices is missing; it needs https or localhost).');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  } catch (e) {
    const name = (e as DOMException).name;
    const why = name === 'NotAllowedError' ? 'permission to use the camera was refused' : name === 'NotFoundError' ? 'no camera was found' : (e as Error).message;
    throw new InputError(`Cannot use the webcam: ${why}.`);
  }
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  let count = 0;
  return {
    name: 'webcam',
    async next() {
      // A new camera frame, so that no frame is tracked twice.
      await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
      return grab(video, video.videoWidth, video.videoHeight, `camera frame ${++count}`);
    },
    reopen: null,
    close() {
      for (const track of stream.getTracks()) track.stop();
    },
  };
}
