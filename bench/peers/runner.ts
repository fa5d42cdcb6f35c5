// The contract between the peers bench and each engine it times.
import type { DenseMap, Unit } from './trunk.ts';

export interface PreparedUnit {
  /** One inference; resolves when the engine's GPU (or CPU) work for it has finished. No readback. */
  run(): Promise<void>;
  /** The last run's output, or null where the engine cannot read this unit's output back. */
  output(): Promise<DenseMap | null>;
  dispose(): Promise<void>;
}

export interface Runner {
  /** Column name, e.g. "onnxruntime-web WebGPU". */
  name: string;
  /** Package versions and settings, for the report. */
  about: string;
  prepare(unit: Unit, input: DenseMap): Promise<PreparedUnit>;
  close(): Promise<void>;
}
