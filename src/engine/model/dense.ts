/**
 * A dense layer a = act(x·W + b), in two implementations that give the same numbers:
 *
 * - `plain`: tfjs ops and tfjs' own gradients. Right for the CPU and native backends: their
 *   matMul handles transposeA/transposeB natively, and the tape computes only the gradients that
 *   lead to a variable (never the first layer's gradient with respect to the data).
 * - `fused` (WASM): one FusedMatMul kernel (matmul + bias + ReLU in one XNNPACK call) with a
 *   custom gradient. Measured on WASM (bench/): a matMul with transposeA/transposeB falls off
 *   XNNPACK onto a naive loop (~12× slower), so the gradient transposes explicitly and then calls
 *   a plain matMul; a custom gradient must return every input's gradient, so the first layer
 *   returns zeros for the data instead of a 64×128·128×784 product nobody reads (a third of the
 *   step's FLOPs on the MNIST MLP); and 3 forward kernels become 1. Given the batch already
 *   transposed (`xT`, built with the batch in train/network.ts), the first layer's weight
 *   gradient xᵀ·dz needs no Transpose kernel either.
 */
import type { Activation } from '../../shared/experiment';
import { tf } from '../tf';

/** PyTorch's LeakyReLU default negative slope (tfjs' own default is 0.2). */
export const LEAKY_SLOPE = 0.01;

export interface DenseOptions {
  /** Use the fused kernel with the transposing custom gradient (the WASM backend). */
  fused: boolean;
  /** The layer reads the data: its input needs no gradient. */
  first: boolean;
  /**
   * Fused first layer: the data already transposed ([in, rows]), which the weight gradient xᵀ·dz
   * needs. The problem builds it with the batch (once, while batches are cached) instead of a
   * Transpose kernel every step.
   */
  xT?: tf.Tensor2D;
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

/** z = x·W + b with tfjs' own ops (also what the instruments use to see z and a separately). */
export function affine(x: tf.Tensor2D, W: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(x, W as tf.Tensor2D), b) as tf.Tensor2D;
}

export function dense(x: tf.Tensor2D, W: tf.Tensor, b: tf.Tensor, activation: Activation, opts: DenseOptions): tf.Tensor2D {
  if (!opts.fused) return activate(affine(x, W, b), activation);
  // ReLU rides in the kernel (and its mask in the gradient); other activations follow it.
  const relu = activation === 'relu';
  const a = (opts.first && opts.xT
    ? FIRST_TRANSPOSED[relu ? 'relu' : 'linear'](x, opts.xT, W, b)
    : FUSED[opts.first ? 'first' : 'inner'][relu ? 'relu' : 'linear'](x, W, b)) as tf.Tensor2D;
  return relu ? a : activate(a, activation);
}

function fusedDense(relu: boolean, first: boolean) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, W, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const a = tf.fused.matMul({ a: x, b: W, bias: b, activation: relu ? 'relu' : 'linear' });
    save(relu ? [x, W, a] : [x, W]);
    return {
      value: a,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, as] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        // ReLU'(z) = [z > 0] = [a > 0]; tf.step(0) = 0 as tfjs' own Relu gradient uses.
        const dz = (as ? tf.mul(dy, tf.step(as)) : dy) as tf.Tensor2D;
        const dx = first ? tf.zerosLike(xs) : tf.matMul(dz, tf.transpose(ws));
        return [dx, tf.matMul(tf.transpose(xs), dz), tf.sum(dz, 0)];
      },
    };
  });
}

/** The first layer given xᵀ as well: no Transpose in the backward pass, no gradient for either. */
function fusedFirstTransposed(relu: boolean) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, xT, W, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const a = tf.fused.matMul({ a: x, b: W, bias: b, activation: relu ? 'relu' : 'linear' });
    save(relu ? [x, xT, a] : [x, xT]);
    return {
      value: a,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, xTs, as] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        const dz = (as ? tf.mul(dy, tf.step(as)) : dy) as tf.Tensor2D;
        return [tf.zerosLike(xs), tf.zerosLike(xTs), tf.matMul(xTs, dz), tf.sum(dz, 0)];
      },
    };
  });
}

const FIRST_TRANSPOSED = { relu: fusedFirstTransposed(true), linear: fusedFirstTransposed(false) };

const FUSED = {
  first: { relu: fusedDense(true, true), linear: fusedDense(false, true) },
  inner: { relu: fusedDense(true, false), linear: fusedDense(false, false) },
};
