/**
 * Defaults and limits of the experiment file. `schemas/optim.schema.json` repeats the plain ones
 * as `default`s; a unit test keeps the two in agreement.
 *
 * | field                         | default                                                          |
 * |-------------------------------|------------------------------------------------------------------|
 * | name                          | "Untitled experiment"                                            |
 * | seed                          | 0                                                                |
 * | data.samples                  | 600 (synthetic)                                                  |
 * | data.noise                    | 0.1 (synthetic)                                                  |
 * | data.validation               | 0.2                                                              |
 * | data.normalize                | false (synthetic, csv); true (idx)                               |
 * | data.classes                  | 3 for spiral/blobs; fixed 2 for circles/xor; 1 (one real target) for ravine/linear |
 * | model.layers                  | [] (a linear or logistic model)                                  |
 * | model.output                  | softmax for classification data (spiral, circles, xor, blobs, csv, idx); linear for ravine/linear |
 * | model.loss                    | crossentropy for softmax/sigmoid output; mse for linear output   |
 * | model.init.scheme             | he when every hidden layer is relu/leakyRelu (and there is one); else glorot |
 * | model.init.scale              | 1                                                                |
 * | model.init.bias               | 0                                                                |
 * | objective.start               | per function, see START_POINTS                                   |
 * | objective.condition           | 10 (quadratic only)                                              |
 * | optimizer                     | { "name": "sgd" } (plain gradient descent, the lecture's baseline) |
 * | optimizer.learningRate        | 0.01 for networks; 0.001 for objectives (Rosenbrock's curvature near the start is ~2000, so GD needs α < 0.001) |
 * | optimizer.learningRate        | 1 for newton, cg and any optimizer with a lineSearch (the full Newton step; the line search's first trial) |
 * | optimizer.momentum            | 0.9; rmsprop 0 (as PyTorch)                                      |
 * | optimizer.beta1 / beta2       | 0.9 / 0.999                                                      |
 * | optimizer.rho                 | 0.99 (PyTorch RMSprop `alpha`)                                   |
 * | optimizer.epsilon             | 1e-8; adagrad 1e-10 (as PyTorch)                                 |
 * | optimizer.centered / amsgrad  | false (rmsprop / adam)                                           |
 * | optimizer.beta                | "polakRibiere" (cg; with the β ← max(β, 0) reset)                |
 * | optimizer.lineSearch          | none (sgd, normalizedGd, newton: fixed α); cg: "brent"           |
 * | optimizer.averaging           | none; { "ema": d } has no default d                               |
 * | schedule.warmup / floor       | 0 / 0 (warmupCosine)                                             |
 * | optimizer.schedule            | { name constant, decay 0, gamma 1, every 1, factor 10 }; "constant" string shorthand accepted |
 * | training.epochs               | networks: 20 when neither epochs nor steps is given; objectives: unused |
 * | training.steps                | networks: MAX_STEPS (no bound beyond epochs) unless given; objectives: 200 |
 * | training.batchSize            | undefined = full batch                                           |
 * | training.histogramEvery       | 0 (automatic: about 50 per run)                                  |
 */

export const DEFAULTS = {
  name: 'Untitled experiment',
  seed: 0,
  samples: 600,
  noise: 0.1,
  validation: 0.2,
  classes: 3,
  initScale: 1,
  initBias: 0,
  condition: 10,
  optimizer: 'sgd',
  learningRateNetwork: 0.01,
  learningRateObjective: 0.001,
  momentum: 0.9,
  momentumRmsprop: 0,
  learningRateSearch: 1,
  cgBeta: 'polakRibiere',
  lineSearch: 'brent',
  emaDecay: 0.99,
  warmup: 0,
  floor: 0,
  beta1: 0.9,
  beta2: 0.999,
  rho: 0.99,
  epsilon: 1e-8,
  epsilonAdagrad: 1e-10,
  schedule: 'constant',
  decay: 0,
  gamma: 1,
  every: 1,
  factor: 10,
  epochs: 20,
  objectiveSteps: 200,
  histogramEvery: 0,
} as const;

/** `training.steps` when only epochs bound a network run: larger than any run can reach. */
export const MAX_STEPS = 1e9;

export const LIMITS = {
  samplesMax: 1e6,
  validationMax: 0.9,
  noiseMax: 10,
  classesMin: 2,
  classesMax: 100,
  unitsMax: 4096,
  layersMax: 32,
  paramsMax: 50_000_000,
  epochsMax: 1e6,
  stepsMax: MAX_STEPS,
  batchSizeMax: 1e6,
  idxLimitMax: 1e7,
  conditionMax: 1e8,
} as const;

/** Where each test function starts when `objective.start` is omitted. */
export const START_POINTS: Record<string, [number, number]> = {
  rosenbrock: [-1.5, 2],
  beale: [1, 1],
  quadratic: [10, 1],
  saddle: [1, 0.001],
  himmelblau: [0, 0],
  sphere: [10, 0],
};

/** Input features of each synthetic dataset (for the parameter-count check). */
export const SYNTHETIC_FEATURES = 2;
/** IDX images are assumed 28×28 (MNIST-like) for the parameter-count estimate before loading. */
export const IDX_FEATURES_ESTIMATE = 784;
