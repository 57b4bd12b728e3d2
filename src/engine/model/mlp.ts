/**
 * A multilayer perceptron as plain tfjs Variables: W [in, out] and b [out] per dense layer, the
 * last layer producing logits. With no hidden layers it is linear or logistic regression.
 */
import type { Activation, ModelSpec } from '../../shared/experiment';
import type { Rng } from '../random';
import { makeVariable, tf } from '../tf';
import { dense } from './dense';
import { initWeights } from './init';

/** PyTorch's LeakyReLU default negative slope (tfjs' own default is 0.2). */
export const LEAKY_SLOPE = 0.01;

export interface DenseLayer {
  W: tf.Variable;
  b: tf.Variable;
  units: number;
  /** Hidden layers: their activation; the output layer: 'linear' (the head applies the rest). */
  activation: Activation;
  label: string;
}

export interface Trace {
  logits: tf.Tensor2D;
  /** Per hidden layer: pre-activation z and activation a, each [n, units]. */
  pre: tf.Tensor2D[];
  act: tf.Tensor2D[];
}

export class Mlp {
  readonly layers: DenseLayer[] = [];

  constructor(spec: ModelSpec, nIn: number, nOut: number, rng: Rng, private readonly transposeFree = false) {
    let fanIn = nIn;
    const shapes = [...spec.layers.map((l) => ({ units: l.units, activation: l.activation })), { units: nOut, activation: 'linear' as Activation }];
    shapes.forEach((s, i) => {
      const isOutput = i === shapes.length - 1;
      const w = initWeights(spec.init, fanIn, s.units, rng);
      const b = new Float32Array(s.units).fill(spec.init.bias);
      this.layers.push({
        W: makeVariable(() => tf.tensor2d(w, [fanIn, s.units])),
        b: makeVariable(() => tf.tensor1d(b)),
        units: s.units,
        activation: s.activation,
        label: `dense${i + 1} (${s.units}, ${isOutput ? spec.output : s.activation})`,
      });
      fanIn = s.units;
    });
  }

  /** [W1, b1, W2, b2, ...]: the order optimizers and gradient lists use. */
  get params(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.W, l.b]);
  }

  get paramCount(): number {
    return this.layers.reduce((s, l) => s + l.W.size + l.b.size, 0);
  }

  /** Indices into `params` of each layer's variables (for per-layer norms). */
  get layerParamIndices(): number[][] {
    return this.layers.map((_, i) => [2 * i, 2 * i + 1]);
  }

  forward(x: tf.Tensor2D): tf.Tensor2D {
    return this.run(x, false).logits;
  }

  /** Forward pass keeping every hidden layer's pre-activation and activation (instruments). */
  trace(x: tf.Tensor2D): Trace {
    return this.run(x, true);
  }

  private run(x: tf.Tensor2D, keep: boolean): Trace {
    const pre: tf.Tensor2D[] = [];
    const act: tf.Tensor2D[] = [];
    let h = x;
    this.layers.forEach((l, i) => {
      const z = dense(h, l.W, l.b, this.transposeFree);
      if (i === this.layers.length - 1) {
        h = z;
        return;
      }
      const a = activate(z, l.activation);
      if (keep) {
        pre.push(z);
        act.push(a);
      }
      h = a;
    });
    return { logits: h, pre, act };
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

export function activate(z: tf.Tensor2D, a: Activation): tf.Tensor2D {
  switch (a) {
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'leakyRelu':
      return tf.leakyRelu(z, LEAKY_SLOPE);
    case 'linear':
      return z;
  }
}
