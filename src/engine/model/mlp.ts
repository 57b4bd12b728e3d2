/**
 * A multilayer perceptron as plain tfjs Variables: W [in, out] and b [out] per dense layer, the
 * last layer producing logits. With no hidden layers it is linear or logistic regression.
 * Training uses `dense` (fused on WASM, see dense.ts); the instruments' trace uses plain ops,
 * since it needs each pre-activation on its own and no gradient.
 */
import type { Activation, ModelSpec } from '../../shared/experiment';
import type { Rng } from '../random';
import { makeVariable, tf } from '../tf';
import { activate, affine, dense } from './dense';
import { initWeights } from './init';

export { activate, LEAKY_SLOPE } from './dense';

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

  constructor(spec: ModelSpec, nIn: number, nOut: number, rng: Rng, private readonly fused = false) {
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

  /** `xT`: x transposed, when the caller has it (the fused first layer's gradient uses it). */
  forward(x: tf.Tensor2D, xT?: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    this.layers.forEach((l, i) => {
      h = dense(h, l.W, l.b, l.activation, { fused: this.fused, first: i === 0, xT: i === 0 ? xT : undefined });
    });
    return h;
  }

  /** Forward pass keeping every hidden layer's pre-activation and activation (instruments). */
  trace(x: tf.Tensor2D): Trace {
    const pre: tf.Tensor2D[] = [];
    const act: tf.Tensor2D[] = [];
    let h = x;
    this.layers.forEach((l, i) => {
      const z = affine(h, l.W, l.b);
      if (i === this.layers.length - 1) {
        h = z;
        return;
      }
      h = activate(z, l.activation);
      pre.push(z);
      act.push(h);
    });
    return { logits: h, pre, act };
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}
