/**
 * A dense layer z = x·W + b. tfjs' own matMul gradient uses matMul with transposeA/transposeB,
 * which on the WASM backend measured ~12× slower than an explicit `transpose` followed by a plain
 * matMul; `transposeFree` swaps in a custom gradient doing exactly that (used on WASM only, the
 * other backends handle transposed matmuls natively).
 */
import { tf } from '../tf';

const denseTransposeFree = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, W, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, W]);
  return {
    value: tf.add(tf.matMul(x, W), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy2), tf.sum(dy2, 0)];
    },
  };
});

export function dense(x: tf.Tensor2D, W: tf.Tensor2D | tf.Variable, b: tf.Tensor | tf.Variable, transposeFree: boolean): tf.Tensor2D {
  if (transposeFree) return denseTransposeFree(x, W, b) as tf.Tensor2D;
  return tf.add(tf.matMul(x, W as tf.Tensor2D), b) as tf.Tensor2D;
}
