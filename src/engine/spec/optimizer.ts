/** Validation of `optimizer` and its learning-rate `schedule`. */
import type {
  AveragingSpec,
  CgBeta,
  Experiment,
  LineSearchName,
  OptimizerName,
  OptimizerSpec,
  ScheduleName,
  ScheduleSpec,
} from '../../shared/experiment';
import { Checker, Obj, checkEnum, child, describe, get, has, isObject, readBoolean, readEnum, readNumber, readObject, warnUnknown } from './checker';
import { DEFAULTS } from './defaults';
import { OPTIMIZERS, SCHEDULES } from './names';

export const CG_BETAS = ['fletcherReeves', 'polakRibiere'] as const satisfies readonly CgBeta[];
export const LINE_SEARCHES = ['brent', 'backtracking'] as const satisfies readonly LineSearchName[];
export const AVERAGING_NAMES = ['polyak'] as const;

const HYPER = ['momentum', 'beta1', 'beta2', 'rho', 'epsilon', 'centered', 'amsgrad', 'beta', 'lineSearch'] as const;
const OPTIMIZER_KEYS = ['name', 'learningRate', ...HYPER, 'averaging', 'schedule'];
const SCHEDULE_KEYS = ['name', 'decay', 'gamma', 'every', 'factor', 'warmup', 'floor'];

/** Hyperparameters each optimizer reads (others are accepted but flagged as ignored). */
const USES: Record<OptimizerName, readonly string[]> = {
  sgd: ['lineSearch'],
  momentum: ['momentum'],
  nesterov: ['momentum'],
  adagrad: ['epsilon'],
  rmsprop: ['rho', 'epsilon', 'momentum', 'centered'],
  adam: ['beta1', 'beta2', 'epsilon', 'amsgrad'],
  normalizedGd: ['lineSearch'],
  cg: ['beta', 'lineSearch'],
  newton: ['lineSearch'],
};
const SCHEDULE_USES: Record<ScheduleName, readonly string[]> = {
  constant: [],
  inverseTime: ['decay'],
  exponential: ['gamma'],
  step: ['every', 'factor'],
  warmupCosine: ['warmup', 'floor'],
};

const UNIT_INTERVAL = { min: 0, lt: 1 };

export function validateOptimizer(c: Checker, root: Obj, kind: Experiment['kind']): OptimizerSpec | undefined {
  const base = '/optimizer';
  const opt = readObject(c, root, 'optimizer', '') ?? (has(root, 'optimizer') ? undefined : {});
  if (opt === undefined) return undefined;
  warnUnknown(c, opt, base, OPTIMIZER_KEYS);
  const nameGiven = readEnum(c, opt, 'name', base, OPTIMIZERS, 'optimizer');
  const nameOk = !has(opt, 'name') || nameGiven !== undefined;
  const name: OptimizerName = nameGiven ?? DEFAULTS.optimizer;

  const lineSearch = readEnum(c, opt, 'lineSearch', base, LINE_SEARCHES, 'line search');
  // Newton's full step and a line search's first trial are both "α = 1" methods.
  const searching = name === 'newton' || name === 'cg' || (lineSearch !== undefined && USES[name].includes('lineSearch'));
  const lrDefault = searching ? DEFAULTS.learningRateSearch : kind === 'objective' ? DEFAULTS.learningRateObjective : DEFAULTS.learningRateNetwork;
  const learningRate = readNumber(c, opt, 'learningRate', base, { gt: 0 }, lrDefault);
  const momentum = readNumber(c, opt, 'momentum', base, UNIT_INTERVAL, name === 'rmsprop' ? DEFAULTS.momentumRmsprop : DEFAULTS.momentum);
  const beta1 = readNumber(c, opt, 'beta1', base, UNIT_INTERVAL, DEFAULTS.beta1);
  const beta2 = readNumber(c, opt, 'beta2', base, UNIT_INTERVAL, DEFAULTS.beta2);
  const rho = readNumber(c, opt, 'rho', base, UNIT_INTERVAL, DEFAULTS.rho);
  const epsilon = readNumber(c, opt, 'epsilon', base, { gt: 0, max: 1 }, name === 'adagrad' ? DEFAULTS.epsilonAdagrad : DEFAULTS.epsilon);
  const centered = readBoolean(c, opt, 'centered', base, false);
  const amsgrad = readBoolean(c, opt, 'amsgrad', base, false);
  const beta = readEnum(c, opt, 'beta', base, CG_BETAS, 'conjugate-gradient beta');
  const averagingOk = { ok: true };
  const averaging = readAveraging(c, opt, base, averagingOk);
  if (nameOk) {
    for (const h of HYPER) {
      if (has(opt, h) && !USES[name].includes(h)) c.warn(child(base, h), `ignored: '${name}' does not use ${h}`);
    }
  }
  const schedule = readSchedule(c, opt, base);
  if (!nameOk || schedule === undefined || !averagingOk.ok) return undefined;
  const spec: OptimizerSpec = { name, learningRate, momentum, beta1, beta2, rho, epsilon, schedule };
  // Only the fields the chosen method reads, so specs of the classic optimizers stay as they were.
  if (name === 'rmsprop' && centered) spec.centered = true;
  if (name === 'adam' && amsgrad) spec.amsgrad = true;
  if (name === 'cg') spec.beta = beta ?? DEFAULTS.cgBeta;
  if (USES[name].includes('lineSearch') && (lineSearch !== undefined || name === 'cg')) spec.lineSearch = lineSearch ?? DEFAULTS.lineSearch;
  if (averaging) spec.averaging = averaging;
  return spec;
}

