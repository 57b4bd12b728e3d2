/**
 * Everything the panel knows about runs (charts draw decimated copies). Series are columnar so
 * charts read them without re-walking records. DOM-free: `now` is injected so the step-rate logic
 * can be tested. Memory is bounded like the host's run store: past `maxSteps` records a run is
 * halved (see `halveIndices`: each bucket keeps its loss extremes, so the curves keep their shape).
 */
import type {
  ProbeRecord,
  Diagnosis,
  EpochRecord,
  FixVerdict,
  HistogramRecord,
  HostToWebview,
  MetricsBatch,
  RunInfo,
  RunSnapshot,
  RunSummary,
  WeightsRecord,
} from '../src/shared/protocol';
import { halveIndices } from './decimate';

/** Step records a run keeps before it is halved (the host store's live cap). */
export const MAX_STEPS = 50_000;

export type RunState = 'running' | 'finished' | 'failed';

export class RunData {
  readonly step: number[] = [];
  readonly loss: number[] = [];
  readonly lr: number[] = [];
  readonly gradNorm: number[] = [];
  /** [layer][i]: gradient norm of layer at step index i. */
  readonly layerGradNorms: number[][] = [];
  /** [layer][i]: update/weight ratio of layer after step index i (NaN where not measured). */
  readonly updateRatios: number[][] = [];
  readonly pointX: number[] = [];
  readonly pointY: number[] = [];
  /** Loss at the averaged parameters (`optimizer.averaging`); NaN where not measured. */
  readonly avgLoss: number[] = [];
  readonly epochs: EpochRecord[] = [];
  readonly histograms: HistogramRecord[] = [];
  /** Other low-cadence records (restarts, landscape grids, search tables, lr-find). */
  readonly probes: ProbeRecord[] = [];
  /** Weight-matrix snapshots (low cadence: ~11 per layer and run). */
  readonly weights: WeightsRecord[] = [];
  /** Whether any step record carried `avgLoss`. */
  hasAvgLoss = false;
  /** Step records received, including those dropped by halving. */
  received = 0;
  diagnostics: Diagnosis[] = [];
  summary: RunSummary | undefined;
  /** Arrival samples (ms, steps received) of the last few seconds, for the live step rate. */
  private rateSamples: { t: number; n: number }[] = [];

  constructor(
    readonly info: RunInfo,
    private readonly maxSteps = MAX_STEPS,
  ) {}

  get state(): RunState {
    if (!this.summary) return 'running';
    return this.summary.reason === 'error' || this.summary.reason === 'crashed' ? 'failed' : 'finished';
  }

  /** Measurements received (what the header shows), not the records kept. */
  get stepCount(): number {
    return this.received;
  }

  get isObjective(): boolean {
    return this.info.kind === 'objective';
  }

  append(batch: MetricsBatch, now: number): void {
    const layers = this.info.layers.length;
    for (const s of batch.steps) {
      this.step.push(s.step);
      this.loss.push(s.loss);
      this.lr.push(s.lr);
      this.gradNorm.push(s.gradNorm);
      const nLayers = Math.max(layers, s.layerGradNorms.length);
      for (let l = 0; l < nLayers; l++) {
        (this.layerGradNorms[l] ??= fill(this.step.length - 1)).push(s.layerGradNorms[l] ?? NaN);
        (this.updateRatios[l] ??= fill(this.step.length - 1)).push(s.updateRatios[l] ?? NaN);
      }
      if (s.point) {
        this.pointX.push(s.point[0]);
        this.pointY.push(s.point[1]);
      }
      this.avgLoss.push(s.avgLoss ?? NaN);
      if (s.avgLoss !== undefined) this.hasAvgLoss = true;
    }
    this.received += batch.steps.length;
    for (const e of batch.epochs) this.epochs.push(e);
    for (const h of batch.histograms) this.histograms.push(h);
    for (const p of batch.probes ?? []) if (p.kind === 'weights') this.weights.push(p);
    else this.probes.push(p);
    if (this.step.length > this.maxSteps) this.halve();
    if (batch.steps.length > 0) this.noteArrival(now);
  }

  /** Keeps about half the step records: per bucket of four, the lowest and highest loss. */
  private halve(): void {
    const keep = halveIndices(this.loss);
    const points = this.pointX.length === this.step.length;
    const columns = [this.step, this.loss, this.lr, this.gradNorm, this.avgLoss, ...this.layerGradNorms, ...this.updateRatios];
    if (points) columns.push(this.pointX, this.pointY);
    for (const col of columns) {
      for (let k = 0; k < keep.length; k++) col[k] = col[keep[k]];
      col.length = keep.length;
    }
  }

  /** Steps per second: live while running (arrivals over ~3 s), overall once finished. */
  stepsPerSecond(now: number): number | undefined {
    if (this.summary) {
      return this.summary.durationMs > 0 ? (this.summary.steps / this.summary.durationMs) * 1000 : undefined;
    }
    const samples = this.rateSamples.filter((s) => now - s.t <= 3000);
    if (samples.length < 2) return undefined;
    const first = samples[0];
    const last = samples[samples.length - 1];
    const dt = last.t - first.t;
    return dt > 0 ? ((last.n - first.n) / dt) * 1000 : undefined;
  }

