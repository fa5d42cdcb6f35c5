import { expect } from 'chai';
import { Dispatch } from '../src/runtime/dispatch.ts';
import { makeOp } from '../src/runtime/op.ts';
import { Plan } from '../src/runtime/plan.ts';
import { expandIncludes } from '../src/runtime/shader-include.ts';
import { shaderInterface } from '../src/runtime/shader-interface.ts';
import { StructTable } from '../src/runtime/struct-table.ts';
import { gpuEngine } from './helpers/gpu.ts';
import { rejects } from './helpers/rejects.ts';

// Writes out[slot] = a * 1000 + b - c, so every field lands in a distinct, checkable place.
const PROBE = `
// A comment with a colon: not a field.
struct Params {
  a: u32, b: i32,  // two on a line
  c: f32,
  slot: u32,
}
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> unused_but_bound: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() {
  out[params.slot] = f32(params.a) * 1000.0 + f32(params.b) - params.c + unused_but_bound[0] * 0.0;
}`;

describe('runtime: named uniforms and bindings, ops and plans', () => {
  it('reads the Params struct and the bindings of a shader by name', () => {
    const iface = shaderInterface('probe', PROBE);
    expect(iface.params.map((f) => [f.name, f.type, f.offset])).to.deep.equal([
      ['a', 'u32', 0],
      ['b', 'i32', 4],
      ['c', 'f32', 8],
      ['slot', 'u32', 12],
    ]);
    expect(iface.paramsBytes).to.equal(16);
    expect(iface.uniformBinding).to.equal(0);
    expect([...iface.storage]).to.deep.equal([
      ['unused_but_bound', 1],
      ['out', 2],
    ]);
    expect(() => shaderInterface('vec', 'struct Params { v: vec2u }')).to.throw(/vec: Params field v is vec2u/);
  });

  it('replaces //#include lines by the named files, recursively, and refuses a cycle', () => {
    const files: Record<string, string> = {
      inner: 'fn inner() {}',
      outer: '//#include inner\nfn outer() { inner(); }',
      loop: '//#include main',
    };
    const read = (name: string) => files[name];
    const main = 'enable subgroups;\n//#include outer\n  //#include inner\n@compute @workgroup_size(1) fn main() {}';
    // Only a line that is the include alone counts; an indented one is left as the comment it is.
    expect(expandIncludes('main', main, read)).to.equal('enable subgroups;\nfn inner() {}\nfn outer() { inner(); }\n  //#include inner\n@compute @workgroup_size(1) fn main() {}');
    expect(() => expandIncludes('main', '//#include loop', read)).to.throw(/main -> loop -> main: include cycle/);
  });

  it('fills uniforms by field name, whatever the order they are given in, and rewrites one by name', async () => {
    const engine = await gpuEngine();
    const out = engine.upload([4], 'probe out', 'f32', new Float32Array(4));
    const dummy = engine.tensor([1], 'probe dummy');
    const d = await engine.prepare({
      op: 'probe',
      shader: { name: 'probe', source: PROBE },
      buffers: { out, unused_but_bound: dummy },
      params: { slot: 2, c: 0.5, b: -7, a: 3 },
      workgroups: [1],
    });
    await engine.run([d]);
    d.set({ slot: 3 });
    await engine.run([d]);
    expect(Array.from(await out.read())).to.deep.equal([0, 0, 2992.5, 2992.5]);
    engine.discard(d);
    out.release();
    dummy.release();
  });

  it('rejects a missing, unknown or mistyped field and a missing or unknown binding, naming shader and name', async () => {
    const engine = await gpuEngine();
    const out = engine.tensor([4], 'probe out');
    const dummy = engine.tensor([1], 'probe dummy');
    const base = { op: 'probe', shader: { name: 'probe', source: PROBE }, workgroups: [1] as const };
    const buffers = { out, unused_but_bound: dummy };
    const params = { a: 1, b: 2, c: 3, slot: 0 };
    await rejects(engine.prepare({ ...base, buffers, params: { a: 1, b: 2, c: 3 } }), /probe: Params field slot not set/);
    await rejects(engine.prepare({ ...base, buffers, params: { ...params, d: 4 } }), /probe: Params has no field "d" \(fields: a, b, c, slot\)/);
    await rejects(engine.prepare({ ...base, buffers, params: { ...params, a: -1 } }), /probe: Params\.a \(u32\) = -1: not an unsigned 32-bit integer/);
    await rejects(engine.prepare({ ...base, buffers, params: { ...params, b: 1.5 } }), /probe: Params\.b \(i32\) = 1\.5: not a signed 32-bit integer/);
    await rejects(engine.prepare({ ...base, buffers: { out }, params }), /probe \(probe\): unused_but_bound not bound/);
    await rejects(engine.prepare({ ...base, buffers: { ...buffers, extra: out }, params }), /probe \(probe\): no binding named extra/);
    const d = await engine.prepare({ ...base, buffers, params });
    expect(() => d.set({ slot: 1, nope: 2 })).to.throw(/probe: Params has no field "nope"/);
    engine.discard(d);
    out.release();
    dummy.release();
  });

  it('a struct table lays out rows by the field names a shader declares, and rejects missing or unknown ones', async () => {
    const engine = await gpuEngine();
    // xcorr's Target: C4, ph, pw, ho, wo, groupsX, offset, x, z (all u32), given here out of order.
    const row = (k: number) => ({ z: 9 + k, x: 8 + k, offset: 7 + k, groupsX: 6 + k, wo: 5 + k, ho: 4 + k, pw: 3 + k, ph: 2 + k, C4: 1 + k });
    const table = new StructTable(engine, 'xcorr', 'Target', [row(0), row(100)]);
    expect(Array.from(await table.tensor.read())).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const { z: _, ...missing } = row(0);
    expect(() => table.write([row(0), missing])).to.throw(/xcorr: Target field z not set/);
    expect(() => table.write([row(0), { ...row(0), nope: 1 }])).to.throw(/xcorr: Target has no field "nope"/);
    expect(() => table.write([row(0)])).to.throw(/1 rows for a table of 2/);
    expect(() => new StructTable(engine, 'xcorr', 'Nothing', [])).to.throw(/xcorr: declares no struct Nothing/);
    table.release();
  });

  it('a plan submits its ops in order once, times its stages, and releases every op last to first', async () => {
    const engine = await gpuEngine();
    const out = engine.upload([4], 'plan out', 'f32', new Float32Array(4));
    const dummy = engine.tensor([1], 'plan dummy');
    const released: string[] = [];
    const probeOp = async (name: string, a: number, slot: number) => {
      const d = await engine.prepare({
        op: name,
        shader: { name: 'probe', source: PROBE },
        buffers: { out, unused_but_bound: dummy },
        params: { a, b: 0, c: 0, slot },
        workgroups: [1],
      });
      const op = makeOp<{ a: number }>(engine, name, { steps: [d], set: (v) => d.set(v) });
      return { ...op, release: () => (released.push(name), op.release()) };
    };
    // Both write slot 0: the later op's value survives only if the order is kept.
    const first = await probeOp('first', 1, 0);
    const second = await probeOp('second', 2, 0);
    const third = await probeOp('third', 3, 1);
    const plan = new Plan(engine, 'test plan', [
      { stage: 'early', op: first },
      { stage: 'early', op: second },
      { stage: 'late', op: third },
    ]);
    expect(plan.steps().every((s) => s instanceof Dispatch)).to.equal(true);
    expect(plan.steps().map((s) => (s as Dispatch).op)).to.deep.equal(['first', 'second', 'third']);
    await plan.run();
    expect(Array.from(await out.read()).slice(0, 2)).to.deep.equal([2000, 3000]);
    await second.set({ a: 5 });
    const seconds = await plan.profile();
    expect(Object.keys(seconds)).to.deep.equal(['early', 'late']);
    expect(Object.values(seconds).every((s) => s >= 0 && Number.isFinite(s))).to.equal(true);
    expect((await out.read())[0]).to.equal(5000);
    plan.release();
    expect(released).to.deep.equal(['third', 'second', 'first']);
    out.release();
    dummy.release();
  });

  it('an op without per-call values refuses any', async () => {
    const engine = await gpuEngine();
    const op = makeOp(engine, 'empty', { steps: [] });
    await rejects(op.set({ x: 1 } as never), /empty: takes no per-call values \(got x\)/);
  });
});
