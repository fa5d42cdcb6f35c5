import type { Tensor } from '../runtime/tensor.ts';

/**
 * A channels-last (HWC) f32 feature map with an optional zero border of `pad` cells on every side:
 * element (y, x, c) lives at ((y + pad) * (width + 2 pad) + (x + pad)) * channels + c.
 * The backbone keeps a 1-cell border so that 3x3 convolutions need no bounds checks; the border
 * must hold zeros. `channels` may exceed the meaningful channel count (padded to a multiple of 4
 * for vec4 loads); the extra channels hold zeros.
 */
export interface FeatureMap {
  tensor: Tensor<'f32'>;
  height: number;
  width: number;
  channels: number;
  pad: number;
}

export function featureIndex(map: Omit<FeatureMap, 'tensor'>, y: number, x: number, c: number): number {
  return ((y + map.pad) * (map.width + 2 * map.pad) + (x + map.pad)) * map.channels + c;
}

export function featureElements(map: Omit<FeatureMap, 'tensor'>): number {
  return (map.height + 2 * map.pad) * (map.width + 2 * map.pad) * map.channels;
}

export function describe(map: Omit<FeatureMap, 'tensor'>): string {
  return `${map.height}x${map.width}x${map.channels}${map.pad ? ` pad ${map.pad}` : ''}`;
}

/** `count` unpadded HWC maps of one shape, one after another in one tensor (the scale pyramid). */
export interface FeatureStack {
  tensor: Tensor<'f32'>;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * One map (or stack) per target in one tensor, each at its own element offset: the batch of a
 * batched kernel, whose items may differ in shape (channels, template size).
 */
export interface Batch<Shape> {
  tensor: Tensor<'f32'>;
  items: readonly (Shape & { offset: number })[];
}

export type MapShape = Omit<FeatureMap, 'tensor'>;
export type StackShape = Omit<FeatureStack, 'tensor'>;

/** Elements of a stack: `count` unpadded maps. */
export function stackElements(stack: StackShape): number {
  return stack.count * stack.height * stack.width * stack.channels;
}

/** Offsets for items of these sizes one after another, each on a vec4 boundary, and the total. */
export function batchOffsets(sizes: readonly number[]): { offsets: number[]; total: number } {
  let total = 0;
  const offsets = sizes.map((size) => {
    const at = total;
    total += Math.ceil(size / 4) * 4;
    return at;
  });
  return { offsets, total };
}
