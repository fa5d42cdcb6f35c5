// The per-frame work of a set of targets, declared once as an ordered list of named ops: the
// frame's single submission, the per-stage timings and the cleanup all follow this list.
// Targets that share a network input side run through one backbone as a batch; the frame is
// rescaled once per distinct rescale factor; the correlation ops serve a backbone's batch of
// targets in one dispatch each.
import { channelGather } from '../kernels/channel-gather.ts';
import { cropWindow, type CropWindow } from '../kernels/crop-window.ts';
import { featurePyramid } from '../kernels/feature-pyramid.ts';
import { frameResize, type FrameResize } from '../kernels/frame-resize.ts';
import { type Batch, batchOffsets, featureElements, type FeatureMap, type MapShape } from '../kernels/layout.ts';
import { PEAK_WORDS, parsePeaks, type PeakReadout, responsePeak, type ResponsePeak } from '../kernels/response-peak.ts';
import { xcorr, type Xcorr } from '../kernels/xcorr.ts';
import type { CopyStep } from '../runtime/dispatch.ts';
import type { Engine } from '../runtime/engine.ts';
import { makeOp, type Op } from '../runtime/op.ts';
import { Plan, type PlanEntry } from '../runtime/plan.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { VggWeights } from '../weights/vgg.ts';
import { type Backbone, createBackbone, maxBackboneBatch } from './backbone.ts';
import type { TadtConfig } from './config.ts';
import type { TrackState } from './geometry.ts';

export type FrameStage = 'crop' | 'backbone' | 'correlation';

/** What the first-frame model hands the per-frame plan: the template and the channel choice. */
export interface TargetModel {
  /** ph x pw x C gathered template, C = gatheredChannels(n41 + n43). */
  template: FeatureMap;
  /** Selected conv4_1 channels; conv4_3's are picked from the backbone's restricted conv4_3. */
  conv41: readonly number[];
  /** Selected conv4_3 channels, in the template's order. */
  conv43: readonly number[];
  /** Balance factor applied to the conv4_1 channels. */
  scale41: number;
}

/** Where a target's window goes: its rescale factor and its network input side (4(2k+1)). */
export interface TargetWindow {
  reScale: number;
  window: number;
}

/** One backbone run: targets sharing a window side, each writing its own map of the batch. */
interface Group {
  backbone: Backbone;
  members: number[];
}

/** A group's correlation ops, one dispatch (or four, the tail) for all its targets. */
interface Correlation {
  members: number[];
  xcorr: Xcorr;
  peak: ResponsePeak;
}

/**
 * The front of the plan, built before the targets' models are known: frame upload buffer, the
 * rescales, the crops and the backbones. Frame 1 runs it alone; `complete` adds the correlation.
 */
export class FramePlan {
  private correlation: Correlation[] | null = null;
  private peaks: Tensor<'u32'> | null = null;
  private plan: Plan<FrameStage> | null = null;
  private readonly tensors: Tensor[];

  private constructor(
    private readonly engine: Engine,
    readonly frameSize: { width: number; height: number },
    readonly input: Tensor<'u8'>,
    private readonly front: PlanEntry<FrameStage>[],
    private readonly crops: CropWindow[],
    private readonly groups: Group[],
    /** Per target: its group and its map in that group's batch. */
    private readonly slots: { group: Group; slot: number }[],
  ) {
    this.tensors = [input];
  }

  static async create(
    engine: Engine,
    options: { frameSize: { width: number; height: number }; targets: readonly TargetWindow[]; weights: VggWeights; config: TadtConfig },
  ): Promise<FramePlan> {
    const { frameSize, targets, weights, config } = options;
    if (targets.length === 0) throw new RangeError('frame plan: no targets');
    const input = engine.tensor([frameSize.height, frameSize.width, 3], 'frame', 'u8');
    const built: Op<object>[] = [];
    try {
      // Scale 1 is the identity in both references (cv2 and imresize copy the image).
      const resizes = new Map<number, FrameResize>();
      for (const { reScale } of targets) {
        if (reScale === 1 || resizes.has(reScale)) continue;
        const resize = await frameResize(engine, input, reScale, config.image.frameResize);
        built.push(resize);
        resizes.set(reScale, resize);
      }
      const groups: Group[] = [];
      const slots: { group: Group; slot: number }[] = [];
      for (const members of batches(targets, (window) => maxBackboneBatch(engine, window))) {
        const backbone = await createBackbone(engine, weights, { size: targets[members[0]].window, batch: members.length });
        built.push(backbone);
        const group = { backbone, members };
        groups.push(group);
        members.forEach((k, slot) => (slots[k] = { group, slot }));
      }
      const crops: CropWindow[] = [];
      for (const [k, target] of targets.entries()) {
        const source = resizes.get(target.reScale)?.output ?? input;
        const { group, slot } = slots[k];
        const crop = await cropWindow(engine, source, { method: config.image.crop, output: group.backbone.input, slot });
        built.push(crop);
        crops.push(crop);
      }
      const front: PlanEntry<FrameStage>[] = [
        ...[...resizes.values()].map((op) => ({ stage: 'crop' as const, op })),
        ...crops.map((op) => ({ stage: 'crop' as const, op })),
        ...groups.map(({ backbone }) => ({ stage: 'backbone' as const, op: backbone })),
      ];
      return new FramePlan(engine, frameSize, input, front, crops, groups, slots);
    } catch (e) {
      for (const op of built.reverse()) op.release();
      input.release();
      throw e;
    }
  }

