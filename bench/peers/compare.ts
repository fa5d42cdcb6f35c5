// The peers bench's procedure, the same in Node and in the page: start the engines, check every
// engine's output of every unit, then time them, alternating. Imports nothing from Node.
import { round } from '../round.ts';
import { type Agreement, compareMaps } from './agreement.ts';
import type { PreparedUnit, Runner } from './runner.ts';
import type { DenseMap, Unit } from './trunk.ts';

/**
 * A measure of one run: the difference of two readings, in ms. Clocks are read in their list's
 * order before a run and in reverse after it: one that asks another process goes first, so that
 * the asking stays out of the other clocks' readings.
 */
export interface Clock {
  /** The row field its figures go to, e.g. "wall". */
  name: string;
  read(): number | Promise<number>;
}

export const wallClock: Clock = { name: 'wall', read: () => performance.now() };

export interface Engines {
  /** Ours first, then the peers that started. */
  runners: Runner[];
  /** Those whose times are reported (the reference runs even when not asked for). */
  timed: Runner[];
  /** Single layers are checked against its output: ours cannot read them back. */
  reference: Runner;
  unavailable: { peer: string; reason: string }[];
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * Starts the wanted peers and the reference peer (`referenceKey`); a peer that fails to start is
 * reported unavailable, except the reference, without which nothing can be checked.
 */
export async function startEngines(
  ours: Runner,
  factories: Record<string, () => Promise<Runner>>,
  wanted: readonly string[],
  referenceKey: string,
  say: (line: string) => void,
): Promise<Engines> {
  for (const p of wanted) if (!factories[p]) throw new Error(`unknown peer "${p}": use ${Object.keys(factories).join(', ')}`);
  const runners = [ours];
  const timed = [ours];
  const unavailable: { peer: string; reason: string }[] = [];
  let reference: Runner | undefined;
  for (const name of new Set([...wanted, referenceKey])) {
    try {
      const runner = await factories[name]!();
      runners.push(runner);
      if (wanted.includes(name)) timed.push(runner);
      if (name === referenceKey) reference = runner;
    } catch (e) {
      unavailable.push({ peer: name, reason: message(e) });
      say(`# ${name} UNAVAILABLE: ${message(e)}`);
    }
  }
  if (!reference) {
    for (const r of runners) await r.close();
    throw new Error(`${referenceKey} is needed as the single-layer reference and could not start (see above)`);
  }
  return { runners, timed, reference, unavailable };
}

export interface Stat {
  ms: Record<string, number>;
  /** peer / ours, per peer; null where ours measured 0 (a run shorter than the clock's tick). */
  ratio: Record<string, number | null>;
}

export interface Row {
  unit: string;
  gflop: number;
  /** By clock name. */
  times: Record<string, Stat>;
}

export interface AgreementRecord {
  unit: string;
  engine: string;
  against: string;
  result: Agreement;
}

export interface CompareOptions {
  units: readonly Unit[];
  selected: readonly Unit[];
  image: DenseMap;
  runs: number;
  warmup: number;
  tolerance: number;
  clocks: readonly Clock[];
  /** Runs before each engine works, with its name (to label the shaders it creates). */
  before: (name: string) => void;
  say: (line: string) => void;
  progress: (line: string) => void;
}

export interface Comparison {
  agreement: AgreementRecord[];
  rows: Row[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Checks, then times, every selected unit on every engine; throws, with no times, where outputs disagree. */
export async function comparePeers(engines: Engines, o: CompareOptions): Promise<Comparison> {
  const { runners, reference } = engines;
  const prepared = new Map<Unit, Map<Runner, PreparedUnit>>();
  try {
    o.before(reference.name);
    const inputs = await layerInputs(reference, o.units, o.image);
    const agreement: AgreementRecord[] = [];
    // Phase 1: every engine's first run of every unit (it compiles their pipelines), checked.
    for (const unit of o.selected) {
      o.progress(`checking ${unit.name}...`);
      const input = unit.name === 'trunk' ? o.image : inputs[unit.first]!;
      const byRunner = new Map<Runner, PreparedUnit>();
      prepared.set(unit, byRunner);
      const outputs = new Map<Runner, DenseMap | null>();
      for (const r of runners) {
        o.before(r.name);
        const p = await r.prepare(unit, input);
        byRunner.set(r, p);
        await p.run();
        outputs.set(r, await p.output());
      }
      // The trunk is checked against ours (relu4_3); single layers against the reference on the
      // same input, since ours can read back only relu4_3.
      const against = unit.name === 'trunk' ? runners[0]! : reference;
      for (const [r, out] of outputs) {
        if (r === against || !out) continue;
        agreement.push({ unit: unit.name, engine: r.name, against: against.name, result: compareMaps(out, outputs.get(against)!) });
      }
    }
    for (const a of agreement) o.say(agreementLine(a, o.tolerance));
    const bad = agreement.filter((a) => !(a.result.relative <= o.tolerance));
    if (bad.length) throw new Error(`${bad.length} output(s) disagree beyond ${o.tolerance} of the reference's max |value|: no times reported`);
    o.say(`# all outputs agree within ${o.tolerance} x max|ref|`);

    // Phase 2: warm-up, then rounds in which every engine runs once, the order rotating per round.
    const order = engines.timed;
    const rows: Row[] = [];
    for (const unit of o.selected) {
      o.progress(`timing ${unit.name}...`);
      const byRunner = prepared.get(unit)!;
      for (const r of order) for (let i = 1; i < o.warmup; i++) await byRunner.get(r)!.run();
      const samples = new Map(o.clocks.map((c) => [c, new Map<Runner, number[]>(order.map((r) => [r, []]))]));
      for (let round = 0; round < o.runs; round++) {
        for (let k = 0; k < order.length; k++) {
          const r = order[(round + k) % order.length]!;
          o.before(r.name);
          const start: number[] = [];
          for (const c of o.clocks) start.push(await c.read());
          await byRunner.get(r)!.run();
          for (let i = o.clocks.length - 1; i >= 0; i--) {
            const c = o.clocks[i]!;
            samples.get(c)!.get(r)!.push((await c.read()) - start[i]!);
          }
        }
      }
      const stat = (times: Map<Runner, number[]>): Stat => {
        const ours = median(times.get(order[0]!)!);
        return {
          ms: Object.fromEntries(order.map((r) => [r.name, round(median(times.get(r)!), 2)])),
          ratio: Object.fromEntries(order.slice(1).map((r) => [r.name, ours > 0 ? round(median(times.get(r)!) / ours, 2) : null])),
        };
      };
      const row: Row = { unit: unit.name, gflop: round(unit.flops / 1e9, 3), times: Object.fromEntries(o.clocks.map((c) => [c.name, stat(samples.get(c)!)])) };
      rows.push(row);
      // A full run on a software adapter takes most of an hour: each unit's medians as they come.
      for (const [clock, { ms }] of Object.entries(row.times)) o.progress(`  ${clock} ms: ${order.map((r) => `${r.name} ${ms[r.name]}`).join(', ')}`);
    }
    return { agreement, rows };
  } finally {
    for (const byRunner of prepared.values()) for (const p of byRunner.values()) await p.dispose();
  }
}

function agreementLine(a: AgreementRecord, tolerance: number): string {
  const { relative, maxAbsDiff, maxAbsRef } = a.result;
  return `agree ${a.unit.padEnd(8)} ${a.engine.padEnd(24)} vs ${a.against.padEnd(24)} max|diff|/max|ref| ${relative.toExponential(2)} (max|diff| ${maxAbsDiff.toPrecision(3)}, max|ref| ${maxAbsRef.toPrecision(4)})${relative <= tolerance ? '' : `  > ${tolerance}: DISAGREES`}`;
}

/** Input of each layer alone: the reference engine's chain from the image. */
async function layerInputs(reference: Runner, units: readonly Unit[], image: DenseMap): Promise<DenseMap[]> {
  const inputs = [image];
  for (const unit of units.filter((u) => u.name !== 'trunk')) {
    const p = await reference.prepare(unit, inputs[inputs.length - 1]!);
    await p.run();
    inputs.push((await p.output())!);
    await p.dispose();
  }
  return inputs;
}
