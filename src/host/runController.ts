/**
 * Runs experiments one at a time and turns whatever happens in the worker into one normalized
 * event stream: `started`, then `metrics`/`diagnostics`/`log`, then exactly one of `finished`
 * (always, once `started` was seen: stop, crash and engine errors get a made-up summary) or
 * `failed` (the run never started). Keeps the run store up to date. vscode-free.
 */
import type { BackendPreference, EngineEvent, RunInfo, RunSummary } from '../shared/protocol';
import type { Experiment } from '../shared/experiment';
import type { RunStore } from './runStore';
import { summarizeFromData } from './summarize';
import { WorkerRun, type WatchdogOptions, type WorkerRunEnd } from './workerRun';

export interface RunRequest {
  experiment: Experiment;
  /** File path or example id. */
  source: string;
  baseDir: string;
  backend: BackendPreference;
  nodeModulesPaths: string[];
  /** Native BLAS kernels for dense layers when available (setting `optimizerDebugger.nativeBlas`); absent: on. */
  blas?: boolean;
  /** Hang detection for this run (the setting may change between runs); default: the controller's. */
  watchdog?: WatchdogOptions | false;
}

export interface RunOutcome {
  runId: string;
  info?: RunInfo;
  /** Set whenever the run started. */
  summary?: RunSummary;
  /** Set when it never started. */
  failure?: { message: string; path?: string };
}

export interface RunControllerOptions {
  workerPath: string;
  store: RunStore;
  stopGraceMs?: number;
  maxOldGenerationSizeMb?: number;
  /** Hang detection of the worker (see `WatchdogOptions`); `false` turns it off. */
  watchdog?: WatchdogOptions | false;
  /** Save the store at most this often during a run (and always at start and end). */
  persistEveryMs?: number;
  now?: () => number;
  newRunId?: () => string;
}

type Listener = (e: EngineEvent) => void;

interface ActiveRun {
  runId: string;
  worker: WorkerRun;
  outcome: Promise<RunOutcome>;
}

export class RunController {
  private active: ActiveRun | undefined;
  private listeners = new Set<Listener>();
  private counter = 0;
  private lastPersist = 0;
  private readonly now: () => number;

  constructor(private readonly opts: RunControllerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Subscribe to the normalized event stream; returns an unsubscribe function. */
  onEvent(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get isRunning(): boolean {
    return this.active !== undefined;
  }

  get activeRunId(): string | undefined {
    return this.active?.runId;
  }

  /**
   * Start a run. One run at a time: a run in progress is stopped first (its data is kept).
   * Resolves when the new run has ended, however it ended.
   */
  async run(req: RunRequest): Promise<RunOutcome> {
    // Loop: another caller may have started a run while we waited for the previous one to end.
    while (this.active) await this.stop();
    const runId = this.opts.newRunId?.() ?? `run-${this.now().toString(36)}-${(++this.counter).toString(36)}`;
    let info: RunInfo | undefined;
    // A compare group: later variants start in the same worker; `current` is the one running.
    let current: RunInfo | undefined;
    const worker = new WorkerRun({
      workerPath: this.opts.workerPath,
      stopGraceMs: this.opts.stopGraceMs,
      maxOldGenerationSizeMb: this.opts.maxOldGenerationSizeMb,
      watchdog: req.watchdog ?? this.opts.watchdog,
      start: {
        type: 'start',
        runId,
        experiment: req.experiment,
        baseDir: req.baseDir,
        source: req.source,
        backend: req.backend,
        nodeModulesPaths: req.nodeModulesPaths,
        blas: req.blas,
      },
      onEvent: (e) => {
        if (e.type === 'started') {
          // A second `started` would reset the data so far, unless it is the next variant of this run's group.
          if (info && (e.info.groupId !== info.runId || e.info.runId === info.runId)) return;
          info ??= e.info;
          current = e.info;
          this.opts.store.begin(e.info);
          void this.persist(true);
        } else if (!info || !current) {
          // Logs before `started` are fine; data without a run to attach it to is not.
          if (e.type !== 'log') return;
        } else if (e.type === 'metrics') {
          this.opts.store.appendMetrics(groupRunId(e.runId, info, current), e.batch);
          void this.persist(false);
        } else if (e.type === 'diagnostics') {
          this.opts.store.setDiagnostics(groupRunId(e.runId, info, current), e.diagnostics);
        } else if (e.type === 'finished') {
          // Only a group's non-final runs arrive here (`more`); the last one ends the worker (settle).
          this.opts.store.finish(groupRunId(e.runId, info, current), e.summary);
          void this.persist(true);
        }
        this.emit(e);
      },
    });
    const outcome = worker.done.then((end) => this.settle(runId, end, info, worker.stopRequested, current));
    const active: ActiveRun = { runId, worker, outcome };
    this.active = active;
    const result = await outcome;
    if (this.active === active) this.active = undefined;
    return result;
  }

  /** Stop the run in progress (if any) and wait until it has ended. */
  async stop(): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.worker.stop();
    await a.outcome;
  }

  private settle(runId: string, end: WorkerRunEnd, info: RunInfo | undefined, stopRequested: boolean, current?: RunInfo): RunOutcome {
    // The engine's own runId is authoritative for store and panel once it has started; in a
    // compare group the worker's end belongs to the variant running then.
    const id = current?.runId ?? info?.runId ?? runId;
    if (!info) {
      const message = end.kind === 'finished' ? 'The run ended before it started.' : end.message;
      const failure = end.kind === 'failed' && end.path !== undefined ? { message, path: end.path } : { message };
      this.emit({ type: 'failed', runId: id, ...failure });
      return { runId: id, failure };
    }
    const snap = this.opts.store.get(id);
    let summary: RunSummary;
    if (end.kind === 'finished') summary = end.summary;
    else if (!snap) summary = { reason: 'crashed', steps: 0, final: { trainLoss: null, valLoss: null, accuracy: null }, durationMs: 0, message: end.message };
    else if (end.kind === 'terminated') summary = summarizeFromData(snap, 'stopped', end.message, this.now());
    else if (end.kind === 'failed') summary = summarizeFromData(snap, stopRequested ? 'stopped' : 'error', end.message, this.now());
    else summary = summarizeFromData(snap, stopRequested ? 'stopped' : 'crashed', end.message, this.now());
    this.opts.store.finish(id, summary);
    void this.persist(true);
    this.emit({ type: 'finished', runId: id, summary });
    // The outcome is the base run's (Problems pane, fix verdicts), whichever variant ended last.
    const base = info.runId;
    return { runId: base, info, summary: base === id ? summary : this.opts.store.get(base)?.summary ?? summary };
  }

  private persist(force: boolean): Promise<void> {
    const t = this.now();
    if (!force && t - this.lastPersist < (this.opts.persistEveryMs ?? 10_000)) return Promise.resolve();
    this.lastPersist = t;
    return this.opts.store.persist().catch(() => undefined);
  }

  private emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // A faulty listener (UI) must not break the run's bookkeeping.
      }
    }
  }
}

/** Events of a group carry their own runId; anything else belongs to the run in progress. */
function groupRunId(runId: string, base: RunInfo, current: RunInfo): string {
  return runId === base.runId || runId === current.runId ? runId : current.runId;
}
