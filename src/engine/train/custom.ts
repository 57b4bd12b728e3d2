/**
 * A custom model module (`model/custom.ts`) on a dataset as a Problem: the same minibatches as
 * the built-in MLP (consecutive row ranges of the once-shuffled training split), the module's
 * loss, and the gradient the module defines:
 *
 * - "tfjs" modules: autodiff through the module's tf ops;
 * - "js" modules with `gradient`: the hand-written gradient, attached to the loss with
 *   tf.customGrad so that every consumer (optimizer, line searches, curvature and gradient
 *   checks) sees exactly the gradient the student wrote, bugs included;
 * - "js" modules without `gradient`: centered finite differences in float64.
 *
 * The module is called once at set-up on the first batch: a loss that is not a finite number, a
 * gradient with missing names or wrong lengths, or a tfjs loss that does not depend on a parameter
 * is a SpecError at `/model/module`. Later, a module that throws ends the run with its message.
 */
import type { NetworkExperiment } from '../../shared/experiment';
import type { Dataset } from '../data/dataset';
import { SpecError } from '../errors';
import {
  loadModelModule,
  thrownText,
  type JsBatch,
  type JsLoss,
  type JsParams,
  type JsPredict,
  type LoadedModule,
  type TfLoss,
  type TfPredict,
} from '../model/custom';
import { streamFor } from '../random';
import { makeVariable, tf } from '../tf';
import type { Evaluation, Problem } from './problem';
import { totalSteps } from './network';

/** Finite-difference step relative to max(1, |θᵢ|), in float64 (cube root of machine epsilon). */
const FD_STEP = 6e-6;

/** A module's function threw (or returned garbage) during the run: its message, no engine stack. */
export class ModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModuleError';
  }
}

export interface CustomProblem extends Problem {
  /** The optimizer uses a gradient the module wrote by hand (gradient checks default to on). */
  readonly handWrittenGradient: boolean;
}

export function customProblem(exp: NetworkExperiment, ds: Dataset, baseDir: string, warn: (m: string) => void): CustomProblem {
  const given = exp.model.module;
  if (given === undefined) throw new SpecError('/model/module', 'no model module named');
  const mod = loadModelModule(given, baseDir, {
    features: ds.nFeatures,
    outputs: ds.nOutputs,
    ...(ds.classes ? { classes: [...ds.classes] } : {}),
    regression: ds.classes === undefined,
    trainSize: ds.nTrain,
  }, streamFor(exp.seed, 'init'));
  const p = new ModuleProblem(exp, ds, mod);
  try {
    p.check();
  } catch (e) {
    p.dispose();
    throw e;
  }
  if (mod.kind === 'js' && !mod.exports.gradient) {
    warn(`${given} exports no gradient(): it is computed by centered finite differences, ${2 * p.paramCount} loss evaluations per step (slow; export gradient(params, x, y) or use kind "tfjs")`);
  }
  return p;
}

class ModuleProblem implements CustomProblem {
  readonly params: tf.Variable[];
  readonly layerGroups: number[][];
  readonly layerLabels: string[];
  readonly paramCount: number;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly tracksPoint = false;
  readonly handWrittenGradient: boolean;
  private readonly batchSize: number;
  private readonly names: string[];
  private readonly byName: Record<string, tf.Variable> = {};
  private readonly jsBatches = new Map<number, JsBatch>();

  constructor(
    exp: NetworkExperiment,
    private readonly ds: Dataset,
    private readonly mod: LoadedModule,
  ) {
    this.names = mod.params.map((p) => p.name);
    this.params = mod.params.map((p) => makeVariable(() => tf.tensor(p.values, p.shape)));
    this.params.forEach((v, i) => (this.byName[this.names[i]] = v));
    this.layerGroups = this.params.map((_, i) => [i]);
    this.layerLabels = mod.params.map((p) => `${p.name} [${p.shape.join('×')}]`);
    this.paramCount = mod.params.reduce((s, p) => s + p.size, 0);
    this.handWrittenGradient = mod.kind === 'js' && mod.exports.gradient !== undefined;
    const bs = exp.training.batchSize;
    this.batchSize = Math.max(1, Math.min(bs && bs > 0 ? Math.floor(bs) : ds.nTrain, ds.nTrain));
    this.stepsPerEpoch = Math.ceil(ds.nTrain / this.batchSize);
    this.totalSteps = totalSteps(exp, this.stepsPerEpoch);
  }

  loss(step: number): tf.Scalar {
    const lo = (step % this.stepsPerEpoch) * this.batchSize;
    const hi = Math.min(lo + this.batchSize, this.ds.nTrain);
    return this.lossOn(this.ds.xTrain, this.ds.yTrain, lo, hi, step % this.stepsPerEpoch);
  }

