/**
 * Validation of the fields that make one file several runs: top-level `restarts` (an alias of
 * `training.restarts`), `compare` (variants) and `search` (hyperparameter trials).
 *
 * Variants and trials are built from the raw file, not from the validated experiment, so that
 * they get exactly the defaults and checks a file written that way would get:
 * - a `compare` entry's `optimizer` and `training` are merged key by key into the base's (so
 *   `{ "optimizer": { "name": "adam" } }` keeps the base's learning rate), and its `model.init`
 *   into the base's `model.init`; its `name` labels it. Data and seed stay the base's: every
 *   variant starts from the same initial weights unless it changes `model.init`.
 * - `search.space` keys are JSON pointers into the file (`/optimizer/learningRate`); each trial
 *   sets them on a copy of the file. Values: `{ "logUniform": [lo, hi] }`, `{ "uniform": [lo, hi] }`
 *   or a list of choices. `random` draws `trials` points from the experiment's seed (the lectures
 *   prefer it to grids); `grid` takes the product of the lists, ranges split into `gridPoints`
 *   points (log-spaced for logUniform). `steps` bounds each trial's updates (short trials).
 * Problems of a variant or a trial are reported at `/compare/<i>/…` or `/search/space/<key>`.
 */
import type { CompareVariant, Experiment, SearchSpec, SearchTrial } from '../../shared/experiment';
import { streamFor } from '../random';
import {
  Checker,
  type Obj,
  child,
  describe,
  get,
  has,
  isObject,
  readEnum,
  readNumber,
  readString,
  warnUnknown,
} from './checker';

type Validate = (c: Checker, root: unknown) => Experiment | undefined;
type Scalar = number | string | boolean;

const RESTARTS_MAX = 20;
export const COMPARE_MAX = 8;
export const SEARCH_TRIALS_MAX = 200;
const SEARCH_TRIALS_DEFAULT = 20;
const GRID_POINTS_DEFAULT = 5;
const MULTI_KEYS = ['compare', 'search', 'restarts'];
const ENTRY_KEYS = ['name', 'optimizer', 'training', 'model'];
const SEARCH_KEYS = ['method', 'trials', 'space', 'steps', 'gridPoints'];
/** Searching these would change what the experiment is, not how it is optimized. */
const UNSEARCHABLE = ['/compare', '/search', '/restarts', '/name', '/description', '/$schema'];

export function validateMulti(c: Checker, root: Obj, base: Experiment, validateRoot: Validate): Experiment | undefined {
  // validateRoot returns what it could build even after an error: only a clean checker means valid.
  const validate: Validate = (sub, raw) => {
    const v = validateRoot(sub, raw);
    return sub.errorCount === 0 ? v : undefined;
  };
  let exp: Experiment | undefined = restartsAlias(c, root, base);
  const plain = stripMulti(root);
  if (has(root, 'compare')) {
    const compare = validateCompare(c, root, plain, exp, validate);
    if (compare && exp) exp = { ...exp, compare };
  }
  if (has(root, 'search')) {
    const search = validateSearch(c, get(root, 'search'), plain, exp, validate);
    if (search && exp) exp = { ...exp, search };
  }
  return exp;
}

function restartsAlias(c: Checker, root: Obj, exp: Experiment): Experiment | undefined {
  const n = readNumber(c, root, 'restarts', '', { integer: true, min: 0, max: RESTARTS_MAX });
  if (n === undefined) return exp;
  const inTraining = isObject(get(root, 'training')) && has(get(root, 'training') as Obj, 'restarts');
  if (inTraining && (exp.training.restarts ?? 0) !== n) {
    c.error('/restarts', `conflicts with /training/restarts (${exp.training.restarts ?? 0}): give the number once`);
    return undefined;
  }
  return { ...exp, training: { ...exp.training, ...(n > 0 ? { restarts: n } : {}) } };
}

function stripMulti(root: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(root)) if (!MULTI_KEYS.includes(k)) out[k] = v;
  return out;
}

// ---- compare ---------------------------------------------------------------------------------