/** `"averaging": "polyak"` or `{ "ema": 0.99 }`. */
function readAveraging(c: Checker, opt: Obj, base: string, status: { ok: boolean }): AveragingSpec | undefined {
  if (!has(opt, 'averaging')) return undefined;
  const path = child(base, 'averaging');
  const raw = get(opt, 'averaging');
  if (typeof raw === 'string') {
    const name = checkEnum(c, raw, path, AVERAGING_NAMES, 'averaging');
    if (name === undefined) status.ok = false;
    return name === undefined ? undefined : { kind: 'polyak' };
  }
  if (!isObject(raw)) {
    c.error(path, `must be "polyak" or { "ema": 0.99 } (an exponential moving average), got ${describe(raw)}`);
    status.ok = false;
    return undefined;
  }
  warnUnknown(c, raw, path, ['ema']);
  if (!has(raw, 'ema')) {
    c.error(path, 'missing "ema": the decay d of θ̄ ← d·θ̄ + (1−d)·θ, e.g. { "ema": 0.99 }');
    status.ok = false;
    return undefined;
  }
  const errors = c.errorCount;
  const decay = readNumber(c, raw, 'ema', path, { gt: 0, lt: 1 }, DEFAULTS.emaDecay);
  if (c.errorCount > errors) status.ok = false;
  return { kind: 'ema', decay };
}

function readSchedule(c: Checker, opt: Obj, base: string): ScheduleSpec | undefined {
  const path = child(base, 'schedule');
  const fallback: ScheduleSpec = { name: 'constant', decay: DEFAULTS.decay, gamma: DEFAULTS.gamma, every: DEFAULTS.every, factor: DEFAULTS.factor };
  if (!has(opt, 'schedule')) return fallback;
  const raw = get(opt, 'schedule');
  // "schedule": "exponential" is shorthand for { "name": "exponential" } with default parameters.
  if (typeof raw === 'string') {
    const name = checkEnum(c, raw, path, SCHEDULES, 'schedule');
    return name === undefined ? undefined : withCosine({ ...fallback, name });
  }
  if (!isObject(raw)) {
    c.error(path, `must be a schedule name (${SCHEDULES.join(', ')}) or an object { "name": ... }, got ${describe(raw)}`);
    return undefined;
  }
  warnUnknown(c, raw, path, SCHEDULE_KEYS);
  const nameGiven = readEnum(c, raw, 'name', path, SCHEDULES, 'schedule');
  const nameOk = !has(raw, 'name') || nameGiven !== undefined;
  const name = nameGiven ?? 'constant';
  const spec: ScheduleSpec = {
    name,
    decay: readNumber(c, raw, 'decay', path, { min: 0 }, DEFAULTS.decay),
    gamma: readNumber(c, raw, 'gamma', path, { gt: 0, max: 1 }, DEFAULTS.gamma),
    every: readNumber(c, raw, 'every', path, { integer: true, min: 1 }, DEFAULTS.every),
    factor: readNumber(c, raw, 'factor', path, { gt: 0 }, DEFAULTS.factor),
  };
  const warmup = readNumber(c, raw, 'warmup', path, { integer: true, min: 0 }, DEFAULTS.warmup);
  const floor = readNumber(c, raw, 'floor', path, { min: 0 }, DEFAULTS.floor);
  if (nameOk) {
    for (const k of ['decay', 'gamma', 'every', 'factor', 'warmup', 'floor']) {
      if (has(raw, k) && !SCHEDULE_USES[name].includes(k)) c.warn(child(path, k), `ignored: the '${name}' schedule does not use ${k}`);
    }
  }
  if (name === 'warmupCosine') {
    const lr = get(opt, 'learningRate');
    if (typeof lr === 'number' && floor > lr) c.warn(child(path, 'floor'), `the floor ${floor} is above the learning rate ${lr}: the "decay" will raise α`);
    Object.assign(spec, { warmup, floor });
  }
  return nameOk ? spec : undefined;
}

function withCosine(s: ScheduleSpec): ScheduleSpec {
  return s.name === 'warmupCosine' ? { ...s, warmup: DEFAULTS.warmup, floor: DEFAULTS.floor } : s;
}
