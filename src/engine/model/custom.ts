/**
 * Custom model modules (`"model": { "module": "./mymodel.js" }`): a CommonJS file next to the
 * experiment that declares its parameters and exports its loss and, optionally, a hand-written
 * gradient (a backprop exercise). This file holds the contract (the interfaces below are what a
 * module author reads), loading with a fresh `require`, and checking the exports and the
 * declared parameters. Every problem found here is a SpecError at `/model/module` naming the file.
 * Training with a module is `train/custom.ts`.
 *
 * A module runs with the full rights of the process: the editor only runs it in a trusted
 * workspace (`host/trust.ts`), the CLI runs what its user points it at.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { InitScheme } from '../../shared/experiment';
import { SpecError } from '../errors';
import type { Rng } from '../random';
import type { tf } from '../tf';
import { initWeights } from './init';

/** What a module learns about the data before declaring its parameters. */
export interface DataInfo {
  /** Input features per example (columns of `x`). */
  features: number;
  /** Classes for classification, 1 for regression. */
  outputs: number;
  /** Class names (classification), undefined for regression. */
  classes?: string[];
  /** True when `y` holds real-valued targets rather than class indices. */
  regression: boolean;
  /** Rows in the training split. */
  trainSize: number;
}

/**
 * One parameter. `shape` as in tfjs (row-major); the initial value is `values` (flat or nested,
 * `shape`'s size in total), or `init` drawn from the experiment's seeded PRNG: a scheme of
 * `model.init` (`he`, `glorot`, `normal`, `uniform`, `zeros`; fan-in = size / last dimension,
 * fan-out = last dimension; `scale` multiplies the spread as in `model.init`) or a number (every
 * entry that constant). Default init: `glorot` for rank ≥ 2, `zeros` for biases and scalars.
 * A bare shape array (`W1: [2, 8]`) is `{ shape: [2, 8] }`.
 */
export interface ParamDeclaration {
  shape: number[];
  init?: Exclude<InitScheme, 'constant'> | number;
  scale?: number;
  values?: NestedNumbers;
}
export type NestedNumbers = number | NestedNumbers[];

/** Plain-JS parameters: name → a flat row-major copy (changing it changes nothing). */
export type JsParams = Record<string, Float64Array>;
/** A plain-JS batch: `x[i]` is example i's features, `y[i]` its class index or target. */
export interface JsBatch {
  x: Float64Array[];
  y: Float64Array;
}

/**
 * The exports of a model module. Every function works on one batch and returns (the gradient of)
 * the MEAN loss over its rows, as the built-in losses do.
 *
 * - `kind: "tfjs"` — `loss(tf, params, x, y)` gets tfjs-core (the engine's own instance), the
 *   parameters as tf.Variables, `x` as a [rows, features] tensor and `y` as a [rows] tensor, and
 *   returns a scalar tensor built with tf ops: autodiff gives the gradient.
 * - `kind: "js"` — `loss(params, x, y)` gets plain arrays (JsParams, JsBatch) and returns a
 *   number; `gradient(params, x, y)` returns `{ name: Float32Array | number[] }` (flat,
 *   row-major) for every parameter. That gradient is what the optimizer uses, and it is checked
 *   against centered finite differences (`incorrect-gradient`). Without `gradient` the engine
 *   uses centered finite differences itself: 2 loss evaluations per parameter per step, slow.
 * - `kind` may be left out: a module that exports `gradient`, or whose `loss` declares fewer
 *   than 4 arguments, is "js"; otherwise "tfjs".
 * - `predict` (optional, classification): class scores, one row per example, for the accuracy.
 */
export interface ModelModule {
  params: Record<string, ParamDeclaration | number[]> | ((info: DataInfo) => Record<string, ParamDeclaration | number[]>);
  kind?: 'tfjs' | 'js';
  loss: TfLoss | JsLoss;
  gradient?: (params: JsParams, x: Float64Array[], y: Float64Array) => Record<string, ArrayLike<number>>;
  predict?: TfPredict | JsPredict;
}
export type TfLoss = (tfjs: typeof tf, params: Record<string, tf.Variable>, x: tf.Tensor2D, y: tf.Tensor1D) => tf.Tensor | number;
export type JsLoss = (params: JsParams, x: Float64Array[], y: Float64Array) => number;
export type TfPredict = (tfjs: typeof tf, params: Record<string, tf.Variable>, x: tf.Tensor2D) => tf.Tensor;
export type JsPredict = (params: JsParams, x: Float64Array[]) => ArrayLike<ArrayLike<number>>;

/** A parameter after checking: its name, shape and initial values. */
export interface ParamPlan {
  name: string;
  shape: number[];
  size: number;
  values: Float32Array;
}

/** A loaded and checked module. */
export interface LoadedModule {
  /** As written in the experiment (for messages). */
  shownAs: string;
  file: string;
  kind: 'tfjs' | 'js';
  exports: ModelModule;
  params: ParamPlan[];
}

/** Files a module may be: CommonJS JavaScript. */
const EXTENSIONS = ['.js', '.cjs'];
/** Parameters a module may declare in total (as many as a built-in model may have). */
export const MODULE_PARAMS_MAX = 5_000_000;

/** Where `model.module` points: resolved against the experiment's folder. */
export function resolveModulePath(baseDir: string, given: string): string {
  return path.resolve(baseDir, given);
}

