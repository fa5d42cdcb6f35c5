import type { ImageSource } from './matlab-imresize.ts';

/**
 * cv2.resize(src, (dstW, dstH), interpolation=INTER_LINEAR) on uint8, bit-exact, written from
 * OpenCV's generic resize (modules/imgproc/src/resize.cpp: resizeGeneric_, HResizeLinear,
 * VResizeLinear) for the CPU references of the pytorch-port profile. OpenCV works in 11-bit fixed
 * point (INTER_RESIZE_COEF_BITS): a horizontal pass to int, then a vertical pass to uint8.
 */

const ONE = 1 << 11;

/** cvRound (lrint): nearest, halves to even. */
function cvRound(v: number): number {
  const r = Math.floor(v + 0.5);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The two source samples and integer weights of destination coordinate d. OpenCV maps
 * fx = (float)((d + 0.5) * scale - 0.5) with scale = 1 / (dst / src) in double, splits it into
 * sx = floor(fx) and the float fraction, and stores cvRound(cbuf * 2048) with cbuf = {1.f - f, f}.
 * Horizontally a position left of 0 or right of src-1 is moved onto the edge with fraction 0;
 * vertically the fraction is kept and only the row indices are clamped. The two differ once the
 * vertical rounding (cvLinearByte) floors each product.
 */
function coefficients(d: number, src: number, dst: number, horizontal: boolean) {
  const fx = Math.fround((d + 0.5) * (1 / (dst / src)) - 0.5);
  let sx = Math.floor(fx);
  let f = Math.fround(fx - sx);
  if (horizontal && sx < 0) [sx, f] = [0, 0];
  if (horizontal && sx >= src - 1) [sx, f] = [src - 1, 0];
  return {
    s0: Math.min(Math.max(sx, 0), src - 1),
    s1: Math.min(Math.max(sx + 1, 0), src - 1),
    a0: cvRound(Math.fround(Math.fround(1 - f) * ONE)),
    a1: cvRound(Math.fround(f * ONE)),
  };
}

/**
 * The vertical pass of one byte from two horizontal results h0, h1 (pixel * 2048) and row weights
 * b0, b1, as OpenCV's SIMD body VResizeLinearVec_32s8u rounds it: each product is taken on h >> 4
 * and its high 16 bits kept, then (sum + 2) >> 2. OpenCV 4.6 applies this to every byte, row tails
 * included (the scalar FixedPtCast would round (h0 b0 + h1 b1 + 2^21) >> 22 instead).
 */
function cvLinearByte(h0: number, h1: number, b0: number, b1: number): number {
  const v = ((((h0 >> 4) * b0) >> 16) + (((h1 >> 4) * b1) >> 16) + 2) >> 2;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** cv2.resize INTER_LINEAR of a uint8 image to dstH x dstW. */
export function cv2ResizeLinear(src: ImageSource, dstH: number, dstW: number): Uint8Array {
  const { read, height, width, channels: C } = src;
  const out = new Uint8Array(dstH * dstW * C);
  for (let y = 0; y < dstH; y++) {
    const r = coefficients(y, height, dstH, false);
    for (let x = 0; x < dstW; x++) {
      const q = coefficients(x, width, dstW, true);
      for (let c = 0; c < C; c++) {
        const h0 = read(r.s0, q.s0, c) * q.a0 + read(r.s0, q.s1, c) * q.a1;
        const h1 = read(r.s1, q.s0, c) * q.a0 + read(r.s1, q.s1, c) * q.a1;
        out[(y * dstW + x) * C + c] = cvLinearByte(h0, h1, r.a0, r.a1);
      }
    }
  }
  return out;
}
