// Where converted weights are installed. The directory can be moved with $TADT_WEIGHTS_DIR
// (tests and CI point it at a temp dir so they never see a user's real install).
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_FILE_NAME = 'vgg16-conv4.tadtw';

export function weightsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TADT_WEIGHTS_DIR || join(homedir(), '.cache', 'tadt-webgpu');
}

/** The installed cache that `tadt weights convert|download` write and the tracker loads by default. */
export function defaultCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(weightsDir(env), CACHE_FILE_NAME);
}

/** Cache for an explicitly given .mat, keyed by its content so edits or renames are noticed. */
export function matCachePath(sha256: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(weightsDir(env), `vgg16-conv4-${sha256.slice(0, 16)}.tadtw`);
}
