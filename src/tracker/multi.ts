// Several targets on one frame stream: each has its own first-frame model and state, and every
// frame runs all of them in one submission (frame-plan.ts batches their windows through the
// backbone). The single-target Tracker (tadt.ts) is this with one target.
import type { Box } from '../io/box.ts';
import { checkFrame, type Frame } from '../io/rgb-frame.ts';
import type { Engine } from '../runtime/engine.ts';
import { defaultConfig, type TadtConfig } from './config.ts';
import { learnTarget } from './first-frame.ts';
import { FramePlan, type TargetModel } from './frame-plan.ts';
import type { TrackState } from './geometry.ts';
import { releaseModel, startTarget, startWarnings, type TargetStart, trackStep } from './target.ts';
import type { InitReport, StageSeconds, TrackerOptions, UpdateResult } from './tadt.ts';

/** Results name their target by id: 1, 2, ... in the order targets were given, never reused. */
export interface TargetInitReport extends InitReport {
  target: number;
}

export interface TargetResult extends UpdateResult {
  target: number;
}

/**
 * Follows several targets on one sequence. Boxes are 0-based [x, y, w, h]; duplicate and
 * overlapping boxes are allowed. Frames as for Tracker.
 */
export interface MultiTracker {
  /** Ids of the targets followed, in the order of update()'s results. */
  readonly targets: readonly number[];
  state(target: number): TrackState;
  /**
   * Starts a sequence with these targets (at least one), dropping the previous one. Every box is
   * checked before anything is dropped; an error names the target.
   */
  init(frame: Frame, boxes: readonly Box[]): Promise<TargetInitReport[]>;
  /** Adds a target, learnt on `frame` (a frame of the sequence's size), from the next update() on. */
  add(frame: Frame, box: Box): Promise<TargetInitReport>;
  /** Stops following a target; the others go on unchanged. */
  remove(target: number): Promise<void>;
  /** Tracks one frame for every target, in one submission. */
  update(frame: Frame): Promise<TargetResult[]>;
  dispose(): void;
}

export async function createMultiTracker(engine: Engine, options: TrackerOptions): Promise<MultiTracker> {
  return new TargetSet(engine, options, true);
}

interface Target extends TargetStart {
  id: number;
  model: TargetModel;
}

/** The machinery of both trackers; `named` prefixes errors and warnings with the target. */
export class TargetSet implements MultiTracker {
  private list: Target[] = [];
  private plan: FramePlan | null = null;
  private nextId = 1;
  private busy = false;
  private readonly config: TadtConfig;

  constructor(
    readonly engine: Engine,
    private readonly options: TrackerOptions,
    private readonly named: boolean,
  ) {
    // A copy: a caller editing its config object must not change a sequence in flight.
    this.config = structuredClone(options.config ?? defaultConfig());
    const max = this.config.maxWindow;
    if (max !== null && !(Number.isInteger(max) && max >= 1)) {
      throw new RangeError(`config.maxWindow ${max}: expected null or a positive whole number of pixels`);
    }
  }

  get targets(): number[] {
    return this.list.map((t) => t.id);
  }

  get states(): TrackState[] {
    return this.list.map((t) => t.state);
  }

  state(target: number): TrackState {
    return this.find(target).state;
  }

  init(frame: Frame, boxes: readonly Box[]): Promise<TargetInitReport[]> {
    return this.exclusive('init', async () => {
      if (boxes.length === 0) throw new RangeError('init: no target boxes (at least one is needed)');
      // Everything that can be rejected from the input alone is, before the previous sequence is dropped.
      const rgb = checkFrame(frame);
      const starts = boxes.map((box, k) => this.label(k + 1, () => startTarget(this.engine, this.config, box, rgb)));
      this.dispose();
      return this.addTargets(rgb, starts);
    });
  }

  add(frame: Frame, box: Box): Promise<TargetInitReport> {
    return this.exclusive('add', async () => {
      const rgb = this.checkSize(frame, 'add');
      const start = this.label(this.nextId, () => startTarget(this.engine, this.config, box, rgb));
      return (await this.addTargets(rgb, [start]))[0];
    });
  }

  remove(target: number): Promise<void> {
    return this.exclusive('remove', async () => {
      const gone = this.find(target);
      const rest = this.list.filter((t) => t !== gone);
      const plan = rest.length ? await this.build(rest) : null;
      this.plan?.release();
      this.plan = plan;
      this.list = rest;
      releaseModel(gone.model);
    });
  }

  update(frame: Frame): Promise<TargetResult[]> {
    return this.exclusive('update', async () => {
      const plan = await this.prepareFrame(frame);
      await plan.frame.run();
      return this.finishFrame(plan);
    });
  }

  /** update() with the frame's stages timed apart: for the benchmark (see profiling.ts). */
  profileUpdate(frame: Frame): Promise<{ results: TargetResult[]; seconds: StageSeconds }> {
    return this.exclusive('profileUpdate', async () => {
      const t0 = performance.now();
      const plan = await this.prepareFrame(frame);
      await this.engine.finish();
      const upload = (performance.now() - t0) / 1000;
      const stages = await plan.frame.profile();
      const t1 = performance.now();
      const results = await this.finishFrame(plan);
      return { results, seconds: { upload, ...stages, readback: (performance.now() - t1) / 1000 } };
    });
  }

