// What the Node side of the browser peers bench (in-chromium.ts) and the page (page.ts) hand each other.
import type { AgreementRecord, Row } from './compare.ts';

/** The peers the page can run (page.ts), by their --peers names. */
export const PAGE_PEER_NAMES = ['ort-web', 'tfjs', 'ort-wasm'] as const;

export interface PageOptions {
  peers: string[];
  filter?: string;
  size: number;
  runs: number;
  warmup: number;
  tolerance: number;
  captureShaders: boolean;
}

export interface PageResult {
  adapter: string;
  weights: string;
  engines: { name: string; about: string }[];
  unavailable: { peer: string; reason: string }[];
  agreement: AgreementRecord[];
  rows: Row[];
  shaders: { peer: string; label: string; code: string }[];
}

/** Set on the page's globalThis when the run ends. */
export type PageOutcome = { ok: true; result: PageResult } | { ok: false; error: string };

/** The page's entry points, on globalThis. */
export interface PeersPage {
  /** Starts the run and returns at once; `outcome` is set when it ends. */
  start(options: PageOptions): void;
  outcome?: PageOutcome;
}

/** The page logs `say` lines with console.log and progress with console.info. */
export const PAGE_GLOBAL = 'peersBench';

/** A function Node gives the page (page.exposeFunction): CPU ms per core of all Chromium's processes so far. */
export const CPU_PROBE = 'peersChromiumCpuMs';
