/**
 * A small dense network's loss and gradients on plain Float32Arrays: forward, closed-form loss
 * gradient, backward, in one pass with buffers allocated once.
 *
 * Why: a tfjs step of the tiny 2-16-16-1 net is ~100 kernels of a few µs each whatever their
 * size, so every tfjs backend stalls near 1k steps/s while the arithmetic is ~30k multiply-adds.
 * Here a step is a few tight loops. It computes what model/mlp.ts + model/loss.ts compute, with
 * the same conventions (W is [in, out] row-major, ReLU'(0) = 0, PyTorch's leaky slope, the
 * numerically stable cross-entropies): sums accumulate in float64 and every stored value is
 * float32, as on the CPU backend (test/unit/engine/fused.test.ts compares the two paths).
 */
import type { Activation, LossName, OutputActivation } from '../../shared/experiment';
import { LEAKY_SLOPE } from '../model/dense';

export type HeadKind = 'softmaxCrossEntropy' | 'sigmoidCrossEntropy' | 'mse';

/** The heads with a closed-form gradient here; others (mse on a softmax/sigmoid output) use tfjs. */
export function headKind(output: OutputActivation, loss: LossName): HeadKind | undefined {
  if (loss === 'crossentropy') return output === 'softmax' ? 'softmaxCrossEntropy' : output === 'sigmoid' ? 'sigmoidCrossEntropy' : undefined;
  return output === 'linear' ? 'mse' : undefined;
}

export interface FusedLayer {
  nIn: number;
  nOut: number;
  /** Hidden layers' activation; the output layer is 'linear' (the head does the rest). */
  activation: Activation;
}

/** Per hidden layer, its pre-activation z and activation a on the rows traced, [rows, units] each. */
export interface NetTrace {
  pre: Float32Array[];
  act: Float32Array[];
}

export class FusedDenseNet {
  /** Per layer: its activation output a (for the output layer: the logits z), [maxRows, nOut]. */
  protected readonly out: Float32Array[];
  /** Per layer: the gradient of the loss with respect to its pre-activation, [maxRows, nOut]. */
  protected readonly dz: Float32Array[];
  /** One row of float64 accumulators (the widest layer). */
  private readonly acc: Float64Array;
  /** Gradients in params order [dW1, db1, dW2, db2, …]; valid after `lossAndGrads`. */
  readonly grads: Float32Array[];
  /** `trace`'s buffers, [rows, nOut] per hidden layer, grown to the most rows traced. */
  private traceBuffers: NetTrace | undefined;

  /** `alloc`: where the buffers live (the BLAS step puts them in WASM memory its kernels use in place). */
  constructor(
    readonly layers: FusedLayer[],
    private readonly head: HeadKind,
    protected readonly maxRows: number,
    alloc: (n: number) => Float32Array = (n) => new Float32Array(n),
  ) {
    this.out = layers.map((l) => alloc(maxRows * l.nOut));
    this.dz = layers.map((l) => alloc(maxRows * l.nOut));
    this.acc = new Float64Array(Math.max(...layers.map((l) => Math.max(l.nIn, l.nOut))));
    this.grads = layers.flatMap((l) => [alloc(l.nIn * l.nOut), alloc(l.nOut)]);
  }

  /** Multiply-adds per row, forward and backward (the size measure for choosing this path). */
  static flopsPerRow(layers: FusedLayer[]): number {
    return layers.reduce((s, l) => s + 3 * l.nIn * l.nOut, 0);
  }

