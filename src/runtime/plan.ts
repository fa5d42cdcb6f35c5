import type { Step } from './dispatch.ts';
import type { Engine } from './engine.ts';
import type { Op } from './op.ts';

export interface PlanEntry<Stage extends string> {
  /** Timing group the op belongs to (several ops may share one). */
  stage: Stage;
  op: Op<object>;
}

/**
 * An ordered list of named ops, declared once. The order is written here only: the single
 * submission, the per-stage timings and the cleanup all follow it.
 */
export class Plan<Stage extends string> {
  constructor(
    private readonly engine: Engine,
    readonly label: string,
    private readonly entries: readonly PlanEntry<Stage>[],
  ) {}

  get ops(): readonly Op<object>[] {
    return this.entries.map((e) => e.op);
  }

  /** All the work, in order, for one submission. */
  steps(): Step[] {
    return this.entries.flatMap((e) => e.op.steps);
  }

  run(): Promise<unknown> {
    return this.engine.run(this.steps(), { label: this.label });
  }

  /**
   * Runs the plan once and returns seconds per stage: GPU timestamps around each stage in one
   * submission where the adapter has them, else one submission per stage, each waited for.
   */
  async profile(): Promise<Record<Stage, number>> {
    const stages = [...new Set(this.entries.map((e) => e.stage))];
    const groups = stages.map((stage) => this.entries.filter((e) => e.stage === stage).flatMap((e) => e.op.steps));
    const seconds = {} as Record<Stage, number>;
    const gpuMs = await this.engine.runStages(groups, this.label);
    if (gpuMs) {
      stages.forEach((stage, i) => (seconds[stage] = gpuMs[i] / 1000));
      return seconds;
    }
    for (let i = 0; i < stages.length; i++) {
      const t0 = performance.now();
      await this.engine.run(groups[i], { label: `${this.label} ${stages[i]}` });
      await this.engine.finish();
      seconds[stages[i]] = (performance.now() - t0) / 1000;
    }
    return seconds;
  }

  /** Releases every op, last first. */
  release(): void {
    for (const e of [...this.entries].reverse()) e.op.release();
  }
}
