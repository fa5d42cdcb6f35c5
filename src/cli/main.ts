// The `tadt` command line: track, eval, weights, demo, info.
import { EVAL_HELP, evalCommand } from './eval.ts';

const HELP = `tadt: TADT (Target-Aware Deep Tracking) on WebGPU

  tadt track <folder|video|dataset-root> [options]  track a sequence (tadt track --help)
  tadt worker --queue redis://HOST:PORT/N           track queued sequences on this machine (tadt worker --help)
  tadt eval [options]                                success/precision tables and plots
  tadt weights convert <file.mat> | download         install VGG-16 weights
  tadt demo [--dataset ROOT]                         generate a sequence, track it, score it
  tadt info                                          the WebGPU adapter in use

${EVAL_HELP}`;

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (argv: string[]) => Promise<void>> = {
  eval: evalCommand,
  track: async (argv) => (await import('./track.ts')).trackCommand(argv),
  worker: async (argv) => (await import('./worker.ts')).workerCommand(argv),
  weights: async (argv) => (await import('./weights.ts')).weightsCommand(argv),
  demo: async (argv) => (await import('./demo.ts')).demoCommand(argv),
  info: async () => (await import('./info.ts')).infoCommand(),
};

if (!command || command === '--help' || command === 'help') {
  console.log(HELP);
} else if (!Object.hasOwn(commands, command)) {
  console.error(`tadt: unknown command "${command}"\n`);
  console.error(HELP);
  process.exitCode = 2;
} else {
  try {
    await commands[command](rest);
  } catch (e) {
    console.error(`tadt ${command}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.TADT_DEBUG) console.error(e);
    process.exitCode = 1;
  }
}
