// The per-frame work of one sequence, declared once as an ordered list of named ops: the frame's
// single submission, the per-stage timings and the cleanup all follow this list.
import { channelGather } from '../kernels/channel-gather.ts';
import { cropWindow, type CropWindow } from '../kernels/crop-window.ts';
import { featurePyramid } from '../kernels/feature-pyramid.ts';
import { frameResize } from '../kernels/frame-resize.ts';
import { featureElements, type FeatureMap } from '../kernels/layout.ts';
import { responsePeak, type ResponsePeak } from '../kernels/response-peak.ts';
import { xcorr, type Xcorr } from '../kernels/xcorr.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Op } from '../runtime/op.ts';
import { Plan, type PlanEntry } from '../runtime/plan.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { VggWeights } from '../weights/vgg.ts';
import { createBackbone, type Backbone } from './backbone.ts';
import type { TadtConfig } from './config.ts';
import type { TrackState } from './geometry.ts';

export type FrameStage = 'crop' | 'backbone' | 'correlation';

/** What the first-frame model hands the per-frame plan: the template and the channel choice. */
export interface TargetModel {
  /** ph x pw x C gathered template, C = gatheredChannels(n41 + n43). */
  template: FeatureMap;
  /** Selected conv4_1 channels; conv4_3's are computed by the restricted backbone in order. */
  idx41: Tensor<'u32'>;
  count43: number;
  /** Balance factor applied to the conv4_1 channels. */
  scale41: number;
}

/**
 * The front of the plan, built before the target is known: frame upload buffer, rescale, crop
 * and backbone. Frame 1 runs it alone; `complete` then adds the correlation ops.
 */
export class FramePlan {
  private correlation: { xcorr: Xcorr; peak: ResponsePeak; ops: Op<object>[] } | null = null;
  private plan: Plan<FrameStage> | null = null;
  private readonly tensors: Tensor[];

  private constructor(
    private readonly engine: Engine,
    readonly frameSize: { width: number; height: number },
    readonly input: Tensor<'u8'>,
    private readonly front: PlanEntry<FrameStage>[],
    private readonly crop: CropWindow,
    readonly backbone: Backbone,
  ) {
    this.tensors = [input];
  }

  static async create(
    engine: Engine,
    options: { frameSize: { width: number; height: number }; reScale: number; window: number; weights: VggWeights; config: TadtConfig },
  ): Promise<FramePlan> {
    const { frameSize, reScale, window, weights, config } = options;
    const input = engine.tensor([frameSize.height, frameSize.width, 3], 'frame', 'u8');
    const built: Op<object>[] = [];
    try {
      // Scale 1 is the identity in both references (cv2 and imresize copy the image).
      const resize = reScale === 1 ? null : await frameResize(engine, input, reScale, config.image.frameResize);
      if (resize) built.push(resize);
      const backbone = await createBackbone(engine, weights, { size: window });
      built.push(backbone);
      const crop = await cropWindow(engine, resize ? resize.output : input, { method: config.image.crop, output: backbone.input });
      const front: PlanEntry<FrameStage>[] = [
        ...(resize ? [{ stage: 'crop' as const, op: resize }] : []),
        { stage: 'crop', op: crop },
        { stage: 'backbone', op: backbone },
      ];
      return new FramePlan(engine, frameSize, input, front, crop, backbone);
    } catch (e) {
      for (const op of built.reverse()) op.release();
      input.release();
      throw e;
    }
  }

  /** Frame 1's features: the front alone, with the window at the initial state. */
  async runFront(state: TrackState): Promise<void> {
    await this.crop.set({ cx: state.cx, cy: state.cy, S: state.window });
    await new Plan(this.engine, 'frame 1 features', this.front).run();
  }

  /**
   * Adds the correlation stage for `model` (spec 4.1-4.4): gather the selected channels of the
   * search window, pyramid, xcorr with the template, and the response tail. The plan takes over
   * the model's tensors.
   */
  async complete(model: TargetModel, config: TadtConfig, window: number): Promise<void> {
    const { template, idx41 } = model;
    this.tensors.push(template.tensor, idx41);
    const F = this.backbone.relu41.height;
    const shape = { height: F, width: F, channels: template.channels, pad: 0 };
    const search: FeatureMap = { ...shape, tensor: this.engine.tensor([featureElements(shape)], 'search features') };
    this.tensors.push(search.tensor);
    const ops: Op<object>[] = [];
    try {
      const { relu41, relu43 } = this.backbone;
      ops.push(await channelGather(this.engine, { src41: relu41, src43: relu43, idx41, count43: model.count43, scale41: model.scale41 }, search));
      const pyramid = await featurePyramid(this.engine, search, config.pyramid.alignCorners);
      ops.push(pyramid);
      const xc = await xcorr(this.engine, pyramid.levels, template);
      ops.push(xc);
      const peak = await responsePeak(this.engine, xc.output, { upsampling: config.image.responseUpsampling, argmaxOrder: config.image.argmaxOrder }, window);
      ops.push(peak);
      this.correlation = { xcorr: xc, peak, ops };
    } catch (e) {
      for (const op of ops.reverse()) op.release();
      throw e;
    }
    this.plan = new Plan(this.engine, 'track frame', [...this.front, ...ops.map((op) => ({ stage: 'correlation' as const, op }))]);
  }

  get xcorr(): Xcorr {
    return this.completed().xcorr;
  }

  get peak(): ResponsePeak {
    return this.completed().peak;
  }

  get frame(): Plan<FrameStage> {
    if (!this.plan) throw new Error('frame plan used before complete()');
    return this.plan;
  }

  /** Uploads an RGB8 frame and writes this frame's window into the crop and the response tail. */
  async setFrame(rgb: Uint8Array, state: TrackState): Promise<void> {
    this.input.write(rgb);
    await this.crop.set({ cx: state.cx, cy: state.cy, S: state.window });
    await this.completed().peak.set({ S: state.window });
  }

  release(): void {
    if (this.plan) this.plan.release();
    else for (const { op } of [...this.front].reverse()) op.release();
    for (const t of this.tensors) t.release();
  }

  private completed() {
    if (!this.correlation) throw new Error('frame plan used before complete()');
    return this.correlation;
  }
}