  dispose(): void {
    this.plan?.release();
    this.plan = null;
    for (const t of this.list) releaseModel(t.model);
    this.list = [];
  }

  /**
   * Learns the new targets on `rgb` and switches to a plan with every target. The old plan and
   * targets stay in use until the new plan is complete, so a failure changes nothing.
   */
  private async addTargets(rgb: Frame, starts: TargetStart[]): Promise<TargetInitReport[]> {
    const t0 = performance.now();
    const plan = await FramePlan.create(this.engine, {
      frameSize: { width: rgb.width, height: rgb.height },
      targets: [...this.list, ...starts],
      weights: this.options.weights,
      config: this.config,
    });
    const added: Target[] = [];
    const reports: TargetInitReport[] = [];
    try {
      plan.input.write(rgb.data);
      const t1 = performance.now();
      await plan.runFront([...this.states, ...starts.map((s) => s.state)]);
      await this.engine.finish();
      const t2 = performance.now();
      for (const [i, start] of starts.entries()) {
        const id = this.nextId + i;
        const features = await plan.features(this.list.length + i);
        try {
          const { model, report } = await learnTarget(this.engine, features, start.template, this.config, this.options.selection);
          added.push({ ...start, id, model });
          const warnings = [...startWarnings(start, this.config), ...report.warnings].map((w) => this.prefix(id, w));
          const seconds = { setup: (t1 - t0) / 1000, backbone: (t2 - t1) / 1000, ...report.seconds };
          const { reScale, window, template } = start;
          const synthetic = this.options.weights.synthetic;
          reports.push({ ...report, target: id, reScale, window, featureSide: window / 4, template, syntheticWeights: synthetic, warnings, seconds });
        } finally {
          features.release();
        }
      }
      const all = [...this.list, ...added];
      // After the first frame only the selected conv4_3 channels are needed: about 4 GFLOP less per window.
      await plan.restrictConv43(all.map((t) => t.model));
      await plan.complete(all.map((t) => t.model), this.config, all.map((t) => t.state.window));
    } catch (e) {
      // A half-built plan or model would hold its buffers in the shared pool for good.
      plan.release();
      for (const t of added) releaseModel(t.model);
      throw e;
    }
    this.plan?.release();
    this.plan = plan;
    this.list = [...this.list, ...added];
    this.nextId += starts.length;
    return reports;
  }

  /** A plan for these targets, whose models are learnt already. */
  private async build(targets: Target[]): Promise<FramePlan> {
    const plan = await FramePlan.create(this.engine, { frameSize: this.plan!.frameSize, targets, weights: this.options.weights, config: this.config });
    try {
      await plan.restrictConv43(targets.map((t) => t.model));
      await plan.complete(targets.map((t) => t.model), this.config, targets.map((t) => t.state.window));
    } catch (e) {
      plan.release();
      throw e;
    }
    return plan;
  }

  private find(target: number): Target {
    const found = this.list.find((t) => t.id === target);
    if (!found) throw new RangeError(`no target ${target} (targets: ${this.targets.join(', ') || 'none'})`);
    return found;
  }

  private checkSize(frame: Frame, what: string): Frame {
    if (!this.plan) throw new Error(`tracker.${what}() before tracker.init()`);
    const rgb = checkFrame(frame);
    const { width, height } = this.plan.frameSize;
    if (rgb.width !== width || rgb.height !== height) {
      throw new Error(`frame is ${rgb.width}x${rgb.height}, but the sequence started with ${width}x${height} frames`);
    }
    return rgb;
  }

  /** Uploads the frame and writes this frame's windows into the plan. */
  private async prepareFrame(frame: Frame): Promise<FramePlan> {
    const rgb = this.checkSize(frame, 'update');
    const plan = this.plan!;
    await plan.setFrame(rgb.data, this.states);
    return plan;
  }

  /** Reads every target's three peaks (48 bytes each, one readback) and moves the states. */
  private async finishFrame(plan: FramePlan): Promise<TargetResult[]> {
    const readouts = await plan.readPeaks();
    const maps = this.options.responseMaps ? await plan.xcorrMaps() : null;
    const results: TargetResult[] = [];
    for (const [k, target] of this.list.entries()) {
      const { state, result } = trackStep(target.state, target.reScale, readouts[k], this.config);
      target.state = state;
      if (maps) result.responseMaps = responseMaps(maps[k]);
      results.push({ ...result, target: target.id });
    }
    return results;
  }

  private prefix(id: number, message: string): string {
    return this.named ? `target ${id}: ${message}` : message;
  }

  private label<T>(id: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (this.named && e instanceof Error) e.message = this.prefix(id, e.message);
      throw e;
    }
  }

  /**
   * One call at a time: two un-awaited updates would write the same frame buffer and move the same
   * state, so the second is refused instead of silently tracking garbage.
   */
  private async exclusive<T>(what: string, f: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error(`tracker.${what}() while a previous init()/update() is still running: await each call`);
    this.busy = true;
    try {
      return await f();
    } finally {
      this.busy = false;
    }
  }
}

function responseMaps({ F, maps: all }: { F: number; maps: Float32Array }): { width: number; height: number; data: Float32Array }[] {
  const max = all.reduce((m, v) => Math.max(m, v), 0) || 1;
  return [0, 1, 2].map((i) => ({ width: F, height: F, data: all.slice(i * F * F, (i + 1) * F * F).map((v) => v / max) }));
}
