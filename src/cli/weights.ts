import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { convertMatToCache } from '../weights/cache.ts';
import { downloadWeights, formatProgress, VGG16_MD5, VGG16_URL } from '../weights/download.ts';
import { defaultCachePath } from '../weights/paths.ts';

export const WEIGHTS_HELP = `tadt weights convert <imagenet-vgg-verydeep-16.mat> [--out FILE]
tadt weights download [--url URL] [--md5 HEX | --sha256 HEX] [--out FILE]
  Installs the conv1_1..conv4_3 weights (30.5 MB of the 0.5 GB file) as a converted cache, by default
  ${defaultCachePath()} (or under $TADT_WEIGHTS_DIR). download fetches the official MatConvNet file
  (${VGG16_URL}), verifies md5 ${VGG16_MD5}, converts it and keeps only the converted file.`;

export async function weightsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      url: { type: 'string' },
      md5: { type: 'string' },
      sha256: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [action, file] = positionals;
  const dest = values.out ?? defaultCachePath();
  const started = performance.now();
  const bar = (done: number, total: number | undefined) =>
    process.stderr.write(`\r${formatProgress(done, total, (performance.now() - started) / 1000)}`);
  if (action === 'convert' && file) {
    if (!existsSync(file)) throw new Error(`${file}: file not found`);
    let weights;
    try {
      weights = await convertMatToCache(file, dest, (_stage, done, total) => bar(done, total));
    } finally {
      process.stderr.write('\n'); // end the progress line, so that an error starts on its own
    }
    console.log(`converted ${file} (sha256 ${weights.source.sha256}) -> ${dest}`);
  } else if (action === 'download') {
    let result;
    try {
      result = await downloadWeights({
        url: values.url,
        md5: values.sha256 ? undefined : (values.md5 ?? VGG16_MD5),
        sha256: values.sha256,
        dest,
        onProgress: bar,
      });
    } finally {
      process.stderr.write('\n');
    }
    console.log(`downloaded ${result.bytes} bytes, verified and converted -> ${result.dest}`);
  } else {
    console.log(WEIGHTS_HELP);
    if (!values.help) process.exitCode = 2;
  }
}
