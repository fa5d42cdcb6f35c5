import type { DenseMap } from './conv2d3x3.ts';

/** 2x2 max pooling with stride 2 in floor mode (PyTorch's default; an odd last row/column is dropped). */
export function maxpool2x2Cpu(input: DenseMap): DenseMap {
  const { width: W, channels: C } = input;
  const height = Math.floor(input.height / 2);
  const width = Math.floor(W / 2);
  const out = new Float32Array(height * width * C);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < C; c++) {
        const at = (dy: number, dx: number) => input.data[((2 * y + dy) * W + 2 * x + dx) * C + c];
        out[(y * width + x) * C + c] = Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1));
      }
    }
  }
  return { data: out, height, width, channels: C };
}
