/**
 * The runs of this window: what the panel redraws from (after `ready`, after a reload) and what
 * the test API reads. Persisted as one JSON file, written atomically (temp file + rename), so a
 * reloaded window can restore its panel. vscode-free: the host passes a file path.
 *
 * A history file that cannot be read as ours (corrupt JSON, another format or version, damaged
 * entries) is never a crash and never silently overwritten: it is copied aside as
 * `runs.json.corrupt-<time>` before anything is written, and `onWarning` says so.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnosis, MetricsBatch, RunInfo, RunSnapshot, RunSummary } from '../shared/protocol';
import { appendBatch } from './coalescer';
import { decimate, decimateBatch, decimateHistograms, decimateProbes, MAX_PROBES_PER_SERIES } from './decimate';
import { summarizeFromData } from './summarize';

export interface RunStoreOptions {
  /** Runs kept (oldest dropped first). */
  maxRuns: number;
  /** JSON file the runs are saved to; none: memory only. */
  file?: string;
  /** Points per series kept for stored (finished, older) runs and on disk. */
  maxStoredPoints?: number;
  /** Histogram records kept for stored runs and on disk. */
  maxStoredHistograms?: number;
  /** Step records kept in memory for the live run before it is thinned by half. */
  maxLiveSteps?: number;
  now?: () => number;
  /** Told when the history file had to be skipped or partly dropped (and where the copy went). */
  onWarning?: (message: string) => void;
}

interface StoreFile {
  version: 1;
  runs: RunSnapshot[];
}

export class RunStore {
  private runs: RunSnapshot[] = [];
  private liveId: string | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Probe count above which the live run's probes are thinned again (see appendMetrics). */
  private readonly probeLimits = new Map<string, number>();
  private readonly maxStoredPoints: number;
  private readonly maxStoredHistograms: number;
  private readonly maxLiveSteps: number;
  private readonly now: () => number;

  constructor(private readonly opts: RunStoreOptions) {
    this.maxStoredPoints = opts.maxStoredPoints ?? 5000;
    this.maxStoredHistograms = opts.maxStoredHistograms ?? 2000;
    this.maxLiveSteps = opts.maxLiveSteps ?? 50_000;
    this.now = opts.now ?? Date.now;
  }

  setMaxRuns(n: number): void {
    this.opts.maxRuns = Math.max(1, Math.floor(n));
    this.trim();
  }

  /**
   * Read the saved runs. A missing or unreadable file means no runs, never an error. Saves wait
   * for this, so a run started during activation cannot overwrite a file not yet looked at.
   */
  load(): Promise<void> {
    const done = this.writing.then(() => this.loadNow());
    this.writing = done.catch(() => undefined);
    return done;
  }

