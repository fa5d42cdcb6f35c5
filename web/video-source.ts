// A video file as frames, decoded by the browser: the video plays until the next frame is shown,
// pauses there while the tracker works on it, and plays on when the next frame is asked for.
import { type FrameSource, grab, InputError } from './sources.ts';

const MEDIA_ERRORS: Record<number, string> = {
  1: 'loading was aborted',
  2: 'a network error stopped loading',
  3: 'it could not be decoded',
  4: 'its format or codec is not supported by this browser',
};

/** Resolves with the media time of the next frame shown after `start()` runs; null if the video ends first. */
function nextShown(video: HTMLVideoElement, after: number, start: () => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const done = (value: number | null) => {
      video.removeEventListener('ended', onEnded);
      video.removeEventListener('error', onError);
      resolve(value);
    };
    const onEnded = () => done(null);
    const onError = () => reject(new InputError(`The video stopped: ${MEDIA_ERRORS[video.error?.code ?? 0] ?? 'unknown error'}.`));
    const onFrame: VideoFrameRequestCallback = (_now, meta) => {
      if (meta.mediaTime <= after) {
        video.requestVideoFrameCallback(onFrame);
        return;
      }
      video.pause();
      done(meta.mediaTime);
    };
    video.addEventListener('ended', onEnded);
    video.addEventListener('error', onError);
    video.requestVideoFrameCallback(onFrame);
    start();
  });
}

function loaded(video: HTMLVideoElement, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    video.addEventListener('loadeddata', () => resolve(), { once: true });
    video.addEventListener('error', () => {
      const why = MEDIA_ERRORS[video.error?.code ?? 0] ?? 'unknown error';
      reject(new InputError(`${name} is not a video this browser can play: ${why}.`));
    }, { once: true });
  });
}

export async function videoFile(file: File): Promise<FrameSource> {
  if (file.type && !file.type.startsWith('video/')) {
    const hint = file.type.startsWith('image/') ? ' For images, use the image inputs.' : '';
    throw new InputError(`${file.name} is not a video (${file.type}).${hint}`);
  }
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  // Frames are only "shown" (and reported) for a video in the document; it stays out of sight.
  video.className = 'decoder';
  Object.assign(video.style, { position: 'fixed', left: '0', top: '0', width: '2px', height: '2px', opacity: '0.01', pointerEvents: 'none' });
  document.body.append(video);
  const close = () => {
    video.pause();
    video.remove();
    URL.revokeObjectURL(url);
  };
  try {
    video.src = url;
    await loaded(video, file.name);
    if (!video.videoWidth || !video.videoHeight) throw new InputError(`${file.name} has no picture (an audio file?).`);
  } catch (e) {
    close();
    throw e;
  }
  let shownAt: number | null = null;
  let count = 0;
  return {
    name: file.name.replace(/\.[^.]*$/, '') || 'video',
    async next() {
      // The first frame: seek to the start, which shows it and tells its media time.
      const time = shownAt === null
        ? await nextShown(video, -1, () => (video.currentTime = 0))
        : await nextShown(video, shownAt, () => void video.play().catch(() => undefined));
      if (time === null) return null;
      shownAt = time;
      return grab(video, video.videoWidth, video.videoHeight, `${file.name} frame ${++count} (${time.toFixed(3)} s)`);
    },
    reopen: async () => videoFile(file),
    close,
  };
}