  private noteArrival(now: number): void {
    this.rateSamples.push({ t: now, n: this.received });
    while (this.rateSamples.length > 2 && now - this.rateSamples[0].t > 3000) this.rateSamples.shift();
  }

  /** Hidden layers that have histograms, ascending. */
  histogramLayers(): number[] {
    return [...new Set(this.histograms.map((h) => h.layer))].sort((a, b) => a - b);
  }
}

/** What changed, so the renderer redraws only that. */
export interface Change {
  /** The set of runs or the active run changed: rebuild everything. */
  structure: boolean;
  /** New data for the active run. */
  metrics: boolean;
  diagnostics: boolean;
  summary: boolean;
  /** The overlay run or the fix verdict changed. */
  compare: boolean;
}

export function noChange(): Change {
  return { structure: false, metrics: false, diagnostics: false, summary: false, compare: false };
}

export class Store {
  private readonly runs = new Map<string, RunData>();
  activeRunId: string | null = null;
  /** Run overlaid on the active one (dashed), chosen by the user or set by a fix verdict. */
  compareRunId: string | null = null;
  /** The latest "apply fix and re-run" verdict. */
  verdict: FixVerdict | undefined;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Runs oldest first. */
  list(): RunData[] {
    return [...this.runs.values()];
  }

  get(runId: string): RunData | undefined {
    return this.runs.get(runId);
  }

  active(): RunData | undefined {
    return this.activeRunId === null ? undefined : this.runs.get(this.activeRunId);
  }

  /** The overlay run, if it exists and is not the active run itself. */
  compare(): RunData | undefined {
    if (this.compareRunId === null || this.compareRunId === this.activeRunId) return undefined;
    return this.runs.get(this.compareRunId);
  }

  /** Overlay `runId` (null: none). Returns whether anything changed. */
  setCompare(runId: string | null): boolean {
    const next = runId !== null && this.runs.has(runId) ? runId : null;
    if (next === this.compareRunId) return false;
    this.compareRunId = next;
    return true;
  }

  /** The verdict belongs to what is shown: the fixed run, overlaid on the run before the fix. */
  activeVerdict(): FixVerdict | undefined {
    const v = this.verdict;
    return v && v.afterRunId === this.activeRunId && v.beforeRunId === this.compareRunId ? v : undefined;
  }

  select(runId: string): boolean {
    if (!this.runs.has(runId) || runId === this.activeRunId) return false;
    this.activeRunId = runId;
    return true;
  }

  apply(msg: HostToWebview): Change {
    const change = noChange();
    switch (msg.type) {
      case 'reset': {
        this.runs.clear();
        for (const snap of msg.runs) this.runs.set(snap.info.runId, fromSnapshot(snap, this.now()));
        const newest = msg.runs.length ? msg.runs[msg.runs.length - 1].info.runId : null;
        this.activeRunId = msg.activeRunId !== null && this.runs.has(msg.activeRunId) ? msg.activeRunId : newest;
        if (this.compareRunId !== null && !this.runs.has(this.compareRunId)) this.compareRunId = null;
        change.structure = true;
        break;
      }
      case 'runStarted': {
        this.runs.set(msg.info.runId, new RunData(msg.info));
        // A new run is what the user just asked for: follow it.
        // A compare variant keeps its base active: the base's view shows the whole group.
        if (msg.info.groupId === undefined || msg.info.groupId === msg.info.runId || this.activeRunId !== msg.info.groupId) this.activeRunId = msg.info.runId;
        change.structure = true;
        break;
      }
      case 'metrics': {
        const run = this.runs.get(msg.runId);
        if (!run) break;
        run.append(msg.batch, this.now());
        change.metrics = msg.runId === this.activeRunId || msg.runId === this.compareRunId || (run.info.groupId !== undefined && run.info.groupId === this.activeRunId);
        break;
      }
      case 'diagnostics': {
        const run = this.runs.get(msg.runId);
        if (!run) break;
        run.diagnostics = msg.diagnostics;
        change.diagnostics = msg.runId === this.activeRunId;
        break;
      }
      case 'fixVerdict': {
        const v = msg.verdict;
        if (!this.runs.has(v.beforeRunId) || !this.runs.has(v.afterRunId)) break;
        this.verdict = v;
        this.activeRunId = v.afterRunId;
        this.compareRunId = v.beforeRunId;
        change.structure = change.compare = true;
        break;
      }
      case 'runFinished': {
        const run = this.runs.get(msg.runId);
        if (!run) break;
        run.summary = msg.summary;
        change.summary = true; // the run list labels change too
        break;
      }
    }
    return change;
  }
}

function fromSnapshot(snap: RunSnapshot, now: number): RunData {
  const run = new RunData(snap.info);
  run.append(snap.metrics, now);
  run.diagnostics = snap.diagnostics;
  run.summary = snap.summary;
  return run;
}

function fill(n: number): number[] {
  return new Array<number>(n).fill(NaN);
}
