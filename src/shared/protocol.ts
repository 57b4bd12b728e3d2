/**
 * The one message contract between the training worker, the extension host, the CLI and the
 * webview. The webview imports this file with `import type` only, so nothing here may hold code
 * beyond type declarations and constants that are safe in every bundle.
 */
import type { Experiment } from './experiment';

export type BackendPreference = 'auto' | 'node-gpu' | 'node' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Which tfjs backend runs and why (shown in the status bar, the CLI and the output channel). */
export interface BackendChoice {
  /** tfjs backend name as `tf.getBackend()` reports it. */
  name: BackendName;
  /** Human label: "tfjs-node-gpu", "tfjs-node", "wasm (SIMD)", "cpu". */
  label: string;
  /** Why this one: e.g. "auto: @tensorflow/tfjs-node not installed; WASM loaded". */
  reason: string;
}

/** One parameter update, measured at the parameters before it. */
export interface StepRecord {
  /** Updates done before this measurement: 0 is the initial point. */
  step: number;
  /** Epoch the step belongs to (0-based; objectives: 0). */
  epoch: number;
  /** Training loss on the step's (mini)batch at θ_step. */
  loss: number;
  /** Learning rate used for the update that follows. */
  lr: number;
  /** Global gradient L2 norm at θ_step. */
  gradNorm: number;
  /** Per-layer gradient L2 norms (weights and bias of a dense layer together); empty for objectives. */
  layerGradNorms: number[];
  /** Per-layer ‖Δθ‖/‖θ‖ of the update that follows; empty for objectives and for the last record. */
  updateRatios: number[];
  /** Objectives: the point θ_step. */
  point?: [number, number];
  /** Cosine between this update and the previous one (zig-zag shows as values near −1). */
  updateCosine?: number;
}

/** End-of-epoch evaluation on the full training and validation sets (networks only). */
export interface EpochRecord {
  epoch: number;
  /** Updates done when the evaluation ran. */
  step: number;
  trainLoss: number;
  trainAccuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface Histogram {
  min: number;
  max: number;
  /** Equal-width bins over [min, max]. */
  counts: number[];
}

/** Distribution of one hidden layer's units over a fixed probe batch. */
export interface HistogramRecord {
  step: number;
  layer: number;
  pre: Histogram;
  act: Histogram;
  /** Fraction of units (ReLU family) never active on the probe batch. */
  deadFraction: number;
  /** Fraction of units (sigmoid/tanh) saturated on at least 99 % of the probe batch. */
  saturatedFraction: number;
}

export interface MetricsBatch {
  steps: StepRecord[];
  epochs: EpochRecord[];
  histograms: HistogramRecord[];
}

export type RunEndReason = 'completed' | 'stopped' | 'diverged' | 'crashed' | 'error';

export interface RunInfo {
  runId: string;
  /** Experiment `name`. */
  name: string;
  /** File path or built-in example id the run came from. */
  source: string;
  kind: Experiment['kind'];
  optimizer: string;
  backend: BackendChoice;
  paramCount: number;
  /** Upper bound on updates (the run may end earlier). */
  totalSteps: number;
  /** One label per dense layer, e.g. "dense1 (16, relu)"; empty for objectives. */
  layers: string[];
  startedAt: number;
  /** Training-split feature statistics before any normalization (networks only). */
  dataStats?: DataStats;
  /** Training examples (networks) — with `batchSize` tells full-batch from minibatch runs. */
  trainSize?: number;
}

export interface DataStats {
  featureNames: string[];
  mean: number[];
  std: number[];
}

export interface RunSummary {
  reason: RunEndReason;
  /** Updates done. */
  steps: number;
  final: { trainLoss: number | null; valLoss: number | null; accuracy: number | null };
  /** For objectives: the final point. */
  point?: [number, number];
  durationMs: number;
  /** What happened when reason is not `completed` (e.g. "loss became NaN at step 41"). */
  message?: string;
}

export type Severity = 'error' | 'warning' | 'info';

/** A suggested edit of the experiment file. */
export interface SuggestedFix {
  /** JSON pointer of the field to set. */
  path: string;
  value: unknown;
  why: string;
}

/** One finding of the diagnostics engine (codes: shared/recap-table.md). */
export interface Diagnosis {
  code: string;
  severity: Severity;
  message: string;
  /** Step at which it first held. */
  step: number;
  /** JSON pointer of the experiment field it concerns. */
  path: string;
  evidence: Record<string, number | string | boolean | number[] | null>;
  fixes: SuggestedFix[];
}

/** Everything kept of one run: enough to redraw the panel after a reload. */
export interface RunSnapshot {
  info: RunInfo;
  metrics: MetricsBatch;
  summary?: RunSummary;
  diagnostics: Diagnosis[];
}

// ---------------------------------------------------------------------------------------------
// Engine / worker → host (the CLI consumes the same events in-process)

export type EngineEvent =
  /** The run is set up: backend chosen, data loaded, model built. */
  | { type: 'started'; info: RunInfo }
  /** New measurements since the previous batch (coalesced, a few dozen per second at most). */
  | { type: 'metrics'; runId: string; batch: MetricsBatch }
  /** Diagnoses found so far (the whole current list, replacing the previous one). */
  | { type: 'diagnostics'; runId: string; diagnostics: Diagnosis[] }
  /** Something the engine did worth telling the user (backend fallback, data handling). */
  | { type: 'log'; runId: string; level: 'info' | 'warn' | 'error'; message: string }
  /** The run ended; every metrics batch was sent before this. */
  | { type: 'finished'; runId: string; summary: RunSummary }
  /** The run could not start or failed: `path` locates an experiment-file problem. */
  | { type: 'failed'; runId: string; message: string; path?: string };

/** Host → worker. Stopping goes through a shared flag (see `StopFlag`), not a message. */
export type HostToWorker = {
  type: 'start';
  runId: string;
  experiment: Experiment;
  /** Folder that relative paths of the experiment resolve against. */
  baseDir: string;
  source: string;
  backend: BackendPreference;
  /** Extra folders to look for optional tfjs-node packages in. */
  nodeModulesPaths: string[];
};

/** `workerData` of the training worker: an Int32Array(1) view; non-zero means stop. */
export interface WorkerData {
  stopFlag: SharedArrayBuffer;
}

// ---------------------------------------------------------------------------------------------
// Host ↔ webview

export type HostToWebview =
  /** Full state: sent after `ready` and after a reload. */
  | { type: 'reset'; runs: RunSnapshot[]; activeRunId: string | null }
  | { type: 'runStarted'; info: RunInfo }
  | { type: 'metrics'; runId: string; batch: MetricsBatch }
  | { type: 'diagnostics'; runId: string; diagnostics: Diagnosis[] }
  | { type: 'runFinished'; runId: string; summary: RunSummary };

export type WebviewToHost =
  /** The webview has loaded and listens: the host may post. */
  | { type: 'ready' }
  /** Stop the active run. */
  | { type: 'stop' }
  /** Run the last experiment again. */
  | { type: 'rerun' }
  /** A message the webview wants in the output channel (errors in chart code). */
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

export function emptyBatch(): MetricsBatch {
  return { steps: [], epochs: [], histograms: [] };
}
