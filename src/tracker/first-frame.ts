// The first-frame model (spec 3): ridge regression per layer, the ranking branch, the channel
// selection, the balance factor and the gathered template. Runs once per sequence on the frame-1
// features; everything it allocates on the way is freed before it returns, but the template and
// the selected-channel list, which the per-frame plan takes over.
import { channelGather, gatheredChannels, templateWindow } from '../kernels/channel-gather.ts';
import { channelBalance } from '../kernels/channel-stats.ts';
import { featureElements, type FeatureMap } from '../kernels/layout.ts';
import { rankChannels, type RankingResult } from '../kernels/ranking.ts';
import { RidgeTrainer, type RidgeTrainResult } from '../kernels/ridge.ts';
import type { Engine } from '../runtime/engine.ts';
import type { Backbone } from './backbone.ts';
import type { TadtConfig } from './config.ts';
import type { TargetModel } from './frame-plan.ts';
import { type Selection, type SelectionOverride, selectChannels, selectionOptions } from './selection.ts';

export interface RidgeReport extends RidgeTrainResult {
  /** Channel importance: the trained kernel summed per channel. */
  v: Float32Array;
}

export interface FirstFrameReport {
  ridge: { conv41: RidgeReport; conv43: RidgeReport };
  ranking: RankingResult;
  selection: Selection;
  /** B41, B43 and the factor B43/B41 applied to the conv4_1 channels. */
  balance: { b41: number; b43: number; factor: number };
  warnings: string[];
  seconds: { ridge: number; ranking: number; selection: number };
}

/** A target's frame-1 maps: relu4_1 and all 512 channels of relu4_3. */
type Features = Pick<Backbone, 'relu41' | 'relu43'>;

/**
 * Learns the target model from the frame-1 features in `backbone` (relu4_1 and all of relu4_3)
 * for a ph x pw template. The caller restricts conv4_3 to `report.selection.conv43` afterwards.
 */
export async function learnTarget(
  engine: Engine,
  backbone: Features,
  template: [number, number],
  config: TadtConfig,
  override: SelectionOverride | undefined,
): Promise<{ model: TargetModel; report: FirstFrameReport }> {
  const t0 = performance.now();
  const conv41 = await trainRidge(engine, backbone.relu41, template, config);
  const conv43 = await trainRidge(engine, backbone.relu43, template, config);
  const t1 = performance.now();
  const kernel: [number, number] = [template[0] + 2, template[1] + 2];
  const ranking = await rankChannels(engine, backbone.relu41, { kernel, config: config.ranking });
  const warnings = ranking.warning ? [ranking.warning] : [];
  const t2 = performance.now();

  const selection = selectChannels(
    { v41: conv41.v, v43: conv43.v, rankMask41: ranking.skipped ? undefined : ranking.mask },
    selectionOptions(config.selection, override),
  );
  if (selection.conv41.length + selection.conv43.length === 0) throw new Error('channel selection is empty');
  const balance = await balanceFactor(engine, backbone, selection, override);
  const templateMap = await gatherTemplate(engine, backbone, selection, balance.factor, template);
  const t3 = performance.now();
  return {
    model: { template: templateMap, conv41: selection.conv41, conv43: selection.conv43, scale41: balance.factor },
    report: {
      ridge: { conv41, conv43 },
      ranking,
      selection,
      balance,
      warnings,
      seconds: { ridge: (t1 - t0) / 1000, ranking: (t2 - t1) / 1000, selection: (t3 - t2) / 1000 },
    },
  };
}

async function trainRidge(engine: Engine, map: FeatureMap, template: [number, number], config: TadtConfig): Promise<RidgeReport> {
  const trainer = await RidgeTrainer.create(engine, map, { template, config: config.ridge });
  try {
    const result = await trainer.train();
    return { ...result, v: await trainer.importance() };
  } finally {
    trainer.release();
  }
}

/** B_l = max over pixels of the sum of the top ridge-ranked channels (spec 3.4); 8 bytes read back. */
async function balanceFactor(
  engine: Engine,
  backbone: Features,
  selection: Selection,
  override: SelectionOverride | undefined,
): Promise<FirstFrameReport['balance']> {
  const out = engine.tensor([2], 'balance B41 B43');
  const lists = [selection.balance41, selection.balance43].map((l, i) =>
    engine.upload([l.length], `balance list ${i}`, 'u32', Uint32Array.from(l)),
  );
  const ops = [];
  let b41: number;
  let b43: number;
  try {
    ops.push(await channelBalance(engine, backbone.relu41, lists[0], out, 0));
    ops.push(await channelBalance(engine, backbone.relu43, lists[1], out, 1));
    await engine.run(ops.flatMap((op) => [...op.steps]), { label: 'balance' });
    [b41, b43] = await out.read();
  } finally {
    ops.forEach((op) => op.release());
    lists.forEach((t) => t.release());
    out.release();
  }
  const explicit = override?.mode === 'explicit' ? override.balance : undefined;
  // An all-zero conv4_1 response (b41 = 0) would make the factor infinite: keep the layers unbalanced then.
  const factor = explicit ?? (b41 > 0 ? Math.fround(b43 / b41) : 1);
  return { b41, b43, factor };
}

/** The template patch of the selected channels (spec 3.1, 3.4), from the unrestricted frame-1 relu4_3. */
async function gatherTemplate(
  engine: Engine,
  backbone: Features,
  selection: Selection,
  scale41: number,
  [ph, pw]: [number, number],
): Promise<FeatureMap> {
  const F = backbone.relu41.height;
  const shape = { height: ph, width: pw, channels: gatheredChannels(selection.conv41.length + selection.conv43.length), pad: 0 };
  const map: FeatureMap = { ...shape, tensor: engine.tensor([featureElements(shape)], 'template') };
  try {
    const { relu41: src41, relu43: src43 } = backbone;
    const target = { slot: 0, list41: selection.conv41, list43: selection.conv43, scale41, window: templateWindow(F, F, ph, pw) };
    const gather = await channelGather(engine, { src41, src43 }, [target], { tensor: map.tensor, items: [{ ...shape, offset: 0 }] });
    try {
      await engine.run([...gather.steps], { label: 'template' });
    } finally {
      gather.release();
    }
  } catch (e) {
    map.tensor.release();
    throw e;
  }
  return map;
}
