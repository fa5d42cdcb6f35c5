import type { TadtConfig } from '../tracker/config.ts';

/**
 * CPU reference of the ridge net (spec 3.2), float64 throughout. x is an unpadded H x W x C HWC map,
 * weights are [C][fh][fw].
 */
export interface RidgeProblem {
  x: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
  fh: number;
  fw: number;
  label: ArrayLike<number>;
  labelWeight: ArrayLike<number>;
}

/** Channel planes with a zero border of the kernel radius: the loops below then need no bounds checks. */
function paddedPlanes(p: RidgeProblem) {
  const rh = (p.fh - 1) / 2;
  const rw = (p.fw - 1) / 2;
  const ph = p.height + 2 * rh;
  const pw = p.width + 2 * rw;
  const planes = new Float64Array(p.channels * ph * pw);
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      for (let c = 0; c < p.channels; c++) {
        planes[(c * ph + y + rh) * pw + x + rw] = p.x[(y * p.width + x) * p.channels + c];
      }
    }
  }
  return { planes, ph, pw };
}

export function ridgeForwardCpu(p: RidgeProblem, w: ArrayLike<number>, bias: number): Float64Array {
  const { planes, ph, pw } = paddedPlanes(p);
  return forward(p, planes, ph, pw, w, bias);
}

function forward(p: RidgeProblem, planes: Float64Array, ph: number, pw: number, w: ArrayLike<number>, bias: number) {
  const { height: H, width: W, fh, fw } = p;
  const o = new Float64Array(H * W).fill(bias);
  for (let c = 0; c < p.channels; c++) {
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const wv = w[(c * fh + i) * fw + j];
        for (let y = 0; y < H; y++) {
          const row = (c * ph + y + i) * pw + j;
          for (let x = 0; x < W; x++) o[y * W + x] += wv * planes[row + x];
        }
      }
    }
  }
  return o;
}

/** Loss and dL/do: MSE mean (port) or the official dead-zone, e^y-weighted form with its (2/n) gradient. */
export function ridgeLossCpu(p: RidgeProblem, o: ArrayLike<number>, deadZone: boolean) {
  const n = o.length;
  const g = new Float64Array(n);
  let loss = 0;
  for (let k = 0; k < n; k++) {
    let d = o[k] - p.label[k];
    if (deadZone) {
      if (Math.abs(d) < 0.1) d = 0;
      d *= p.labelWeight[k];
    }
    loss += d * d;
    g[k] = (2 / n) * d;
  }
  return { loss: deadZone ? loss : loss / n, g };
}

export function ridgeWeightGradCpu(p: RidgeProblem, g: ArrayLike<number>): Float64Array {
  const { planes, ph, pw } = paddedPlanes(p);
  return weightGrad(p, planes, ph, pw, g);
}

function weightGrad(p: RidgeProblem, planes: Float64Array, ph: number, pw: number, g: ArrayLike<number>) {
  const { height: H, width: W, fh, fw } = p;
  const dw = new Float64Array(p.channels * fh * fw);
  for (let c = 0; c < p.channels; c++) {
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        let s = 0;
        for (let y = 0; y < H; y++) {
          const row = (c * ph + y + i) * pw + j;
          for (let x = 0; x < W; x++) s += g[y * W + x] * planes[row + x];
        }
        dw[(c * fh + i) * fw + j] = s;
      }
    }
  }
  return dw;
}

/**
 * `iterations` iterations of forward, loss, gradient and update, stopping after the update of the
 * first iteration whose loss is under config.stopLoss.
 */
export function ridgeTrainCpu(p: RidgeProblem, config: TadtConfig['ridge'], initial: ArrayLike<number>, iterations = config.iterations) {
  const { planes, ph, pw } = paddedPlanes(p);
  const w = Float64Array.from(initial);
  const s1 = new Float64Array(w.length);
  const s2 = new Float64Array(w.length);
  const b = { w: [0], s1: [0], s2: [0] };
  const losses: number[] = [];
  const step = (param: number[] | Float64Array, m: number[] | Float64Array, v: number[] | Float64Array, k: number, grad: number, lr: number, t: number) => {
    const d = grad + config.weightDecay * param[k];
    if (config.optimizer === 'adam') {
      // MatConvNet solver.adam: the bias correction is folded into the step size, eps stays uncorrected.
      m[k] = 0.9 * m[k] + 0.1 * d;
      v[k] = 0.999 * v[k] + 0.001 * d * d;
      const lrT = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      param[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + 1e-8);
    } else {
      m[k] = config.momentum * m[k] + d;
      param[k] -= lr * m[k];
    }
  };
  for (let t = 1; t <= iterations; t++) {
    const o = forward(p, planes, ph, pw, w, b.w[0]);
    const { loss, g } = ridgeLossCpu(p, o, config.loss === 'dead-zone');
    losses.push(loss);
    const dw = weightGrad(p, planes, ph, pw, g);
    let db = 0;
    for (const v of g) db += v;
    step(b.w, b.s1, b.s2, 0, db, config.biasLearningRate, t);
    for (let k = 0; k < w.length; k++) step(w, s1, s2, k, dw[k], config.learningRate, t);
    if (config.stopLoss !== null && loss < config.stopLoss) break;
  }
  return { weights: w, bias: b.w[0], losses, iterations: losses.length };
}
