/**
 * The weights each network run handed over (its `parameters` event) and the one landscape job
 * that may run at a time. Weights live in memory only (up to 2 × 200,000 numbers per run, for the
 * last MAX_KEPT runs): after a window reload the landscape of an older run needs the run again,
 * while landscapes already computed are kept with the run in the run store. vscode-free.
 */
import type { Experiment } from '../shared/experiment';
import type { BackendPreference, EngineEvent, LandscapeRecord } from '../shared/protocol';
import { LandscapeJob, type LandscapeJobEnd } from './landscapeJob';

/** Runs whose weights are kept. */
export const MAX_KEPT = 10;

/** How the run was started: the landscape job loads the same data the same way. */
export interface RunSetting {
  experiment: Experiment;
  baseDir: string;
  backend: BackendPreference;
  nodeModulesPaths: string[];
  blas?: boolean;
}

interface Kept {
  setting: RunSetting;
  step: number;
  initial: number[][];
  final: number[][];
}

export type LandscapeOutcome = LandscapeJobEnd | { kind: 'unavailable'; message: string };

export class NetLandscapes {
  private readonly kept = new Map<string, Kept>();
  private job: { runId: string; job: LandscapeJob } | undefined;

  constructor(private readonly workerPath: string) {}

  /** Feed every engine event of a run started with `setting` (only `parameters` matter here). */
  onEngineEvent(e: EngineEvent, setting: RunSetting | undefined): void {
    if (e.type !== 'parameters' || !setting) return;
    this.kept.delete(e.runId);
    this.kept.set(e.runId, { setting, step: e.step, initial: e.initial, final: e.final });
    while (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
  }

  has(runId: string): boolean {
    return this.kept.has(runId);
  }

  /** Runs with kept weights, oldest first. */
  runIds(): string[] {
    return [...this.kept.keys()];
  }

  get runningFor(): string | undefined {
    return this.job?.runId;
  }

  /** Compute run `runId`'s landscape; a job in progress for another run is cancelled first. */
  async compute(runId: string, hooks: { onProgress?: (done: number, total: number) => void; onLog?: (level: 'info' | 'warn' | 'error', m: string) => void } = {}): Promise<LandscapeOutcome> {
    const k = this.kept.get(runId);
    if (!k) {
      return { kind: 'unavailable', message: 'The weights of this run are not kept (a network of at most 200,000 parameters, run since VS Code started, among the last 10): run it again, then show its landscape.' };
    }
    await this.cancel();
    const job = new LandscapeJob({
      workerPath: this.workerPath,
      start: { type: 'landscape', runId, experiment: k.setting.experiment, baseDir: k.setting.baseDir, backend: k.setting.backend, nodeModulesPaths: k.setting.nodeModulesPaths, blas: k.setting.blas, step: k.step, initial: k.initial, final: k.final },
      onProgress: hooks.onProgress,
      onLog: hooks.onLog,
    });
    const mine = { runId, job };
    this.job = mine;
    const end = await job.done;
    if (this.job === mine) this.job = undefined;
    return end;
  }

  async cancel(): Promise<void> {
    const j = this.job;
    if (!j) return;
    j.job.cancel();
    await j.job.done;
  }
}

/** The `line` and `plane` records as the command returns them (tests, automation). */
export function landscapeSummary(records: readonly LandscapeRecord[]): { line: (number | null)[]; planeMin: number | null; planeMax: number | null } {
  const line = records.find((r) => r.mode === 'line')?.values ?? [];
  const plane = (records.find((r) => r.mode === 'plane')?.values ?? []).filter((v): v is number => v !== null);
  return { line, planeMin: plane.length ? Math.min(...plane) : null, planeMax: plane.length ? Math.max(...plane) : null };
}
