import { Dispatch, type Step } from './dispatch.ts';
import type { Engine } from './engine.ts';
import type { Tensor } from './tensor.ts';

/**
 * The one shape of every op: what it records into a run, how per-call values reach it, and how it
 * is freed. Ops that own outputs expose them as extra fields (`output`, `maps`, ...).
 */
export interface Op<Values extends object = Record<string, never>> {
  readonly name: string;
  /** The op's work, in order. Read it at each run: an op may rebuild it (a buffer that grew). */
  readonly steps: readonly Step[];
  /** Per-call values by name: uniform fields, or values the op turns into tables (a crop window). */
  set(values: Values): Promise<void>;
  /** Frees the op's dispatches and the tensors it owns; tensors passed in stay the caller's. */
  release(): void;
}

export interface OpParts<Values extends object> {
  steps: readonly Step[];
  /** Tensors made by the op, released with it. */
  owned?: readonly Tensor[];
  /** Per-call values; default: none (any name given is an error). */
  set?: (values: Values) => void | Promise<void>;
}

/** An op over dispatches prepared once: release discards them and frees `owned`. */
export function makeOp<Values extends object = Record<string, never>>(engine: Engine, name: string, parts: OpParts<Values>): Op<Values> {
  const dispatches = parts.steps.filter((s): s is Dispatch => s instanceof Dispatch);
  const set = parts.set ?? ((values: Values) => noValues(name, values));
  return {
    name,
    steps: parts.steps,
    set: async (values) => set(values),
    release() {
      for (const d of dispatches) engine.discard(d);
      for (const t of parts.owned ?? []) t.release();
    },
  };
}

function noValues(name: string, values: object): void {
  const names = Object.keys(values);
  if (names.length) throw new RangeError(`${name}: takes no per-call values (got ${names.join(', ')})`);
}