  get targetCount(): number {
    return this.crops.length;
  }

  /** The backbones, one per batch (the benchmark reports their FLOPs). */
  get backbones(): readonly Backbone[] {
    return this.groups.map((g) => g.backbone);
  }

  /** The first frame's features: the front alone, with each window at its initial state. */
  async runFront(states: readonly TrackState[]): Promise<void> {
    await this.setWindows(states);
    await new Plan(this.engine, 'frame 1 features', this.front).run();
  }

  /**
   * Target k's relu4_1 and relu4_3 (all 512 channels: before restrictConv43) as maps of their own,
   * for the first-frame model: the backbone's maps for a batch of one, else copies of its slot.
   */
  async features(k: number): Promise<{ relu41: FeatureMap; relu43: FeatureMap; release(): void }> {
    const { group, slot } = this.slots[k];
    const { relu41, relu43 } = group.backbone;
    if (group.backbone.batch === 1) return { relu41, relu43, release() {} };
    const copies = [relu41, relu43].map((map) => ({ ...map, tensor: this.engine.tensor([featureElements(map)], `target ${k} ${map.tensor.label}`) }));
    const steps: CopyStep[] = [relu41, relu43].map((map, i) => {
      const bytes = featureElements(map) * 4;
      return { copy: { from: map.tensor, to: copies[i].tensor, bytes, fromOffset: slot * bytes } };
    });
    await this.engine.run(steps, { label: `target ${k} features` });
    return { relu41: copies[0], relu43: copies[1], release: () => copies.forEach((c) => c.tensor.release()) };
  }

  /**
   * Restricts each backbone's conv4_3 to the channels its targets selected (spec 3.4): the union
   * of their lists, in order of first appearance, so that one target's list is its own order.
   */
  async restrictConv43(models: readonly TargetModel[]): Promise<void> {
    for (const { backbone, members } of this.groups) {
      await backbone.restrictConv43([...new Set(members.flatMap((k) => models[k].conv43))]);
    }
  }

  /**
   * Adds the correlation stage (spec 4.1-4.4), one op of each kind per backbone batch serving all its
   * targets: gather each target's selected channels from its map of the batch, pyramid, xcorr with
   * its template, the response tail, and a copy of each 48-byte result into one buffer so that one
   * readback serves all. The models stay the caller's (their templates are copied).
   */
  async complete(models: readonly TargetModel[], config: TadtConfig, windows: readonly number[]): Promise<void> {
    const ops: Op<object>[] = [];
    const correlation: Correlation[] = [];
    const peaks = this.engine.tensor([PEAK_WORDS * models.length], 'peaks of all targets', 'u32');
    this.tensors.push(peaks);
    const copies: CopyStep[] = [];
    try {
      for (const { backbone, members } of this.groups) {
        const { relu41, relu43 } = backbone;
        const order = backbone.conv43Channels;
        const F = relu41.height;
        const search = this.batch('search features', members.map((k) => ({ height: F, width: F, channels: models[k].template.channels, pad: 0 })));
        const targets = members.map((k, slot) => {
          const { conv41, conv43, scale41 } = models[k];
          return { slot, list41: conv41, list43: order ? conv43.map((c) => order.indexOf(c)) : conv43, scale41 };
        });
        ops.push(await channelGather(this.engine, { src41: relu41, src43: relu43 }, targets, search));
        const pyramid = await featurePyramid(this.engine, search, config.pyramid.alignCorners);
        ops.push(pyramid);
        const templates = await this.templates(members.map((k) => models[k].template));
        const xc = await xcorr(this.engine, pyramid.levels, templates);
        ops.push(xc);
        const methods = { upsampling: config.image.responseUpsampling, argmaxOrder: config.image.argmaxOrder };
        const peak = await responsePeak(this.engine, xc.output, methods, members.map((k) => windows[k]));
        ops.push(peak);
        correlation.push({ members, xcorr: xc, peak });
        const bytes = PEAK_WORDS * 4;
        members.forEach((k, i) => copies.push({ copy: { from: peak.result, to: peaks, bytes, fromOffset: i * bytes, toOffset: k * bytes } }));
      }
      ops.push(makeOp(this.engine, 'gather peaks', { steps: copies }));
    } catch (e) {
      for (const op of ops.reverse()) op.release();
      throw e;
    }
    this.correlation = correlation;
    this.peaks = peaks;
    this.plan = new Plan(this.engine, 'track frame', [...this.front, ...ops.map((op) => ({ stage: 'correlation' as const, op }))]);
  }

