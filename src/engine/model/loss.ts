/**
 * The output "head": how many output units the data needs, how targets are encoded for them, the
 * loss on logits (numerically stable forms) and accuracy.
 *
 * - softmax + crossentropy: mean over rows of −Σ y·log_softmax(z).
 * - sigmoid + crossentropy: binary cross-entropy on logits, max(z,0) − z·y + log(1+e^−|z|), mean
 *   over all elements (PyTorch BCEWithLogitsLoss). Two classes use one unit with 0/1 targets; more
 *   classes use one unit per class (one-hot, i.e. independent sigmoids).
 * - mse: mean over all elements of (ŷ − y)², ŷ = output activation of z (PyTorch MSELoss, no ½).
 *
 * Both cross-entropies carry their closed-form gradient (softmax(z)·Σy − y, resp. sigmoid(z) − y,
 * over the count): the same derivative autodiff would build, in 3–4 kernels instead of a dozen,
 * which is most of a tiny net's backward pass (tfjs costs a few µs per kernel whatever its size).
 */
import type { LossName, OutputActivation } from '../../shared/experiment';
import { SpecError } from '../errors';
import { tf } from '../tf';
import type { Dataset } from '../data/dataset';

export class Head {
  /** Output units of the last dense layer. */
  readonly units: number;
  readonly classification: boolean;

  constructor(
    readonly output: OutputActivation,
    readonly loss: LossName,
    ds: Pick<Dataset, 'classes' | 'nOutputs'>,
  ) {
    this.classification = ds.classes !== undefined;
    if (!this.classification && output !== 'linear') {
      throw new SpecError('/model/output', `a regression target needs "output": "linear", not "${output}"`);
    }
    if (loss === 'crossentropy' && output === 'linear') {
      throw new SpecError('/model/loss', 'crossentropy needs a "softmax" or "sigmoid" output; use "mse" with a linear output');
    }
    this.units = output === 'sigmoid' && ds.nOutputs === 2 ? 1 : ds.nOutputs;
  }

  /** Row-major [n, units] targets from class indices (classification) or values (regression). */
  encodeTargets(y: Float32Array): Float32Array {
    if (!this.classification || this.units === 1) return Float32Array.from(y);
    const t = new Float32Array(y.length * this.units);
    for (let i = 0; i < y.length; i++) t[i * this.units + y[i]] = 1;
    return t;
  }

  /** Mean loss over the batch. */
  lossOf(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    if (this.loss === 'crossentropy') {
      return (this.output === 'softmax' ? softmaxCrossEntropy : sigmoidCrossEntropy)(logits, targets) as tf.Scalar;
    }
    return tf.tidy(() => tf.mean(tf.squaredDifference(this.activate(logits), targets)));
  }

  /** The model's prediction from logits (softmax, sigmoid or identity). */
  activate(logits: tf.Tensor2D): tf.Tensor2D {
    if (this.output === 'softmax') return tf.softmax(logits);
    if (this.output === 'sigmoid') return tf.sigmoid(logits);
    return logits;
  }

  /** Number of correctly classified rows as a scalar (classification only). */
  correctCount(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return tf.tidy((): tf.Scalar => {
      if (this.units === 1) {
        // Single unit: positive logit ⇔ class 1 (sigmoid ≥ 0.5), or ≥ 0.5 for a linear output.
        const threshold = this.output === 'linear' ? 0.5 : 0;
        const pred = tf.cast(tf.greater(logits, threshold), 'float32');
        return tf.sum(tf.cast(tf.equal(pred, targets), 'float32'));
      }
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(targets, 1)), 'float32'));
    });
  }
}

/** Mean over rows of −Σ y·log_softmax(z); d/dz = (softmax(z)·Σy − y) / rows. */
const softmaxCrossEntropy = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [z, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  const logp = tf.logSoftmax(z);
  save([logp, y]);
  return {
    value: tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [lp, ys] = saved as [tf.Tensor2D, tf.Tensor2D];
      const scale = tf.div(dy, lp.shape[0]);
      const dz = tf.mul(tf.sub(tf.mul(tf.exp(lp), tf.sum(ys, 1, true)), ys), scale);
      return [dz, tf.zerosLike(ys)];
    },
  };
});

/** Mean over elements of max(z,0) − z·y + log(1+e^−|z|); d/dz = (sigmoid(z) − y) / elements. */
const sigmoidCrossEntropy = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [z, y, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([z, y]);
  const perElement = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
  return {
    value: tf.mean(perElement),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [zs, ys] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.mul(tf.sub(tf.sigmoid(zs), ys), tf.div(dy, zs.size)), tf.zerosLike(ys)];
    },
  };
});