  evaluate(): Evaluation {
    const on = (x: Float32Array, y: Float32Array, n: number) => {
      const l = tf.tidy(() => this.lossOn(x, y, 0, n));
      const loss = l.dataSync()[0];
      l.dispose();
      return { loss, accuracy: this.accuracy(x, y, n) };
    };
    const train = on(this.ds.xTrain, this.ds.yTrain, this.ds.nTrain);
    const e: Evaluation = { trainLoss: train.loss };
    if (train.accuracy !== undefined) e.trainAccuracy = train.accuracy;
    if (this.ds.nVal > 0) {
      const val = on(this.ds.xVal, this.ds.yVal, this.ds.nVal);
      e.valLoss = val.loss;
      if (val.accuracy !== undefined) e.valAccuracy = val.accuracy;
    }
    return e;
  }

  /** `W1[3,0]`, `b1[4]`, `s` (a scalar): flat index `index` of parameter `param`, row-major. */
  paramLabel(param: number, index: number): string {
    const shape = this.mod.params[param].shape;
    if (shape.length === 0) return this.names[param];
    const at: number[] = [];
    let rest = index;
    for (let d = shape.length - 1; d >= 0; d--) {
      at.unshift(rest % shape[d]);
      rest = Math.floor(rest / shape[d]);
    }
    return `${this.names[param]}[${at.join(',')}]`;
  }

  dispose(): void {
    for (const v of this.params) v.dispose();
    this.jsBatches.clear();
  }

