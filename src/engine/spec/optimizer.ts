/** Validation of `optimizer` and its learning-rate `schedule`. */
import type { Experiment, OptimizerName, OptimizerSpec, ScheduleName, ScheduleSpec } from '../../shared/experiment';
import { Checker, Obj, checkEnum, child, describe, get, has, isObject, readEnum, readNumber, readObject, warnUnknown } from './checker';
import { DEFAULTS } from './defaults';
import { OPTIMIZERS, SCHEDULES } from './names';

const HYPER = ['momentum', 'beta1', 'beta2', 'rho', 'epsilon'] as const;
const OPTIMIZER_KEYS = ['name', 'learningRate', ...HYPER, 'schedule'];
const SCHEDULE_KEYS = ['name', 'decay', 'gamma', 'every', 'factor'];

/** Hyperparameters each optimizer reads (others are accepted but flagged as ignored). */
const USES: Record<OptimizerName, readonly string[]> = {
  sgd: [],
  momentum: ['momentum'],
  nesterov: ['momentum'],
  adagrad: ['epsilon'],
  rmsprop: ['rho', 'epsilon'],
  adam: ['beta1', 'beta2', 'epsilon'],
};
const SCHEDULE_USES: Record<ScheduleName, readonly string[]> = {
  constant: [],
  inverseTime: ['decay'],
  exponential: ['gamma'],
  step: ['every', 'factor'],
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

  const lrDefault = kind === 'objective' ? DEFAULTS.learningRateObjective : DEFAULTS.learningRateNetwork;
  const learningRate = readNumber(c, opt, 'learningRate', base, { gt: 0 }, lrDefault);
  const momentum = readNumber(c, opt, 'momentum', base, UNIT_INTERVAL, DEFAULTS.momentum);
  const beta1 = readNumber(c, opt, 'beta1', base, UNIT_INTERVAL, DEFAULTS.beta1);
  const beta2 = readNumber(c, opt, 'beta2', base, UNIT_INTERVAL, DEFAULTS.beta2);
  const rho = readNumber(c, opt, 'rho', base, UNIT_INTERVAL, DEFAULTS.rho);
  const epsilon = readNumber(c, opt, 'epsilon', base, { gt: 0, max: 1 }, name === 'adagrad' ? DEFAULTS.epsilonAdagrad : DEFAULTS.epsilon);
  if (nameOk) {
    for (const h of HYPER) {
      if (has(opt, h) && !USES[name].includes(h)) c.warn(child(base, h), `ignored: '${name}' does not use ${h}`);
    }
  }
  const schedule = readSchedule(c, opt, base);
  if (!nameOk || schedule === undefined) return undefined;
  return { name, learningRate, momentum, beta1, beta2, rho, epsilon, schedule };
}

function readSchedule(c: Checker, opt: Obj, base: string): ScheduleSpec | undefined {
  const path = child(base, 'schedule');
  const fallback: ScheduleSpec = { name: 'constant', decay: DEFAULTS.decay, gamma: DEFAULTS.gamma, every: DEFAULTS.every, factor: DEFAULTS.factor };
  if (!has(opt, 'schedule')) return fallback;
  const raw = get(opt, 'schedule');
  // "schedule": "exponential" is shorthand for { "name": "exponential" } with default parameters.
  if (typeof raw === 'string') {
    const name = checkEnum(c, raw, path, SCHEDULES, 'schedule');
    return name === undefined ? undefined : { ...fallback, name };
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
  if (nameOk) {
    for (const k of ['decay', 'gamma', 'every', 'factor']) {
      if (has(raw, k) && !SCHEDULE_USES[name].includes(k)) c.warn(child(path, k), `ignored: the '${name}' schedule does not use ${k}`);
    }
  }
  return nameOk ? spec : undefined;
}