  /** Every target's raw xcorr maps, [3][F][F] each (for drawing responses): one readback per batch. */
  async xcorrMaps(): Promise<{ F: number; maps: Float32Array }[]> {
    const all: { F: number; maps: Float32Array }[] = [];
    for (const { members, xcorr } of this.completed()) {
      const [, , F] = xcorr.output.shape;
      const words = await xcorr.output.read();
      members.forEach((k, i) => (all[k] = { F, maps: words.subarray(i * 3 * F * F, (i + 1) * 3 * F * F) }));
    }
    return all;
  }

  get frame(): Plan<FrameStage> {
    if (!this.plan) throw new Error('frame plan used before complete()');
    return this.plan;
  }

  /** Uploads an RGB8 frame and writes each target's window into its crop and its response tail. */
  async setFrame(rgb: Uint8Array, states: readonly TrackState[]): Promise<void> {
    this.input.write(rgb);
    await this.setWindows(states);
    for (const { members, peak } of this.completed()) await peak.set({ S: members.map((k) => states[k].window) });
  }

  /** The peaks of every target, in one readback of 48 bytes per target. */
  async readPeaks(): Promise<PeakReadout[]> {
    this.completed();
    const words = await this.peaks!.read();
    return this.crops.map((_, k) => parsePeaks(words.subarray(k * PEAK_WORDS, (k + 1) * PEAK_WORDS)));
  }

  release(): void {
    if (this.plan) this.plan.release();
    else for (const { op } of [...this.front].reverse()) op.release();
    for (const t of this.tensors) t.release();
  }

  private async setWindows(states: readonly TrackState[]): Promise<void> {
    if (states.length !== this.crops.length) throw new RangeError(`frame plan: ${states.length} windows for ${this.crops.length} targets`);
    for (const [k, state] of states.entries()) await this.crops[k].set({ cx: state.cx, cy: state.cy, S: state.window });
  }

  /** A tensor the plan owns holding maps of these shapes one after another. */
  private batch(label: string, shapes: MapShape[]): Batch<MapShape> {
    const { offsets, total } = batchOffsets(shapes.map(featureElements));
    const tensor = this.engine.tensor([total], label);
    this.tensors.push(tensor);
    return { tensor, items: shapes.map((shape, i) => ({ ...shape, offset: offsets[i] })) };
  }

  /** The templates copied into one batch (they do not change after the first frame). */
  private async templates(maps: FeatureMap[]): Promise<Batch<MapShape>> {
    const batch = this.batch('templates', maps.map(({ tensor: _, ...shape }) => shape));
    const steps = maps.map((map, i): CopyStep => ({ copy: { from: map.tensor, to: batch.tensor, bytes: featureElements(map) * 4, toOffset: batch.items[i].offset * 4 } }));
    await this.engine.run(steps, { label: 'templates' });
    return batch;
  }

  private completed(): Correlation[] {
    if (!this.correlation) throw new Error('frame plan used before complete()');
    return this.correlation;
  }
}

/**
 * Targets grouped by network input side, each group cut into batches of at most `max(side)`
 * windows, as even as possible (8 windows with room for 7 run as 4 + 4, not 7 + 1).
 */
export function batches(targets: readonly TargetWindow[], max: (window: number) => number): number[][] {
  const bySide = new Map<number, number[]>();
  targets.forEach(({ window }, k) => bySide.set(window, [...(bySide.get(window) ?? []), k]));
  return [...bySide].flatMap(([window, members]) => {
    const count = Math.ceil(members.length / max(window));
    const size = Math.ceil(members.length / count);
    return Array.from({ length: count }, (_, i) => members.slice(i * size, (i + 1) * size));
  });
}