function validateCompare(c: Checker, root: Obj, plain: Obj, exp: Experiment | undefined, validate: Validate): CompareVariant[] | undefined {
  const list = get(root, 'compare');
  if (!Array.isArray(list)) {
    c.error('/compare', `must be a list of variants such as [{ "optimizer": { "name": "adam" } }], got ${describe(list)}`);
    return undefined;
  }
  if (list.length === 0 || list.length > COMPARE_MAX) {
    c.error('/compare', `must hold 1 to ${COMPARE_MAX} variants, got ${list.length}`);
    return undefined;
  }
  const variants: CompareVariant[] = [];
  const names = new Set<string>([exp ? describeVariant(exp, undefined) : '']);
  list.forEach((entry: unknown, i) => {
    const at = `/compare/${i}`;
    if (!isObject(entry)) {
      c.error(at, `must be an object overriding "optimizer", "training" or "model.init", got ${describe(entry)}`);
      return;
    }
    warnUnknown(c, entry, at, ENTRY_KEYS);
    const before = c.errorCount;
    const label = readString(c, entry, 'name', at, true);
    const raw = mergeEntry(c, plain, entry, at);
    if (!raw || c.errorCount > before) return;
    const sub = new Checker();
    const v = validate(sub, raw);
    relay(c, sub, at, entry, v === undefined);
    if (!v || !exp) return;
    let name = label ?? describeVariant(v, exp);
    for (let k = 2; names.has(name); k++) name = `${label ?? describeVariant(v, exp)} (${k})`;
    names.add(name);
    variants.push({ name, experiment: v });
  });
  return variants.length === list.length ? variants : undefined;
}

/** The file as the variant sees it: the entry's sections merged into the base's. */
function mergeEntry(c: Checker, plain: Obj, entry: Obj, at: string): Obj | undefined {
  const raw: Obj = { ...plain };
  for (const key of ['optimizer', 'training'] as const) {
    if (!has(entry, key)) continue;
    const e = get(entry, key);
    if (!isObject(e)) {
      c.error(child(at, key), `must be an object, got ${describe(e)}`);
      return undefined;
    }
    const b = get(plain, key);
    raw[key] = { ...(isObject(b) ? b : {}), ...e };
  }
  if (has(entry, 'model')) {
    const m = get(entry, 'model');
    if (!isObject(m) || Object.keys(m).some((k) => k !== 'init') || !isObject(get(m, 'init'))) {
      c.error(child(at, 'model'), 'a variant may change only the initialization: { "init": { … } }');
      return undefined;
    }
    const bm = get(plain, 'model');
    if (!isObject(bm)) {
      c.error(child(at, 'model'), 'only networks have a model to initialize');
      return undefined;
    }
    const bi = get(bm, 'init');
    raw.model = { ...bm, init: { ...(isObject(bi) ? bi : {}), ...(get(m, 'init') as Obj) } };
  }
  return raw;
}

/** Issues of a variant: those on fields the entry sets move under it; the rest are the base's own (already reported). */
function relay(c: Checker, sub: Checker, at: string, entry: Obj, failed: boolean): void {
  let relayedError = false;
  for (const i of sub.issues) {
    const [, section, key] = i.path.split('/');
    const e = section !== undefined ? get(entry, section) : undefined;
    const mine =
      isObject(e) && (key === undefined || (section === 'model' ? key === 'init' : has(e, key.replace(/~1/g, '/').replace(/~0/g, '~'))));
    if (!mine) continue;
    if (i.severity === 'error') {
      c.error(`${at}${i.path}`, i.message);
      relayedError = true;
    } else c.warn(`${at}${i.path}`, i.message);
  }
  if (failed && !relayedError) {
    const first = sub.issues.find((i) => i.severity === 'error');
    c.error(at, `this variant is not a valid experiment: ${first ? `${first.path || '/'}: ${first.message}` : 'unknown problem'}`);
  }
}

const OPTIMIZER_LABEL_KEYS = ['learningRate', 'momentum', 'beta1', 'beta2', 'rho', 'epsilon', 'centered', 'amsgrad', 'beta', 'lineSearch'] as const;
const SHORT: Record<string, string> = { learningRate: 'α', momentum: 'μ', beta1: 'β₁', beta2: 'β₂', rho: 'ρ', epsilon: 'ε' };

