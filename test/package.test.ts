import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

describe('package', () => {
  it('imports as "tadt-webgpu" from plain Node (the built dist/)', function () {
    this.timeout(120_000);
    // The build is what `npm ci` runs through the prepare script; rebuild so dist/ matches src/.
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).to.equal(0);
    const script = "import('tadt-webgpu').then((m) => console.log(Object.keys(m).filter((k) => ['createEngine','createTracker','defaultConfig','resolveWeights','openSequence','evaluate'].includes(k)).sort().join(',')))";
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout.trim()).to.equal('createEngine,createTracker,defaultConfig,evaluate,openSequence,resolveWeights');
  });
});