  private async loadNow(): Promise<void> {
    const file = this.opts.file;
    if (!file) return;
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') this.warn(`Could not read the run history ${file}: ${String(err)}`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      await this.setAside(file, `it is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    if (!isStoreFile(parsed)) {
      await this.setAside(file, 'it is not an Optimizer Debugger run history of a version this extension reads');
      return;
    }
    const valid = parsed.runs.filter(isSnapshot).map(cleanSnapshot);
    if (valid.length < parsed.runs.length) {
      const bad = parsed.runs.length - valid.length;
      await this.setAside(file, `${bad} of ${parsed.runs.length} saved run${parsed.runs.length === 1 ? ' is' : 's are'} damaged and ${bad === 1 ? 'was' : 'were'} skipped`);
    }
    const loaded = valid.map((r) =>
      // A run without summary was cut short by a reload: it is not coming back.
      r.summary ? r : { ...r, summary: summarizeFromData(r, 'stopped', 'The window was reloaded while the run was in progress.', this.now()) },
    );
    const known = new Set(this.runs.map((r) => r.info.runId));
    this.runs = [...loaded.filter((r) => !known.has(r.info.runId)), ...this.runs];
    this.trim();
  }

  begin(info: RunInfo): RunSnapshot {
    this.compactFinished();
    const snap: RunSnapshot = { info, metrics: { steps: [], epochs: [], histograms: [] }, diagnostics: [] };
    this.runs = this.runs.filter((r) => r.info.runId !== info.runId);
    this.runs.push(snap);
    this.liveId = info.runId;
    this.trim();
    return snap;
  }

  appendMetrics(runId: string, batch: MetricsBatch): void {
    const snap = this.get(runId);
    if (!snap) return;
    appendBatch(snap.metrics, batch);
    // Halving keeps memory bounded on very long runs while the curve keeps its shape.
    if (snap.metrics.steps.length > this.maxLiveSteps) {
      snap.metrics.steps = decimate(snap.metrics.steps, Math.ceil(this.maxLiveSteps / 2));
    }
    if (snap.metrics.histograms.length > this.maxStoredHistograms * 2) {
      snap.metrics.histograms = decimateHistograms(snap.metrics.histograms, this.maxStoredHistograms);
    }
    // Far above what the engine sends (see decimateProbes): only a misbehaving worker gets here.
    // The limit doubles after a thinning that kept many (many layers), so appends stay O(batch).
    const probes = snap.metrics.probes;
    const limit = this.probeLimits.get(runId) ?? MAX_PROBES_PER_SERIES * 20;
    if (probes && probes.length > limit) {
      snap.metrics.probes = decimateProbes(probes);
      this.probeLimits.set(runId, Math.max(limit, 2 * snap.metrics.probes.length));
    }
  }

  setDiagnostics(runId: string, diagnostics: Diagnosis[]): void {
    const snap = this.get(runId);
    if (snap) snap.diagnostics = diagnostics;
  }

  finish(runId: string, summary: RunSummary): void {
    const snap = this.get(runId);
    if (snap) snap.summary = summary;
    this.probeLimits.delete(runId);
    if (this.liveId === runId) this.liveId = null;
  }

  get(runId: string): RunSnapshot | undefined {
    return this.runs.find((r) => r.info.runId === runId);
  }

  /** Oldest first. */
  snapshots(): RunSnapshot[] {
    return this.runs.slice();
  }

  /** The run in progress, if any. */
  get liveRunId(): string | null {
    return this.liveId;
  }

  /** The run in progress or else the latest one: what the panel shows first. */
  get activeRunId(): string | null {
    return this.liveId ?? (this.runs.length > 0 ? this.runs[this.runs.length - 1].info.runId : null);
  }

  /** What is written to disk: every series thinned. */
  storedForm(): StoreFile {
    return {
      version: 1,
      runs: this.runs.map((r) => ({
        ...r,
        metrics: decimateBatch(r.metrics, this.maxStoredPoints, this.maxStoredHistograms),
      })),
    };
  }

  /** Save now; writes are serialized so an older state never lands after a newer one. */
  persist(): Promise<void> {
    const file = this.opts.file;
    if (!file) return Promise.resolve();
    const next = this.writing.then(async () => {
      // Serialized when its turn comes: after a pending load, so the loaded runs are included.
      const text = JSON.stringify(this.storedForm());
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await fs.writeFile(tmp, text, 'utf8');
      await fs.rename(tmp, file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Copy an unreadable history aside so the next save cannot destroy what it held. */
  private async setAside(file: string, why: string): Promise<void> {
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const backup = `${file}.corrupt-${stamp}`;
    try {
      await fs.copyFile(file, backup);
      this.warn(`The run history ${file} was skipped because ${why}. A copy was kept as ${backup}.`);
    } catch (err) {
      this.warn(`The run history ${file} was skipped because ${why}, and no copy could be made (${String(err)}).`);
    }
  }

  private warn(message: string): void {
    try {
      this.opts.onWarning?.(message);
    } catch {
      // A faulty listener must not stop the history from loading.
    }
  }

  /** Finished runs keep only thinned series: only the newest one is shown in full. */
  private compactFinished(): void {
    for (const r of this.runs) {
      if (r.summary) r.metrics = decimateBatch(r.metrics, this.maxStoredPoints, this.maxStoredHistograms);
    }
  }

  private trim(): void {
    while (this.runs.length > this.opts.maxRuns) {
      const idx = this.runs.findIndex((r) => r.info.runId !== this.liveId);
      if (idx < 0) break;
      this.runs.splice(idx, 1);
    }
  }
}

function isStoreFile(v: unknown): v is StoreFile {
  return typeof v === 'object' && v !== null && (v as StoreFile).version === 1 && Array.isArray((v as StoreFile).runs);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Drops individual damaged records, so a half-broken file does not break the charts. */
function cleanSnapshot(s: RunSnapshot): RunSnapshot {
  const m = s.metrics;
  return {
    ...s,
    metrics: {
      steps: m.steps.filter((r) => isRecord(r) && typeof r.step === 'number' && typeof r.loss === 'number'),
      epochs: m.epochs.filter((r) => isRecord(r) && typeof r.step === 'number' && typeof r.epoch === 'number'),
      histograms: m.histograms.filter((r) => isRecord(r) && typeof r.step === 'number' && isRecord(r.pre) && isRecord(r.act)),
      ...(Array.isArray(m.probes) ? { probes: m.probes.filter((r) => isRecord(r) && typeof r.kind === 'string') } : {}),
    },
    diagnostics: s.diagnostics.filter((d) => isRecord(d) && typeof d.code === 'string'),
    ...(s.summary !== undefined && !isRecord(s.summary) ? { summary: undefined } : {}),
  };
}

function isSnapshot(v: unknown): v is RunSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as RunSnapshot;
  return (
    isRecord(s.info) && typeof s.info.runId === 'string' && typeof s.info.name === 'string' &&
    isRecord(s.info.backend) && typeof s.info.startedAt === 'number' &&
    typeof s.metrics === 'object' && s.metrics !== null &&
    Array.isArray(s.metrics.steps) && Array.isArray(s.metrics.epochs) && Array.isArray(s.metrics.histograms) &&
    Array.isArray(s.diagnostics)
  );
}
