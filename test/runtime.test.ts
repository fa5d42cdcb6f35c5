import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fill } from '../src/kernels/fill.ts';
import { fillCpu } from '../src/reference/fill.ts';
import { GpuError } from '../src/runtime/errors.ts';
import { BufferPool } from '../src/runtime/buffer-pool.ts';
import { createEngine } from '../src/host/node-engine.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { rejects } from './helpers/rejects.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

describe('runtime', () => {
  it('finds a WebGPU adapter (fails with the how-to when there is none)', async () => {
    const engine = await gpuEngine();
    expect(engine.adapterName).to.be.a('string').and.not.be.empty;
    expect(engine.device.limits.maxStorageBufferBindingSize).to.be.at.least(128 * 1024 * 1024);
  });

  it('gives the tests a device with WebGPU\'s default limits, and raises them only on request', async () => {
    const limits = (await gpuEngine()).device.limits;
    expect([limits.maxComputeInvocationsPerWorkgroup, limits.maxStorageBuffersPerShaderStage, limits.maxComputeWorkgroupStorageSize,
      limits.maxStorageBufferBindingSize, limits.maxBufferSize]).to.deep.equal([256, 8, 16384, 2 ** 27, 2 ** 28]);
    const raised = await createEngine();
    try {
      for (const name of ['maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage', 'maxStorageBufferBindingSize'] as const) {
        expect(raised.device.limits[name], name).to.equal(raised.adapter.limits[name]);
      }
    } finally {
      await raised.destroy();
    }
    await rejects(createEngine({ limits: 'all' as 'default' }), /limits: "all" is neither 'adapter' nor 'default'/);
  });

  it('round-trips uploads of odd byte sizes', async () => {
    const engine = await gpuEngine();
    for (const n of [1, 3, 5, 1023, 123457]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const t = engine.upload([n], `u8 x${n}`, 'u8', bytes);
      expect(Array.from(await t.read())).to.deep.equal(Array.from(bytes));
      t.release();
      const floats = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);
      const f = engine.upload([n], `f32 x${n}`, 'f32', floats);
      expect(Array.from(await f.read())).to.deep.equal(Array.from(floats));
      f.release();
    }
  });

  it('runs a kernel that matches its CPU reference, and reuses its pipeline', async () => {
    const engine = await gpuEngine();
    const out = engine.tensor([3, 1001], 'fill out');
    const first = await fill(engine, out, 2.5);
    await engine.run([...first.steps]);
    expect(Array.from(await out.read())).to.deep.equal(Array.from(fillCpu(3003, 2.5)));
    const built = engine.pipelines.created;
    const again = await fill(engine, out, -1);
    await engine.run([...again.steps]);
    expect(engine.pipelines.created).to.equal(built);
    expect((await out.read())[3002]).to.equal(-1);
    first.release();
    again.release();
    out.release();
  });

  it('pools buffers by size class', async () => {
    const engine = await gpuEngine();
    expect(BufferPool.sizeClass(1)).to.equal(256);
    expect(BufferPool.sizeClass(1000)).to.equal(1024);
    expect(BufferPool.sizeClass(1025)).to.equal(1280);
    const a = engine.tensor([1000], 'pool a');
    const buffer = a.buffer;
    a.release();
    const b = engine.tensor([990], 'pool b');
    expect(b.buffer).to.equal(buffer);
    b.release();
  });

  it('turns invalid WGSL into an exception that names the op', async () => {
    const engine = await gpuEngine();
    const out = engine.tensor([4], 'bad out');
    let error: unknown;
    try {
      await engine.prepare({
        op: 'broken_op',
        shader: { name: 'broken', source: '@compute @workgroup_size(1) fn main() { let x: f32 = vec2f(1.0); }' },
        buffers: {},
        workgroups: [1],
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(GpuError);
    expect((error as GpuError).message).to.match(/^broken_op/);
    out.release();
  });

  it('a script that creates an engine, runs a kernel and destroys it exits by itself', function () {
    this.timeout(60_000);
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/engine-exit.ts'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.signal, `stderr: ${result.stderr}`).to.equal(null);
    expect(result.status, `stderr: ${result.stderr}`).to.equal(0);
    expect(result.stdout).to.contain('value 7');
    expect(Date.now() - started).to.be.below(30_000);
  });

  it('survives GC of everything but the engine under allocation pressure (Dawn instance lifetime)', function () {
    this.timeout(300_000);
    const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/fixtures/engine-gc.ts'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 280_000,
    });
    expect(result.signal, `stderr: ${result.stderr}`).to.equal(null);
    expect(result.status, `stderr: ${result.stderr}`).to.equal(0);
    expect(result.stdout).to.contain('20 rounds ok');
  });
});
