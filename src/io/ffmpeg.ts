// Where ffmpeg and ffprobe come from, for reading videos (io/video-*.ts) and writing them (vis/video.ts).
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';

export const FFMPEG_INSTALL_HELP =
  'Install ffmpeg 5.1 or later (Debian/Ubuntu: apt-get install ffmpeg, or npm run setup as root; Fedora: dnf install ffmpeg; ' +
  'macOS: brew install ffmpeg), or set TADT_FFMPEG to the path of an ffmpeg binary.';

const isExecutableFile = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** First executable `cmd` in the PATH directories, or null. */
function findOnPath(cmd: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(delimiter)) {
    if (dir !== '' && isExecutableFile(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/**
 * The ffmpeg binary: `TADT_FFMPEG` when set (and then only that one: a typo there must not quietly
 * run some other ffmpeg), else the first on PATH. `what` starts the error, e.g. "cannot read clip.mp4".
 */
export function requireFfmpeg(what: string): string {
  const chosen = process.env.TADT_FFMPEG;
  if (chosen !== undefined && chosen !== '') {
    if (isExecutableFile(chosen)) return chosen;
    throw new Error(`${what}: TADT_FFMPEG=${chosen} is not an executable file. ${FFMPEG_INSTALL_HELP}`);
  }
  const found = findOnPath('ffmpeg');
  if (found === null) throw new Error(`${what}: ffmpeg was not found on PATH. ${FFMPEG_INSTALL_HELP}`);
  return found;
}

/**
 * ffprobe from the same folder as `ffmpeg` (so both are one version), or null: a lone static ffmpeg
 * binary comes without it, and probing then falls back to ffmpeg itself.
 */
export function siblingFfprobe(ffmpeg: string): string | null {
  const probe = join(dirname(ffmpeg), basename(ffmpeg).replace(/ffmpeg/i, 'ffprobe'));
  return probe !== ffmpeg && isExecutableFile(probe) ? probe : null;
}

/**
 * ffmpeg's log lines made readable in one line: the `[demuxer @ 0x55d0...]` and `[error]` prefixes
 * dropped, and `file: ` too (our messages name the file already), repeats removed (decoders repeat a
 * message for every frame), the total kept short.
 */
export function ffmpegMessages(log: string, file?: string, limit = 600): string {
  const named = file === undefined ? log : log.replaceAll(`${file}: `, '');
  // Some decoders leave out the newline, so a prefix can start a message mid-line.
  const lines = named
    .replace(/\[[^\]\n]* @ 0x[0-9a-f]+\] /g, '\n')
    .split(/[\r\n]+/)
    .map((l) => l.replace(/^\[(error|fatal|warning|info)\] /, '').trim())
    .filter(Boolean);
  const text = [...new Set(lines)].join('; ');
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}
