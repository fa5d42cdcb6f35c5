// A tiny seeded conv net for the peers-bench tests, with its plain-TS reference output.
import type { ConvSpec } from '../../bench/peers/onnx-writer.ts';
import type { Unit } from '../../bench/peers/trunk.ts';
import { conv2d3x3Cpu, type DenseMap } from '../../src/reference/conv2d3x3.ts';
import { maxpool2x2Cpu } from '../../src/reference/maxpool.ts';
import { seededArray } from './random.ts';

function conv(name: string, cin: number, cout: number, pool: boolean, seed: number): ConvSpec {
  const scale = Math.sqrt(2 / (9 * cin));
  return { name, cin, cout, pool, weight: seededArray(9 * cin * cout, seed, -scale, scale), bias: seededArray(cout, seed + 1, -0.1, 0.3) };
}

// Odd sides: the pool must drop the last row and column (floor mode), as our fused pool does.
export const TINY_INPUT: DenseMap = { height: 7, width: 9, channels: 3, data: seededArray(7 * 9 * 3, 5, -128, 128) };
export const TINY_NET = [conv('a', 3, 4, true, 11), conv('b', 4, 6, false, 21)];
export const TINY_UNIT: Unit = { name: 'tiny', first: 0, last: 1, layers: TINY_NET, flops: 0 };
export const otherConv = (cin: number, cout: number) => conv('c', cin, cout, false, 1);

export function tinyReference(input: DenseMap = TINY_INPUT): DenseMap {
  return TINY_NET.reduce((x, l) => (l.pool ? maxpool2x2Cpu(conv2d3x3Cpu(x, l)) : conv2d3x3Cpu(x, l)), input);
}