  /**
   * Mean loss of `rows` rows of x ([rows, nIn0]) against targets y ([rows, units]) at `params`
   * ([W1, b1, …]); fills `grads`.
   */
  lossAndGrads(params: readonly Float32Array[], x: Float32Array, y: Float32Array, rows: number): number {
    if (rows > this.maxRows) throw new Error(`fused net: ${rows} rows > ${this.maxRows}`);
    let h = x;
    this.layers.forEach((l, i) => {
      this.affine(h, params[2 * i], params[2 * i + 1], this.out[i], rows, l);
      activateInPlace(this.out[i], rows * l.nOut, l.activation);
      h = this.out[i];
    });
    const last = this.layers.length - 1;
    const loss = this.headLoss(this.out[last], y, rows, this.layers[last].nOut, this.dz[last]);
    for (let i = last; i >= 0; i--) {
      const l = this.layers[i];
      const input = i === 0 ? x : this.out[i - 1];
      this.weightGrads(input, this.dz[i], this.grads[2 * i], this.grads[2 * i + 1], rows, l);
      if (i > 0) {
        const below = this.layers[i - 1];
        this.inputGrads(this.dz[i], params[2 * i], this.dz[i - 1], rows, l);
        activationGradInPlace(this.dz[i - 1], this.out[i - 1], rows * below.nOut, below.activation);
      }
    }
    return loss;
  }

  /**
   * The hidden layers' pre-activations and activations on `rows` rows of x at `params`, by the
   * forward pass of `lossAndGrads` (what Mlp.trace computes, for the activation histograms): views
   * of buffers kept between calls, valid until the next one. Any number of rows: the training
   * buffers are left alone.
   */
  trace(params: readonly Float32Array[], x: Float32Array, rows: number): NetTrace {
    const hidden = this.layers.slice(0, -1);
    if (hidden.length === 0) return { pre: [], act: [] };
    if (!this.traceBuffers || this.traceBuffers.pre[0].length < rows * hidden[0].nOut) {
      const buffers = () => hidden.map((l) => new Float32Array(rows * l.nOut));
      this.traceBuffers = { pre: buffers(), act: buffers() };
    }
    const { pre, act } = this.traceBuffers;
    const t: NetTrace = { pre: [], act: [] };
    let h = x;
    hidden.forEach((l, i) => {
      const n = rows * l.nOut;
      this.affine(h, params[2 * i], params[2 * i + 1], pre[i], rows, l);
      act[i].set(pre[i].subarray(0, n));
      activateInPlace(act[i], n, l.activation);
      t.pre.push(pre[i].subarray(0, n));
      t.act.push((h = act[i].subarray(0, n)));
    });
    return t;
  }

