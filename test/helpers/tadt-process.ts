// The real `tadt` command in a child process (node + tsx, no npx in between, so that the pid is
// the tracker's own and a signal reaches it), with its output collected.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface TadtRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface TadtProcess {
  child: ChildProcess;
  /** Output so far; complete once `done` resolves. */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<TadtRun>;
}

/** `tadt ...args` with `env` added to this process's environment (TADT_DEBUG removed: messages as users see them). */
export function spawnTadt(args: string[], env: NodeJS.ProcessEnv = {}): TadtProcess {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete fullEnv.TADT_DEBUG;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: fullEnv });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const done = new Promise<TadtRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
  return {
    child,
    get stdout() {
      return out.stdout;
    },
    get stderr() {
      return out.stderr;
    },
    done,
  };
}
