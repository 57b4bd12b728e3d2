/**
 * The runs of this window: what the panel redraws from (after `ready`, after a reload) and what
 * the test API reads. Persisted as one JSON file, written atomically (temp file + rename), so a
 * reloaded window can restore its panel. vscode-free: the host passes a file path.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnosis, MetricsBatch, RunInfo, RunSnapshot, RunSummary } from '../shared/protocol';
import { appendBatch } from './coalescer';
import { decimate, decimateBatch, decimateHistograms } from './decimate';
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
}

interface StoreFile {
  version: 1;
  runs: RunSnapshot[];
}

export class RunStore {
  private runs: RunSnapshot[] = [];
  private liveId: string | null = null;
  private writing: Promise<void> = Promise.resolve();
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

  /** Read the saved runs. A missing or unreadable file means no runs, never an error. */
  async load(): Promise<void> {
    if (!this.opts.file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fs.readFile(this.opts.file, 'utf8'));
    } catch {
      return;
    }
    if (!isStoreFile(parsed)) return;
    const loaded = parsed.runs.filter(isSnapshot).map((r) =>
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
  }

  setDiagnostics(runId: string, diagnostics: Diagnosis[]): void {
    const snap = this.get(runId);
    if (snap) snap.diagnostics = diagnostics;
  }

  finish(runId: string, summary: RunSummary): void {
    const snap = this.get(runId);
    if (snap) snap.summary = summary;
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
    const text = JSON.stringify(this.storedForm());
    const next = this.writing.then(async () => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await fs.writeFile(tmp, text, 'utf8');
      await fs.rename(tmp, file);
    });
    this.writing = next.catch(() => undefined);
    return next;
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

function isSnapshot(v: unknown): v is RunSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as RunSnapshot;
  return (
    typeof s.info === 'object' && s.info !== null && typeof s.info.runId === 'string' &&
    typeof s.metrics === 'object' && s.metrics !== null &&
    Array.isArray(s.metrics.steps) && Array.isArray(s.metrics.epochs) && Array.isArray(s.metrics.histograms) &&
    Array.isArray(s.diagnostics)
  );
}