  /**
   * z = x·W + b, rounded like tfjs' matMul-then-add: fround(fround(Σ) + b), each Σ over k in order.
   * Four outputs at a time in locals: x[k] is read once for them and the sums stay in registers
   * (1.7× the speed of a Float64Array row of sums on the 16-unit layers).
   */
  private affine(x: Float32Array, W: Float32Array, b: Float32Array, z: Float32Array, rows: number, l: FusedLayer): void {
    const { nIn, nOut } = l;
    const by4 = nOut - (nOut % 4);
    for (let r = 0; r < rows; r++) {
      const xo = r * nIn;
      const zo = r * nOut;
      for (let j = 0; j < by4; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let k = 0, w = j; k < nIn; k++, w += nOut) {
          const xv = x[xo + k];
          if (xv === 0) continue;
          s0 += xv * W[w];
          s1 += xv * W[w + 1];
          s2 += xv * W[w + 2];
          s3 += xv * W[w + 3];
        }
        z[zo + j] = Math.fround(s0) + b[j];
        z[zo + j + 1] = Math.fround(s1) + b[j + 1];
        z[zo + j + 2] = Math.fround(s2) + b[j + 2];
        z[zo + j + 3] = Math.fround(s3) + b[j + 3];
      }
      for (let j = by4; j < nOut; j++) {
        let s = 0;
        for (let k = 0, w = j; k < nIn; k++, w += nOut) {
          const xv = x[xo + k];
          if (xv !== 0) s += xv * W[w];
        }
        z[zo + j] = Math.fround(s) + b[j];
      }
    }
  }

  /** dW = xᵀ·dz, db = Σ_rows dz. */
  private weightGrads(x: Float32Array, dz: Float32Array, dW: Float32Array, db: Float32Array, rows: number, l: FusedLayer): void {
    const { nIn, nOut } = l;
    const acc = this.acc;
    for (let k = 0; k < nIn; k++) {
      acc.fill(0, 0, nOut);
      for (let r = 0; r < rows; r++) {
        const xv = x[r * nIn + k];
        if (xv === 0) continue;
        const o = r * nOut;
        for (let j = 0; j < nOut; j++) acc[j] += xv * dz[o + j];
      }
      const wo = k * nOut;
      for (let j = 0; j < nOut; j++) dW[wo + j] = acc[j];
    }
    acc.fill(0, 0, nOut);
    for (let r = 0; r < rows; r++) {
      const o = r * nOut;
      for (let j = 0; j < nOut; j++) acc[j] += dz[o + j];
    }
    for (let j = 0; j < nOut; j++) db[j] = acc[j];
  }

  /** dx = dz·Wᵀ. */
  private inputGrads(dz: Float32Array, W: Float32Array, dx: Float32Array, rows: number, l: FusedLayer): void {
    const { nIn, nOut } = l;
    for (let r = 0; r < rows; r++) {
      const o = r * nOut;
      for (let k = 0; k < nIn; k++) {
        const wo = k * nOut;
        let s = 0;
        for (let j = 0; j < nOut; j++) s += dz[o + j] * W[wo + j];
        dx[r * nIn + k] = s;
      }
    }
  }

  /** The head's mean loss on logits z; fills dz with its gradient (as model/loss.ts's closed forms). */
  protected headLoss(z: Float32Array, y: Float32Array, rows: number, units: number, dz: Float32Array): number {
    const n = rows * units;
    let total = 0;
    switch (this.head) {
      case 'softmaxCrossEntropy': {
        // log_softmax(z) = z − max − log Σ e^(z − max); d/dz = (softmax·Σy − y)/rows.
        for (let r = 0; r < rows; r++) {
          const o = r * units;
          let max = -Infinity;
          for (let j = 0; j < units; j++) max = Math.max(max, z[o + j]);
          let se = 0;
          for (let j = 0; j < units; j++) se += Math.exp(z[o + j] - max);
          const lse = Math.log(se);
          let ySum = 0;
          let row = 0;
          for (let j = 0; j < units; j++) {
            const logp = Math.fround(z[o + j] - max - lse);
            row += y[o + j] * logp;
            ySum += y[o + j];
          }
          total -= row;
          for (let j = 0; j < units; j++) {
            const logp = Math.fround(z[o + j] - max - lse);
            dz[o + j] = (Math.exp(logp) * ySum - y[o + j]) / rows;
          }
        }
        return Math.fround(total / rows);
      }
      case 'sigmoidCrossEntropy': {
        for (let i = 0; i < n; i++) {
          const v = z[i];
          total += Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v)));
          dz[i] = (sigmoid(v) - y[i]) / n;
        }
        return Math.fround(total / n);
      }
      case 'mse': {
        for (let i = 0; i < n; i++) {
          const d = z[i] - y[i];
          total += d * d;
          dz[i] = (2 * d) / n;
        }
        return Math.fround(total / n);
      }
    }
  }
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

export function activateInPlace(a: Float32Array, n: number, act: Activation): void {
  switch (act) {
    case 'relu':
      for (let i = 0; i < n; i++) if (a[i] < 0) a[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) a[i] = Math.tanh(a[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) a[i] = sigmoid(a[i]);
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) if (a[i] < 0) a[i] = LEAKY_SLOPE * a[i];
      return;
    case 'linear':
      return;
  }
}

/** dz ← da ⊙ act'(z), from the activation a = act(z) (ReLU'(0) = 0 as tfjs' step(0)). */
export function activationGradInPlace(d: Float32Array, a: Float32Array, n: number, act: Activation): void {
  switch (act) {
    case 'relu':
      for (let i = 0; i < n; i++) if (!(a[i] > 0)) d[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) d[i] = d[i] * (1 - a[i] * a[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) d[i] = d[i] * a[i] * (1 - a[i]);
      return;
    case 'leakyRelu':
      // a > 0 exactly when z > 0 (the slope is positive); at 0 the slope, as tfjs' gradient.
      for (let i = 0; i < n; i++) if (!(a[i] > 0)) d[i] = LEAKY_SLOPE * d[i];
      return;
    case 'linear':
      return;
  }
}
