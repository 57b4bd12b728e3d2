/** Validation of `objective`: a 2-D test function and its starting point. */
import type { ObjectiveSpec } from '../../shared/experiment';
import { Checker, Obj, child, describe, get, has, readEnum, readNumber, warnUnknown } from './checker';
import { DEFAULTS, LIMITS, START_POINTS } from './defaults';
import { OBJECTIVES } from './names';

const OBJECTIVE_KEYS = ['function', 'start', 'condition'];

export function validateObjective(c: Checker, obj: Obj, base: string): ObjectiveSpec | undefined {
  warnUnknown(c, obj, base, OBJECTIVE_KEYS);
  const fn = readEnum(c, obj, 'function', base, OBJECTIVES, 'objective function');
  if (!has(obj, 'function')) c.error(child(base, 'function'), `missing: one of ${OBJECTIVES.join(', ')}`);

  let start: [number, number] | undefined = fn !== undefined ? [...START_POINTS[fn]] as [number, number] : undefined;
  if (has(obj, 'start')) {
    const raw = get(obj, 'start');
    const path = child(base, 'start');
    if (!Array.isArray(raw) || raw.length !== 2) {
      c.error(path, `must be a point [x, y] of two finite numbers, got ${describe(raw)}`);
      start = undefined;
    } else {
      const bad = raw.findIndex((v: unknown) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) {
        c.error(child(path, bad), `must be a finite number, got ${describe(raw[bad])}`);
        start = undefined;
      } else {
        start = [raw[0] as number, raw[1] as number];
      }
    }
  }

  const condition = readNumber(c, obj, 'condition', base, { gt: 0, max: LIMITS.conditionMax }, DEFAULTS.condition);
  if (has(obj, 'condition') && fn !== undefined && fn !== 'quadratic') {
    c.warn(child(base, 'condition'), `ignored: only 'quadratic' takes a condition number (this is '${fn}')`);
  }
  if (fn === undefined || start === undefined) return undefined;
  return { function: fn, start, condition };
}