/** "adam α=0.1": the optimizer's name and (for a variant) the hyperparameters that differ from the base. */
export function describeVariant(v: Experiment, base: Experiment | undefined): string {
  const o = v.optimizer;
  const parts: string[] = [o.name];
  const keys = base ? OPTIMIZER_LABEL_KEYS.filter((k) => o[k] !== base.optimizer[k]) : (['learningRate'] as const);
  for (const k of keys) if (o[k] !== undefined) parts.push(`${SHORT[k] ?? k}=${String(o[k])}`);
  if (base && base.optimizer.schedule.name !== o.schedule.name) parts.push(`schedule=${o.schedule.name}`);
  if (base && v.kind === 'network' && base.kind === 'network') {
    if (v.model.init.scheme !== base.model.init.scheme) parts.push(`init=${v.model.init.scheme}`);
    if (v.model.init.scale !== base.model.init.scale) parts.push(`scale=${v.model.init.scale}`);
    if (v.model.init.bias !== base.model.init.bias) parts.push(`bias=${v.model.init.bias}`);
  }
  if (base && v.training.batchSize !== base.training.batchSize) parts.push(`batch=${v.training.batchSize ?? 'full'}`);
  return parts.join(' ');
}

// ---- search ----------------------------------------------------------------------------------

type Dimension = { pointer: string; at: string } & ({ kind: 'choice'; values: Scalar[] } | { kind: 'uniform' | 'logUniform'; lo: number; hi: number });

function validateSearch(c: Checker, s: unknown, plain: Obj, exp: Experiment | undefined, validate: Validate): SearchSpec | undefined {
  const at = '/search';
  if (!isObject(s)) {
    c.error(at, `must be an object { "method": "random", "trials": 20, "space": { "/optimizer/learningRate": { "logUniform": [1e-4, 1] } } }, got ${describe(s)}`);
    return undefined;
  }
  warnUnknown(c, s, at, SEARCH_KEYS);
  const before = c.errorCount;
  const method = readEnum(c, s, 'method', at, ['random', 'grid'] as const, 'search method') ?? 'random';
  const trialsWanted = readNumber(c, s, 'trials', at, { integer: true, min: 1, max: SEARCH_TRIALS_MAX }, SEARCH_TRIALS_DEFAULT);
  const steps = readNumber(c, s, 'steps', at, { integer: true, min: 1, max: 1_000_000 });
  const gridPoints = readNumber(c, s, 'gridPoints', at, { integer: true, min: 2, max: 50 }, GRID_POINTS_DEFAULT);
  const space = get(s, 'space');
  if (!isObject(space) || Object.keys(space).length === 0) {
    c.error(child(at, 'space'), `must map JSON pointers to ranges, e.g. { "/optimizer/learningRate": { "logUniform": [1e-4, 1] } }, got ${describe(space)}`);
    return undefined;
  }
  const dims: Dimension[] = [];
  for (const [pointer, range] of Object.entries(space)) {
    const d = readDimension(c, pointer, range, child(child(at, 'space'), pointer));
    if (d) dims.push(d);
  }
  if (c.errorCount > before || !exp) return undefined;

  // Every value a trial can take must make a valid experiment: check the ends of ranges and every choice.
  for (const d of dims) {
    const probes: Scalar[] = d.kind === 'choice' ? d.values : [d.lo, d.hi];
    for (const v of probes) {
      const sub = new Checker();
      if (!validate(sub, withPointer(plain, d.pointer, v))) {
        const first = sub.issues.find((i) => i.severity === 'error');
        c.error(d.at, `${JSON.stringify(v)} at ${d.pointer} makes the experiment invalid: ${first?.message ?? 'unknown problem'}`);
      }
    }
  }
  if (c.errorCount > before) return undefined;

  let points: Record<string, Scalar>[];
  if (method === 'grid') {
    points = gridOf(dims, gridPoints);
    if (points.length > SEARCH_TRIALS_MAX) {
      c.error(child(at, 'space'), `the grid has ${points.length} points, more than ${SEARCH_TRIALS_MAX}: use fewer values or "method": "random"`);
      return undefined;
    }
  } else {
    const rng = streamFor(exp.seed, 'search');
    points = [];
    for (let t = 0; t < trialsWanted; t++) {
      const p: Record<string, Scalar> = {};
      for (const d of dims) {
        if (d.kind === 'choice') p[d.pointer] = d.values[Math.min(d.values.length - 1, Math.floor(rng.next() * d.values.length))];
        else if (d.kind === 'uniform') p[d.pointer] = round(rng.uniform(d.lo, d.hi));
        else p[d.pointer] = round(Math.exp(rng.uniform(Math.log(d.lo), Math.log(d.hi))));
      }
      points.push(p);
    }
  }

  const trials: SearchTrial[] = [];
  for (const values of points) {
    let raw = plain;
    for (const [k, v] of Object.entries(values)) raw = withPointer(raw, k, v);
    if (steps !== undefined) raw = withPointer(raw, '/training/steps', steps);
    const t = validate(new Checker(), raw);
    // A combination of individually valid values can still clash (rare): leave that trial out.
    if (t) trials.push({ values, experiment: { ...t, training: { ...t.training, restarts: 0, gradientCheck: false } } });
  }
  if (trials.length === 0) {
    c.error(at, 'no combination of the searched values makes a valid experiment');
    return undefined;
  }
  return { method, space: dims.map((d) => d.pointer), trials };
}

