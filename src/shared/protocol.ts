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
  /** The native BLAS dense layers run on, e.g. "OpenBLAS 0.3.21 Haswell (libopenblas.so.0)"; absent: tfjs only. */
  blas?: string;
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
  /** Iterate averaging (`optimizer.averaging`): the loss at the averaged parameters θ̄_step, same batch as `loss`. */
  avgLoss?: number;
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
  /** Classifiers: counts[actual][predicted] on the validation split (training split when there is none). */
  confusion?: number[][];
  /** Binary classifiers (one sigmoid or two softmax outputs), same split as `confusion`. */
  binary?: BinaryMetrics;
}

/** Lecture 001's metrics of a binary classifier; class 1 is "positive". */
export interface BinaryMetrics {
  /** TP / (TP + FN) at threshold 0.5. */
  sensitivity: number;
  /** TN / (TN + FP) at threshold 0.5. */
  specificity: number;
  /** ROC curve from threshold +∞ down to −∞: false- and true-positive rates, same length. */
  rocFpr: number[];
  rocTpr: number[];
  /** Area under the ROC curve (trapezoids). */
  auc: number;
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

/** Hessian extreme eigenvalues by power iteration on Hessian-vector products (low cadence, networks). */
export interface CurvatureRecord {
  kind: 'curvature';
  step: number;
  /** Largest eigenvalue estimate (the sharpness; gradient descent is stable below 2/α). */
  lambdaMax: number;
  /** Smallest (most negative) eigenvalue estimate. */
  lambdaMin: number;
  /** Gradient norm on the same batch at the same parameters. */
  gradNorm: number;
  /** Loss on that batch. */
  loss: number;
}

/** Hidden units that are exact copies of each other (incoming weights, bias and outgoing weights). */
export interface SymmetryRecord {
  kind: 'symmetry';
  step: number;
  /** Hidden layer index (0-based). */
  layer: number;
  units: number;
  /** Size of the largest group of identical units (1: all distinct). */
  largestGroup: number;
  /** Units that belong to a group of two or more. */
  duplicated: number;
}

/** Centered finite differences against the gradient used for training, on sampled coordinates. */
export interface GradientCheckRecord {
  kind: 'gradientCheck';
  step: number;
  /** Worst relative error |g − ĝ| / max(|g|, |ĝ|, floor) over the checked coordinates. */
  maxRelError: number;
  /** Parameter at fault, e.g. "W1[3,0]" (or the module's name for it). */
  parameter: string;
  analytic: number;
  numeric: number;
  checked: number;
}

/** Final training losses of the main run and of restarts from other seeds. */
export interface RestartsRecord {
  kind: 'restarts';
  step: number;
  seeds: number[];
  finalLosses: (number | null)[];
}

/** A loss surface sent once as a grid (objectives: at the start and when a path leaves it; networks: at the end). */
export interface LandscapeRecord {
  kind: 'landscape';
  step: number;
  /** `objective`: f(x, y); `plane`: loss at θ + a·d₁ + b·d₂ (filter-normalized random d, Li et al. 2018); `line`: loss at θ₀ + t(θ − θ₀). */
  mode: 'objective' | 'plane' | 'line';
  /** Grid coordinates along x (x, a or t). */
  xs: number[];
  /** Grid coordinates along y (y or b); absent for `line`. */
  ys?: number[];
  /** Row-major: values[j·xs.length + i] at (xs[i], ys[j]); `line`: values[i]. Non-finite values are null. */
  values: (number | null)[];
  /** Objectives: the known minima (OBJECTIVE_MINIMA). */
  minima?: [number, number][];
  /** `line` / `plane`: the loss is the mean over the first `rows` rows of the training split. */
  rows?: number;
}

/** One trial of a hyperparameter search. */
export interface SearchTrialResult {
  /** Values set, by JSON pointer into the experiment file. */
  values: Record<string, number | string | boolean>;
  finalLoss: number | null;
  reason: RunEndReason;
}

/** Results of `search`, best (lowest final training loss) first; failed trials last. */
export interface SearchRecord {
  kind: 'search';
  step: number;
  method: 'random' | 'grid';
  space: string[];
  trials: SearchTrialResult[];
}

/** Learning-rate range test (Leslie Smith): loss against an exponentially growing α. */
export interface LrFindRecord {
  kind: 'lrFind';
  step: number;
  lrs: number[];
  losses: number[];
  /** Bias-corrected exponential moving average of `losses` (β = 0.98, as fastai). */
  smoothed: number[];
  /** α where the smoothed loss falls fastest per unit of log α; null when it never fell. */
  suggested: number | null;
  /** α at the smoothed loss's minimum (the "÷10 rule" suggests a tenth of it). */
  minLossLr: number | null;
  /** True when the test stopped because the smoothed loss exceeded 4× its minimum (or became NaN). */
  exploded: boolean;
}

/**
 * One dense layer's weight matrix W (inputs × units) for the panel's heat map, read back with the
 * symmetry probe (same cadence, no extra read-back). Larger matrices are block-averaged down to at
 * most WEIGHTS_MAX × WEIGHTS_MAX cells: cell (r, c) is the mean of the W entries in rows
 * [⌊r·fanIn/rows⌋, ⌊(r+1)·fanIn/rows⌋) and the matching columns, so every unit still counts.
 */
export interface WeightsRecord {
  kind: 'weights';
  step: number;
  /** Dense layer index (0-based; the last one is the output layer). */
  layer: number;
  /** Shape of W itself. */
  fanIn: number;
  units: number;
  /** Shape of `values`: rows ↔ inputs, cols ↔ units (equal to fanIn, units when not reduced). */
  rows: number;
  cols: number;
  /** Row-major rows × cols cell values, 4 significant digits. */
  values: number[];
}

/** Largest side of a `WeightsRecord` matrix. */
export const WEIGHTS_MAX = 64;

/** A measurement by a diagnostic instrument, taken at a low cadence. */
export type ProbeRecord = CurvatureRecord | SymmetryRecord | GradientCheckRecord | RestartsRecord | WeightsRecord | LandscapeRecord | SearchRecord | LrFindRecord;

export interface MetricsBatch {
  steps: StepRecord[];
  epochs: EpochRecord[];
  histograms: HistogramRecord[];
  /** Instrument measurements (curvature, symmetry, gradient checks, restarts); absent when none. */
  probes?: ProbeRecord[];
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
  /** `compare` runs: the runId of the group's first (base) run, the same on every variant. */
  groupId?: string;
  /** `compare` runs: the variant's label (legend, tables). */
  variant?: string;
  /** `compare` runs: 0 for the base experiment, 1… for the `compare` entries in file order. */
  variantIndex?: number;
  /** What the run does when it is not plain training: a learning-rate range test. */
  task?: 'lrFind';
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
  /** Short imperative label for buttons and quick fixes, e.g. "Lower the learning rate to 0.003". */
  title: string;
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

/** What "Apply fix and re-run" found: did the diagnosis go away, how did the final loss change. */
export interface FixVerdict {
  /** The run the fix came from and the re-run with the fix applied. */
  beforeRunId: string;
  afterRunId: string;
  code: string;
  /** What was changed, e.g. "/model/init/bias = 0". */
  fix: string;
  /** The code is absent from the re-run's diagnoses. */
  resolved: boolean;
  beforeLoss: number | null;
  afterLoss: number | null;
  /** Other codes the re-run reported (new problems show here). */
  remaining: string[];
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
  /** The run ended; every metrics batch was sent before this. `more`: another run of its compare group follows in the same worker. */
  | { type: 'finished'; runId: string; summary: RunSummary; more?: boolean }
  /** The run could not start or failed: `path` locates an experiment-file problem. */
  | { type: 'failed'; runId: string; message: string; path?: string }
  /** Networks ≤ LANDSCAPE_MAX_PARAMS: the weights before the first update and at the end (`step`), per parameter, row-major, for the on-demand loss landscape; sent before `finished`. */
  | { type: 'parameters'; runId: string; step: number; shapes: number[][]; initial: number[][]; final: number[][] };

/** Landscape job (worker → host), besides `log` and `failed`: progress, then the result. */
export type LandscapeJobEvent =
  /** `done` of `total` grid points evaluated. */
  | { type: 'landscapeProgress'; runId: string; done: number; total: number }
  /** The `line` and `plane` records; `stopped`: cancelled, no records. */
  | { type: 'landscapeResult'; runId: string; records: LandscapeRecord[]; stopped?: boolean };

/** Host → worker. Stopping goes through a shared flag (see `StopFlag`), not a message. */
export type HostToWorker = StartRun | StartLandscape;

/** Evaluate a finished network run's loss landscape from its saved weights (see the `parameters` event); answers with LandscapeJobEvents. */
export interface StartLandscape {
  type: 'landscape';
  /** The run whose landscape it is (records are stored with it). */
  runId: string;
  experiment: Experiment;
  baseDir: string;
  backend: BackendPreference;
  nodeModulesPaths: string[];
  /** Native BLAS kernels for dense layers when available (setting `optimizerDebugger.nativeBlas`); absent: on. */
  blas?: boolean;
  step: number;
  initial: number[][];
  final: number[][];
}

/** Train an experiment (the first and only message of a training worker). */
export type StartRun = {
  type: 'start';
  runId: string;
  experiment: Experiment;
  /** Folder that relative paths of the experiment resolve against. */
  baseDir: string;
  source: string;
  backend: BackendPreference;
  /** Extra folders to look for optional tfjs-node packages in. */
  nodeModulesPaths: string[];
  /** Native BLAS kernels for dense layers when available (setting `optimizerDebugger.nativeBlas`); absent: on. */
  blas?: boolean;
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
  | { type: 'runFinished'; runId: string; summary: RunSummary }
  /** Overlay the two runs of a fix and show the verdict (sent when the re-run has finished). */
  | { type: 'fixVerdict'; verdict: FixVerdict }
  /** The loss-landscape job of a run: `available` (its weights are kept), running with progress, or ended; the records arrive as `metrics` probes. */
  | { type: 'landscapeStatus'; runId: string; state: LandscapeJobState; done?: number; total?: number; message?: string };

/** Where a run's on-demand loss landscape stands, as the panel shows it. */
export type LandscapeJobState = 'available' | 'running' | 'done' | 'cancelled' | 'failed';

export type WebviewToHost =
  /** The webview has loaded and listens: the host may post. */
  | { type: 'ready' }
  /** Stop the active run. */
  | { type: 'stop' }
  /** Run the last experiment again. */
  | { type: 'rerun' }
  /** A message the webview wants in the output channel (errors in chart code). */
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** Apply suggested fix `fix` of diagnosis `code` of run `runId` to its experiment file; `rerun`: then run it again. */
  | { type: 'applyFix'; runId: string; code: string; fix: number; rerun: boolean }
  /** Save exported data (CSV text or a PNG data URL) through a save dialog. */
  | { type: 'export'; format: 'csv' | 'png'; fileName: string; data: string }
  /** Compute the loss landscape of network run `runId` (from its kept weights). */
  | { type: 'showLandscape'; runId: string }
  /** Cancel the loss-landscape job in progress. */
  | { type: 'cancelLandscape' };

export function emptyBatch(): MetricsBatch {
  return { steps: [], epochs: [], histograms: [] };
}
