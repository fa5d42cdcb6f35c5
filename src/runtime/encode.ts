// Recording a run: stages of steps into one command buffer, consecutive dispatches sharing a
// compute pass, with optional timestamps around each stage; and binding buffers by name.
import { Dispatch, type DispatchSpec, type Step } from './dispatch.ts';
import { GpuError } from './errors.ts';
import type { ShaderInterface } from './shader-interface.ts';
import { Tensor } from './tensor.ts';

/** Where a run's timestamps go: a begin/end pair per stage. */
export interface StageTimestamps {
  set: GPUQuerySet;
  resolve: GPUBuffer;
}

/**
 * One command buffer for all `stages`. With `timing`, each stage's first compute pass writes the
 * stage's begin timestamp and its last pass the end one (a stage of copies alone writes none), and
 * the pairs are resolved into `timing.resolve`.
 */
export function encodeStages(
  device: GPUDevice,
  label: string,
  stages: readonly (readonly Step[])[],
  timing: StageTimestamps | null,
): GPUCommandBuffer {
  const encoder = device.createCommandEncoder({ label });
  stages.forEach((steps, stage) => {
    const segments = splitIntoPasses(steps);
    const passes = segments.filter(Array.isArray).length;
    let pass = 0;
    for (const segment of segments) {
      if (Array.isArray(segment)) {
        const timestampWrites = timing && {
          querySet: timing.set,
          beginningOfPassWriteIndex: pass === 0 ? 2 * stage : undefined,
          endOfPassWriteIndex: pass === passes - 1 ? 2 * stage + 1 : undefined,
        };
        const computePass = encoder.beginComputePass({ label, ...(timestampWrites ? { timestampWrites } : {}) });
        for (const d of segment) d.encode(computePass);
        computePass.end();
        pass++;
      } else {
        const { from, to, bytes, fromOffset = 0, toOffset = 0 } = segment.copy;
        encoder.copyBufferToBuffer(bufferOf(from), fromOffset, bufferOf(to), toOffset, bytes);
      }
    }
  });
  if (timing) encoder.resolveQuerySet(timing.set, 0, 2 * stages.length, timing.resolve, 0);
  return encoder.finish();
}

/** The bind group entries of `buffers`, which must name every storage binding of the shader and nothing else. */
export function bindingEntries(iface: ShaderInterface, buffers: DispatchSpec['buffers'], what: string): GPUBindGroupEntry[] {
  const given = Object.keys(buffers);
  const unknown = given.filter((n) => !iface.storage.has(n));
  const missing = [...iface.storage.keys()].filter((n) => !(n in buffers));
  if (unknown.length || missing.length) {
    const parts = [unknown.length && `no binding named ${unknown.join(', ')}`, missing.length && `${missing.join(', ')} not bound`];
    throw new RangeError(`${iface.shader} (${what}): ${parts.filter(Boolean).join('; ')} (bindings: ${[...iface.storage.keys()].join(', ')})`);
  }
  return given.map((name) => {
    const b = buffers[name];
    if (b instanceof Tensor && b.isReleased) throw new GpuError(what, `tensor ${b.label} (bound as ${name}) was released`);
    return { binding: iface.storage.get(name)!, resource: { buffer: bufferOf(b) } };
  });
}

function bufferOf(b: Tensor | GPUBuffer): GPUBuffer {
  return b instanceof Tensor ? b.buffer : b;
}

function splitIntoPasses(steps: readonly Step[]): (Dispatch[] | Exclude<Step, Dispatch>)[] {
  const out: (Dispatch[] | Exclude<Step, Dispatch>)[] = [];
  for (const step of steps) {
    if (step instanceof Dispatch) {
      const last = out[out.length - 1];
      if (Array.isArray(last)) last.push(step);
      else out.push([step]);
    } else out.push(step);
  }
  return out;
}