function readDimension(c: Checker, pointer: string, range: unknown, at: string): Dimension | undefined {
  if (!/^(\/[^/]+)+$/.test(pointer) || UNSEARCHABLE.some((u) => pointer === u || pointer.startsWith(`${u}/`))) {
    c.error(at, `keys of "space" are JSON pointers to a field of this file such as "/optimizer/learningRate", got ${JSON.stringify(pointer)}`);
    return undefined;
  }
  if (Array.isArray(range)) {
    if (range.length === 0 || !range.every((v) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
      c.error(at, 'a list of choices must hold at least one number, string or boolean');
      return undefined;
    }
    return { pointer, at, kind: 'choice', values: range as Scalar[] };
  }
  if (isObject(range)) {
    const kinds = (['logUniform', 'uniform'] as const).filter((k) => has(range, k));
    const bounds = kinds.length === 1 ? get(range, kinds[0]) : undefined;
    if (
      kinds.length === 1 &&
      Object.keys(range).length === 1 &&
      Array.isArray(bounds) &&
      bounds.length === 2 &&
      bounds.every((b) => typeof b === 'number' && Number.isFinite(b)) &&
      (bounds[0] as number) < (bounds[1] as number) &&
      (kinds[0] === 'uniform' || (bounds[0] as number) > 0)
    ) {
      return { pointer, at, kind: kinds[0], lo: bounds[0] as number, hi: bounds[1] as number };
    }
  }
  c.error(at, `must be { "logUniform": [lo, hi] } (0 < lo < hi), { "uniform": [lo, hi] } or a list of values, got ${describe(range)}`);
  return undefined;
}

function gridOf(dims: Dimension[], n: number): Record<string, Scalar>[] {
  let out: Record<string, Scalar>[] = [{}];
  for (const d of dims) {
    let values: Scalar[];
    if (d.kind === 'choice') values = d.values;
    else if (d.kind === 'uniform') values = Array.from({ length: n }, (_, i) => round(d.lo + ((d.hi - d.lo) * i) / (n - 1)));
    else values = Array.from({ length: n }, (_, i) => round(Math.exp(Math.log(d.lo) + ((Math.log(d.hi) - Math.log(d.lo)) * i) / (n - 1))));
    out = out.flatMap((p) => values.map((v) => ({ ...p, [d.pointer]: v })));
    if (out.length > SEARCH_TRIALS_MAX * 4) break; // reported as too large by the caller
  }
  return out;
}

/** Four significant digits: the table stays readable and the value can be pasted back into the file. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

/** A copy of `root` with the field at `pointer` set (intermediate objects created as needed). */
export function withPointer(root: Obj, pointer: string, value: unknown): Obj {
  const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const set = (node: unknown, i: number): unknown => {
    const k = keys[i];
    if (Array.isArray(node)) {
      const copy = [...node] as unknown[];
      const idx = Number(k);
      if (Number.isInteger(idx) && idx >= 0 && idx < copy.length) copy[idx] = i === keys.length - 1 ? value : set(copy[idx], i + 1);
      return copy;
    }
    const obj: Obj = isObject(node) ? { ...node } : {};
    obj[k] = i === keys.length - 1 ? value : set(get(obj, k), i + 1);
    return obj;
  };
  return set(root, 0) as Obj;
}