  /** Set-up check on batch 0: a finite loss, and a gradient for every parameter with the right size. */
  check(): void {
    const fail = (what: string): never => {
      throw new SpecError('/model/module', `${this.mod.shownAs}: ${what}`);
    };
    let value = NaN;
    try {
      if (this.mod.kind === 'tfjs') {
        // Forward first: tfjs leaks the tensors of a function that throws inside variableGrads.
        const r = tf.tidy(() => this.loss(0));
        value = r.dataSync()[0];
        r.dispose();
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => this.loss(0), this.params);
          const missing = this.params.map((p, i) => (grads[p.name] ? '' : this.names[i])).filter((n) => n);
          if (missing.length) fail(`loss() does not depend on ${missing.join(', ')}: build the loss from tf ops on params (autodiff needs them)`);
        });
      } else {
        const b = this.jsBatch(this.ds.xTrain, this.ds.yTrain, 0, Math.min(this.batchSize, this.ds.nTrain), 0);
        value = this.callJsLoss(this.readParams(this.params), b);
        if (this.mod.exports.gradient) this.callGradient(this.readParams(this.params), b);
      }
    } catch (e) {
      if (e instanceof SpecError) throw e;
      if (e instanceof ModuleError) throw new SpecError('/model/module', `${e.message} (at set-up, on the first batch)`);
      fail(`at set-up (on the first batch): ${thrownText(e)}`);
    }
    if (!Number.isFinite(value)) fail(`loss() is ${value} at the initial parameters on the first batch: it must be a finite number`);
  }

  /** Mean loss on rows [lo, hi) of (x, y); `cacheKey` keeps a training batch's arrays between steps. */
  private lossOn(x: Float32Array, y: Float32Array, lo: number, hi: number, cacheKey?: number): tf.Scalar {
    const f = this.ds.nFeatures;
    if (this.mod.kind === 'tfjs') {
      const xt = tf.tensor2d(x.subarray(lo * f, hi * f), [hi - lo, f]);
      const yt = tf.tensor1d(y.subarray(lo, hi));
      let out: tf.Tensor | number;
      try {
        out = (this.mod.exports.loss as TfLoss)(tf, { ...this.byName }, xt, yt);
      } catch (e) {
        throw new ModuleError(`${this.mod.shownAs}: loss() threw: ${thrownText(e)}`);
      }
      if (typeof out === 'number') return tf.scalar(out);
      if (!(out instanceof tf.Tensor) || out.size !== 1) {
        throw new ModuleError(`${this.mod.shownAs}: loss() must return a scalar tensor (one number), got ${out instanceof tf.Tensor ? `a tensor of shape [${out.shape.join(', ')}]` : typeof out}`);
      }
      return tf.reshape(out, []) as tf.Scalar;
    }
    const batch = this.jsBatch(x, y, lo, hi, cacheKey);
    const withGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const inputs = args.slice(0, -1) as tf.Tensor[];
      const values = this.readParams(inputs);
      const value = tf.scalar(this.callJsLoss(values, batch));
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        const g = this.mod.exports.gradient ? this.callGradient(values, batch) : this.numericGradient(values, batch);
        return inputs.map((t, i) => tf.mul(dy, tf.tensor(g[i], t.shape)));
      };
      return { value, gradFunc };
    });
    return withGrad(...this.params) as tf.Scalar;
  }

  private readParams(ts: readonly tf.Tensor[]): JsParams {
    const out: JsParams = {};
    ts.forEach((t, i) => (out[this.names[i]] = Float64Array.from(t.dataSync())));
    return out;
  }

  /** The module sees copies: what it does to them cannot change the variables. */
  private copy(values: JsParams): JsParams {
    const out: JsParams = {};
    for (const k of this.names) out[k] = Float64Array.from(values[k]);
    return out;
  }

  private callJsLoss(values: JsParams, b: JsBatch): number {
    let v: unknown;
    try {
      v = (this.mod.exports.loss as JsLoss)(this.copy(values), b.x, b.y);
    } catch (e) {
      throw new ModuleError(`${this.mod.shownAs}: loss() threw: ${thrownText(e)}`);
    }
    if (typeof v !== 'number') throw new ModuleError(`${this.mod.shownAs}: loss() must return a number, got ${v === null ? 'null' : typeof v}`);
    return v;
  }

  /** The hand-written gradient, one Float32Array per parameter in declaration order. */
  private callGradient(values: JsParams, b: JsBatch): Float32Array[] {
    let g: unknown;
    try {
      g = this.mod.exports.gradient?.(this.copy(values), b.x, b.y);
    } catch (e) {
      throw new ModuleError(`${this.mod.shownAs}: gradient() threw: ${thrownText(e)}`);
    }
    const bad = (what: string): never => {
      throw new ModuleError(`${this.mod.shownAs}: gradient() ${what}`);
    };
    if (typeof g !== 'object' || g === null) bad(`must return an object { name: numbers } for every parameter, got ${g === null ? 'null' : typeof g}`);
    const r = g as Record<string, unknown>;
    const unknown = Object.keys(r).filter((k) => !this.names.includes(k));
    if (unknown.length) bad(`returned ${unknown.map((k) => `"${k}"`).join(', ')}, which ${unknown.length > 1 ? 'are not parameters' : 'is not a parameter'} (declared: ${this.names.join(', ')})`);
    return this.mod.params.map((p) => {
      const a = r[p.name];
      if (a === undefined) bad(`returned nothing for "${p.name}"`);
      const len = (a as { length?: unknown }).length;
      if (typeof len !== 'number' || (!Array.isArray(a) && !ArrayBuffer.isView(a))) bad(`"${p.name}" must be an array or Float32Array (flat, row-major), got ${typeof a}`);
      if (len !== p.size) bad(`"${p.name}" has ${len} numbers but the parameter has shape [${p.shape.join(', ')}] (${p.size} numbers, flat row-major)`);
      return Float32Array.from(a as ArrayLike<number>);
    });
  }

  /** Centered differences of the module's loss, in float64 around the float32 parameters. */
  private numericGradient(values: JsParams, b: JsBatch): Float32Array[] {
    const work = this.copy(values);
    return this.names.map((name) => {
      const v = work[name];
      const g = new Float32Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        const h = FD_STEP * Math.max(1, Math.abs(x));
        v[i] = x + h;
        const up = this.callJsLoss(work, b);
        v[i] = x - h;
        const down = this.callJsLoss(work, b);
        v[i] = x;
        g[i] = (up - down) / (2 * h);
      }
      return g;
    });
  }

  /** Rows [lo, hi) as plain arrays; training batches are kept (they are views of one copy). */
  private jsBatch(x: Float32Array, y: Float32Array, lo: number, hi: number, cacheKey?: number): JsBatch {
    const hit = cacheKey !== undefined ? this.jsBatches.get(cacheKey) : undefined;
    if (hit) return hit;
    const f = this.ds.nFeatures;
    const flat = Float64Array.from(x.subarray(lo * f, hi * f));
    const rows: Float64Array[] = [];
    for (let i = 0; i < hi - lo; i++) rows.push(flat.subarray(i * f, (i + 1) * f));
    const b = { x: rows, y: Float64Array.from(y.subarray(lo, hi)) };
    if (cacheKey !== undefined) this.jsBatches.set(cacheKey, b);
    return b;
  }

  /** Fraction of rows whose highest score is the labelled class (one column: score ≥ 0.5 ⇔ class 1). */
  private accuracy(x: Float32Array, y: Float32Array, n: number): number | undefined {
    const predict = this.mod.exports.predict;
    if (!predict || this.ds.classes === undefined || n === 0) return undefined;
    let scores: ArrayLike<number>;
    let cols: number;
    try {
      if (this.mod.kind === 'tfjs') {
        const f = this.ds.nFeatures;
        const t = tf.tidy(() => {
          const out = (predict as TfPredict)(tf, { ...this.byName }, tf.tensor2d(x.subarray(0, n * f), [n, f]));
          return tf.reshape(out, [n, -1]);
        });
        cols = t.shape[1] ?? 1;
        scores = t.dataSync();
        t.dispose();
      } else {
        const rows = (predict as JsPredict)(this.readParams(this.params), this.jsBatch(x, y, 0, n).x);
        cols = rows.length > 0 ? rows[0].length : 1;
        const flat = new Float64Array(n * cols);
        for (let i = 0; i < n; i++) for (let k = 0; k < cols; k++) flat[i * cols + k] = rows[i]?.[k] ?? NaN;
        scores = flat;
      }
    } catch (e) {
      throw new ModuleError(`${this.mod.shownAs}: predict() failed: ${thrownText(e)}`);
    }
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let pred = 0;
      if (cols === 1) pred = scores[i] >= 0.5 ? 1 : 0;
      else for (let k = 1; k < cols; k++) if (scores[i * cols + k] > scores[i * cols + pred]) pred = k;
      if (pred === y[i]) correct++;
    }
    return correct / n;
  }
}