/** The module's message (or the thrown value), without the engine's stack. */
export function thrownText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** Loads the module fresh (edits are picked up on the next run) and checks its exports and parameters. */
export function loadModelModule(given: string, baseDir: string, info: DataInfo, rng: Rng): LoadedModule {
  const file = resolveModulePath(baseDir, given);
  const fail = (what: string): never => {
    throw new SpecError('/model/module', `${given}: ${what}`);
  };
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    fail(`model module not found (looked for ${file})`);
  }
  if (!isFile) fail(`not a file (${file}): name a CommonJS .js module`);
  if (!EXTENSIONS.includes(path.extname(file).toLowerCase())) fail(`a model module must be a CommonJS ${EXTENSIONS.join(' or ')} file`);

  let raw: unknown;
  try {
    raw = requireFresh(file);
  } catch (e) {
    fail(`could not load the module: ${thrownText(e)}`);
  }
  if (typeof raw !== 'object' || raw === null) fail('the module must export an object (module.exports = { params, loss, ... })');
  const m = raw as Partial<ModelModule> & Record<string, unknown>;
  if (typeof m.loss !== 'function') fail('the module exports no loss function (module.exports.loss = (params, x, y) => number)');
  for (const key of ['gradient', 'predict'] as const) {
    if (m[key] !== undefined && typeof m[key] !== 'function') fail(`"${key}" must be a function, got ${typeof m[key]}`);
  }
  if (m.kind !== undefined && m.kind !== 'tfjs' && m.kind !== 'js') fail(`"kind" must be "tfjs" or "js", got ${JSON.stringify(m.kind)}`);
  const kind = m.kind ?? (m.gradient !== undefined || (m.loss as (...a: unknown[]) => unknown).length < 4 ? 'js' : 'tfjs');
  if (kind === 'tfjs' && m.gradient !== undefined) fail('a "tfjs" module gets its gradient from autodiff: remove "gradient" or use kind "js"');

  let decl: unknown = m.params;
  if (typeof decl === 'function') {
    try {
      decl = (decl as (i: DataInfo) => unknown)({ ...info });
    } catch (e) {
      fail(`params(info) threw: ${thrownText(e)}`);
    }
  }
  const params = planParams(decl, rng, fail);
  return { shownAs: given, file, kind, exports: m as ModelModule, params };
}

/**
 * `require` without the cache: the module and the files it loaded (outside node_modules) are
 * dropped first, so an edited module is seen on the next run in the same process (CLI, tests).
 */
function requireFresh(file: string): unknown {
  const req = createRequire(file);
  const drop = (key: string, seen: Set<string>) => {
    const entry = req.cache[key];
    if (!entry || seen.has(key)) return;
    seen.add(key);
    for (const c of entry.children) if (!c.id.includes(`${path.sep}node_modules${path.sep}`)) drop(c.id, seen);
    delete req.cache[key];
  };
  drop(file, new Set());
  return req(file) as unknown;
}

function planParams(decl: unknown, rng: Rng, fail: (what: string) => never): ParamPlan[] {
  if (typeof decl !== 'object' || decl === null || Array.isArray(decl)) {
    fail('the module must export "params": an object { name: { shape, init } } or a function (info) => that object');
  }
  const entries = Object.entries(decl as Record<string, unknown>);
  if (entries.length === 0) fail('"params" declares no parameters');
  const out: ParamPlan[] = [];
  let total = 0;
  for (const [name, d] of entries) {
    const where = `parameter "${name}"`;
    const spec = (Array.isArray(d) ? { shape: d } : d) as Partial<ParamDeclaration> | null;
    if (typeof spec !== 'object' || spec === null) fail(`${where}: must be { shape: [...], init } or a shape array, got ${JSON.stringify(d)}`);
    const shape = spec.shape;
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 1)) {
      fail(`${where}: "shape" must be an array of positive integers (e.g. [2, 8]; [] for a scalar), got ${JSON.stringify(shape)}`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    total += size;
    if (total > MODULE_PARAMS_MAX) fail(`more than ${MODULE_PARAMS_MAX} parameters in total`);
    out.push({ name, shape: [...shape], size, values: initialValues(spec, shape, size, rng, (w) => fail(`${where}: ${w}`)) });
  }
  return out;
}

function initialValues(spec: Partial<ParamDeclaration>, shape: number[], size: number, rng: Rng, fail: (what: string) => never): Float32Array {
  if (spec.values !== undefined) {
    const flat: number[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'number' && Number.isFinite(v)) flat.push(v);
      else fail(`"values" must hold finite numbers, found ${JSON.stringify(v)}`);
    };
    walk(spec.values);
    if (flat.length !== size) fail(`"values" has ${flat.length} numbers but shape [${shape.join(', ')}] needs ${size}`);
    return Float32Array.from(flat);
  }
  const scale = spec.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) fail(`"scale" must be a number ≥ 0, got ${JSON.stringify(spec.scale)}`);
  const init = spec.init ?? (shape.length >= 2 ? 'glorot' : 'zeros');
  if (typeof init === 'number') {
    if (!Number.isFinite(init)) fail(`"init" must be finite, got ${init}`);
    return new Float32Array(size).fill(init);
  }
  const schemes = ['he', 'glorot', 'normal', 'uniform', 'zeros'];
  if (!schemes.includes(init)) fail(`"init" must be a number or one of ${schemes.join(', ')}, got ${JSON.stringify(init)}`);
  const fanOut = shape.length ? shape[shape.length - 1] : 1;
  return initWeights({ scheme: init, scale, bias: 0 }, size / fanOut, fanOut, rng);
}
