/** Validation of `training`: how long to run and with which batch size. */
import type { DataSpec, Experiment, TrainingSpec } from '../../shared/experiment';
import { Checker, Obj, child, has, readBoolean, readNumber, readObject, warnUnknown } from './checker';
import { DEFAULTS, LIMITS, MAX_STEPS } from './defaults';

/** Restarts rerun the whole experiment: a handful tells a local optimum from bad luck. */
const RESTARTS_MAX = 20;

const TRAINING_KEYS = ['epochs', 'steps', 'batchSize', 'histogramEvery', 'restarts', 'gradientCheck'];

export function validateTraining(c: Checker, root: Obj, kind: Experiment['kind'], data: DataSpec | undefined): TrainingSpec | undefined {
  const base = '/training';
  const tr = readObject(c, root, 'training', '') ?? (has(root, 'training') ? undefined : {});
  if (tr === undefined) return undefined;
  warnUnknown(c, tr, base, TRAINING_KEYS);
  const before = c.errorCount;
  const epochs = readNumber(c, tr, 'epochs', base, { integer: true, min: 1, max: LIMITS.epochsMax });
  const steps = readNumber(c, tr, 'steps', base, { integer: true, min: 1, max: LIMITS.stepsMax });
  const batchSize = readNumber(c, tr, 'batchSize', base, { integer: true, min: 1, max: LIMITS.batchSizeMax });
  const histogramEvery = readNumber(c, tr, 'histogramEvery', base, { integer: true, min: 0, max: LIMITS.stepsMax }, DEFAULTS.histogramEvery);
  const restarts = readNumber(c, tr, 'restarts', base, { integer: true, min: 0, max: RESTARTS_MAX });
  const gradientCheck = readBoolean(c, tr, 'gradientCheck', base, false);
  if (c.errorCount > before) return undefined;
  // An explicit false is kept: it switches off the check a model module's hand-written gradient turns on.
  const extras = { ...(restarts ? { restarts } : {}), ...(has(tr, 'gradientCheck') ? { gradientCheck } : {}) };

  if (kind === 'objective') {
    // A test function has no data: every update is one "epoch", so only `steps` counts.
    if (epochs !== undefined) c.warn(child(base, 'epochs'), 'ignored for objectives: use "steps" to bound the number of updates');
    if (batchSize !== undefined) c.warn(child(base, 'batchSize'), 'ignored for objectives: a test function has no data to batch');
    return { steps: steps ?? DEFAULTS.objectiveSteps, histogramEvery, ...extras };
  }

  const spec: TrainingSpec = { steps: steps ?? MAX_STEPS, histogramEvery, ...extras };
  if (epochs !== undefined) spec.epochs = epochs;
  else if (steps === undefined) spec.epochs = DEFAULTS.epochs;
  if (batchSize !== undefined) {
    spec.batchSize = batchSize;
    if (data?.kind === 'synthetic') {
      const train = Math.round(data.samples * (1 - data.validation));
      if (batchSize > train) c.warn(child(base, 'batchSize'), `larger than the training set (${train} examples): every step is full batch`);
    }
  }
  return spec;
}
