/**
 * The experiment file (`*.optim.json`) as the engine sees it after validation.
 * Field names are a public contract (README, JSON schema, external tests): add, never rename.
 * Defaults are filled in by `src/engine/spec/validate.ts`, so everything here is required
 * unless it is genuinely optional for the run.
 */

export type SyntheticDataset = 'spiral' | 'circles' | 'xor' | 'blobs' | 'ravine' | 'linear';
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear' | 'leakyRelu';
export type OutputActivation = 'softmax' | 'sigmoid' | 'linear';
export type LossName = 'crossentropy' | 'mse';
export type InitScheme = 'he' | 'glorot' | 'normal' | 'uniform' | 'zeros' | 'constant';
export type ObjectiveName = 'rosenbrock' | 'beale' | 'quadratic' | 'saddle' | 'himmelblau' | 'sphere';
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'normalizedGd' | 'cg' | 'newton';
export type ScheduleName = 'constant' | 'inverseTime' | 'exponential' | 'step' | 'warmupCosine';
/** Conjugate-gradient β: Fletcher–Reeves, or Polak–Ribière with the β ← max(β, 0) reset (PR+). */
export type CgBeta = 'fletcherReeves' | 'polakRibiere';
/** Step-size search along the step direction: Brent's method (near exact) or Armijo backtracking. */
export type LineSearchName = 'brent' | 'backtracking';

export interface SyntheticData {
  kind: 'synthetic';
  synthetic: SyntheticDataset;
  samples: number;
  noise: number;
  validation: number;
  /** Standardize features to zero mean, unit variance (statistics of the training split). */
  normalize: boolean;
  /** Number of classes for `blobs` and `spiral` (default 3 for spiral, 3 for blobs). */
  classes: number;
}

export interface CsvData {
  kind: 'csv';
  /** Path as written in the file (resolved against the experiment file's folder at load time). */
  csv: string;
  target: string;
  normalize: boolean;
  validation: number;
}

export interface IdxData {
  kind: 'idx';
  idx: { images: string; labels: string };
  normalize: boolean;
  validation: number;
  /** Use at most this many examples (IDX files can be large). */
  limit?: number;
}

export type DataSpec = SyntheticData | CsvData | IdxData;

export interface LayerSpec {
  units: number;
  activation: Activation;
}

export interface InitSpec {
  scheme: InitScheme;
  /** Multiplies the scheme's standard deviation (or is the constant for `constant`). */
  scale: number;
  /** Initial value of every bias. */
  bias: number;
}

export interface ModelSpec {
  layers: LayerSpec[];
  output: OutputActivation;
  loss: LossName;
  init: InitSpec;
  /** A user model module (path as written, resolved against the experiment's folder): its loss and, optionally, a hand-written gradient. */
  module?: string;
}

export interface ObjectiveSpec {
  function: ObjectiveName;
  start: [number, number];
  /** Condition number c of `quadratic` ½(x² + c·y²). */
  condition: number;
}

export interface ScheduleSpec {
  name: ScheduleName;
  /** `inverseTime`: α₀ / (1 + decay·epoch). */
  decay: number;
  /** `exponential`: α₀·gamma^epoch. */
  gamma: number;
  /** `step`: α divided by `factor` every `every` epochs. */
  every: number;
  factor: number;
  /** `warmupCosine`: epochs of linear warm-up before the cosine part (undefined: 0). */
  warmup?: number;
  /** `warmupCosine`: the learning rate the cosine part ends at (PyTorch's eta_min; undefined: 0). */
  floor?: number;
}

/** Iterate averaging: the mean of all iterates (Polyak–Ruppert) or an exponential moving average. */
export type AveragingSpec = { kind: 'polyak' } | { kind: 'ema'; decay: number };

export interface OptimizerSpec {
  name: OptimizerName;
  learningRate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  rho: number;
  epsilon: number;
  schedule: ScheduleSpec;
  /** `rmsprop`: divide by the centered second moment (an estimate of the variance). Undefined: false. */
  centered?: boolean;
  /** `adam`: AMSGrad, the running maximum of the second moment. Undefined: false. */
  amsgrad?: boolean;
  /** `cg`: the β formula. Undefined: polakRibiere. */
  beta?: CgBeta;
  /** `sgd`, `normalizedGd`, `cg`, `newton`: choose α by a line search (`cg` always does; undefined there means brent). */
  lineSearch?: LineSearchName;
  /** Also track averaged parameters and record the loss there (`StepRecord.avgLoss`). */
  averaging?: AveragingSpec;
}

export interface TrainingSpec {
  /** Passes over the training data (networks). Undefined: bounded by `steps` only. */
  epochs?: number;
  /** Upper bound on the number of parameter updates. */
  steps: number;
  /** Undefined means full batch. */
  batchSize?: number;
  /** Collect activation histograms every this many steps (0 = automatic, about 50 per run). */
  histogramEvery: number;
  /** Extra runs from other seeds after the main one, to tell a local optimum from bad luck (0: none). */
  restarts?: number;
  /** Compare the training gradient with centered finite differences every so often (undefined: on only for a module's hand-written gradient). */
  gradientCheck?: boolean;
}

/** One run of a `compare` group: the base experiment with the entry's sections merged in, validated. */
export interface CompareVariant {
  /** Label in legends and tables: the entry's `name`, or what differs from the base (e.g. "adam α=0.1"). */
  name: string;
  experiment: Experiment;
}

/** One point of a hyperparameter search: the values set (by JSON pointer into the file) and the resulting experiment. */
export interface SearchTrial {
  values: Record<string, number | string | boolean>;
  experiment: Experiment;
}

/** `search`: trials drawn at validation time (random: from the experiment's seed), run headless after the main run. */
export interface SearchSpec {
  method: 'random' | 'grid';
  /** The JSON pointers searched over, in file order. */
  space: string[];
  trials: SearchTrial[];
}

/** Learning-rate range test (Leslie Smith): set by the lr-find commands, never read from a file. */
export interface LrFindSpec {
  /** α grows exponentially from `minLr` to `maxLr` over `steps` updates (stopping early when the loss explodes). */
  minLr: number;
  maxLr: number;
  steps: number;
}

interface ExperimentBase {
  name: string;
  seed: number;
  optimizer: OptimizerSpec;
  training: TrainingSpec;
  /** Variants run after this one, same data and seed (so same initial weights unless `model.init` differs). */
  compare?: CompareVariant[];
  /** Hyperparameter search trials, run headless after this one. */
  search?: SearchSpec;
  /** Run a learning-rate range test instead of training. */
  lrFind?: LrFindSpec;
}

export interface NetworkExperiment extends ExperimentBase {
  kind: 'network';
  data: DataSpec;
  model: ModelSpec;
}

export interface ObjectiveExperiment extends ExperimentBase {
  kind: 'objective';
  objective: ObjectiveSpec;
}

export type Experiment = NetworkExperiment | ObjectiveExperiment;

/** A located problem in an experiment file: `path` is a JSON pointer such as `/optimizer/learningRate`. */
export interface SpecIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
}
