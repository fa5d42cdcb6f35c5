/**
 * Every TADT parameter in one place. Defaults follow the authors' official Matlab code (profile
 * `official`); `pytorch-port` follows the public PyTorch port; the paper's printed values are
 * options (see PAPER_OVERRIDES).
 */
export type Profile = 'official' | 'pytorch-port';

/** Whole-frame rescale (spec 1.2): Matlab imresize bicubic with antialiasing, or cv2 INTER_LINEAR. */
export type FrameResizeMethod = 'matlab-bicubic' | 'cv2-bilinear';
/** Search-window crop resize (spec 1.4): Matlab imresize bilinear without antialiasing, or cv2 INTER_LINEAR on uint8. */
export type CropMethod = 'matlab-bilinear' | 'cv2-bilinear';
/** Response upsampling (spec 4.3): Matlab imresize bicubic (Keys a=-0.5, half-pixel), or torch bicubic a=-0.75 align-corners. */
export type ResponseUpsampling = 'matlab-bicubic' | 'torch-bicubic';
/** Which of equal maxima wins (spec 4.4): first in column-major order (Matlab's max), or row-major (torch argmax). */
export type ArgmaxOrder = 'column-major' | 'row-major';

/** The image-resampling conventions, which the two code bases decide as a set. */
export interface ImageMethods {
  frameResize: FrameResizeMethod;
  crop: CropMethod;
  responseUpsampling: ResponseUpsampling;
  argmaxOrder: ArgmaxOrder;
}

export interface TadtConfig {
  /** The code base the values below come from; reported with results, never read by a kernel. */
  profile: Profile;
  image: ImageMethods;
  /** Target size sqrt(w*h) is rescaled into [minTargetSize, maxTargetSize] (spec 1.2). */
  minTargetSize: number;
  maxTargetSize: number;
  /** Search window = maxTargetSize * windowFactor before alignment (spec 1.3). */
  windowFactor: number;
  /** Ridge regression (spec 3.2). */
  ridge: {
    loss: 'dead-zone' | 'mse';
    optimizer: 'adam' | 'sgd';
    iterations: number;
    /** Early stop when an iteration's loss falls below this (Adam profile); null: run all iterations. */
    stopLoss: number | null;
    learningRate: number;
    biasLearningRate: number;
    momentum: number;
    weightDecay: number;
    seed: number;
  };
  ranking: { resize: 'bicubic-antialias' | 'bilinear-align-corners'; pairs: 'gap1' | 'all-gaps'; seed: number };
  selection: { top41: number; top43: number; minTotal: number; balanceTop: number };
  pyramid: { scales: [number, number, number]; weights: [number, number, number]; alignCorners: boolean };
  /** Largest search window side in rescaled pixels; null = no clamp (the references have none). */
  maxWindow: number | null;
}

export function defaultConfig(profile: Profile = 'official'): TadtConfig {
  const F = 45;
  const common = {
    minTargetSize: 44,
    maxTargetSize: 59,
    windowFactor: 3,
    selection: { top41: 80, top43: 300, minTotal: 250, balanceTop: 50 },
    maxWindow: null,
  };
  const ridge = { iterations: 100, momentum: 0.9, weightDecay: 1000, seed: 4321 };
  const scales: [number, number, number] = [F / (F + 2), 1, F / (F - 2)];
  const weights: [number, number, number] = [0.99, 1, 1.0055];
  if (profile === 'official') {
    return {
      ...common,
      profile,
      image: { frameResize: 'matlab-bicubic', crop: 'matlab-bilinear', responseUpsampling: 'matlab-bicubic', argmaxOrder: 'column-major' },
      ridge: { ...ridge, loss: 'dead-zone', optimizer: 'adam', stopLoss: 0.02, learningRate: 5e-7, biasLearningRate: 1e-6 },
      ranking: { resize: 'bicubic-antialias', pairs: 'gap1', seed: 1234 },
      pyramid: { scales, weights, alignCorners: true },
    };
  }
  return {
    ...common,
    profile,
    image: { frameResize: 'cv2-bilinear', crop: 'cv2-bilinear', responseUpsampling: 'torch-bicubic', argmaxOrder: 'row-major' },
    selection: { ...common.selection, balanceTop: 49 },
    ridge: { ...ridge, loss: 'mse', optimizer: 'sgd', stopLoss: null, learningRate: 1e-9, biasLearningRate: 1e-9 },
    ranking: { resize: 'bilinear-align-corners', pairs: 'all-gaps', seed: 1234 },
    pyramid: { scales, weights, alignCorners: false },
  };
}

/** The paper's printed values, where they differ from both code bases (the paper's Table and text). */
export const PAPER_OVERRIDES = {
  ridgeIterations: 50,
  top43: 250,
  growthWeight: 1.005,
} as const;

export function paperConfig(profile: Profile = 'official'): TadtConfig {
  const c = defaultConfig(profile);
  c.ridge.iterations = PAPER_OVERRIDES.ridgeIterations;
  c.selection.top43 = PAPER_OVERRIDES.top43;
  c.pyramid.weights = [c.pyramid.weights[0], 1, PAPER_OVERRIDES.growthWeight];
  return c;
}
