/**
 * 2-D test functions: the parameters are the point itself. Each has a tfjs form (autodiff gives
 * the gradient, so the same optimizers run on them as on networks) and a plain-JS form (contour
 * plots, tests). The two must agree; a unit test checks it.
 */
import type { ObjectiveName, ObjectiveSpec } from '../shared/experiment';
import { tf } from './tf';

type Pair = [number, number];

/** Plain-JS value f(x, y). `c` is the quadratic's condition number. */
export function objectiveValue(name: ObjectiveName, x: number, y: number, c = 10): number {
  switch (name) {
    case 'rosenbrock':
      return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    case 'beale':
      return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2;
    case 'quadratic':
      return 0.5 * (x * x + c * y * y);
    case 'saddle':
      return x * x - y * y;
    case 'himmelblau':
      return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2;
    case 'sphere':
      return x * x + y * y;
  }
}

/** Known global minima (for plots and tests); the saddle has none. */
export const OBJECTIVE_MINIMA: Record<ObjectiveName, Pair[]> = {
  rosenbrock: [[1, 1]],
  beale: [[3, 0.5]],
  quadratic: [[0, 0]],
  saddle: [],
  himmelblau: [
    [3, 2],
    [-2.805118, 3.131312],
    [-3.77931, -3.283186],
    [3.584428, -1.848126],
  ],
  sphere: [[0, 0]],
};

/** f(θ) as a scalar tensor, θ a [2] tensor. */
export function objectiveTensor(spec: Pick<ObjectiveSpec, 'function' | 'condition'>, theta: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const [x, y] = tf.split(theta, 2) as [tf.Tensor1D, tf.Tensor1D];
    const sq = (t: tf.Tensor) => tf.square(t);
    let v: tf.Tensor;
    switch (spec.function) {
      case 'rosenbrock':
        v = tf.add(sq(tf.sub(1, x)), tf.mul(100, sq(tf.sub(y, sq(x)))));
        break;
      case 'beale': {
        const xy = tf.mul(x, y);
        const xy2 = tf.mul(xy, y);
        const xy3 = tf.mul(xy2, y);
        v = tf.addN([
          sq(tf.add(tf.sub(1.5, x), xy)),
          sq(tf.add(tf.sub(2.25, x), xy2)),
          sq(tf.add(tf.sub(2.625, x), xy3)),
        ]);
        break;
      }
      case 'quadratic':
        v = tf.mul(0.5, tf.add(sq(x), tf.mul(spec.condition, sq(y))));
        break;
      case 'saddle':
        v = tf.sub(sq(x), sq(y));
        break;
      case 'himmelblau':
        v = tf.add(sq(tf.sub(tf.add(sq(x), y), 11)), sq(tf.sub(tf.add(x, sq(y)), 7)));
        break;
      case 'sphere':
        v = tf.add(sq(x), sq(y));
        break;
    }
    return tf.reshape(v, []) as tf.Scalar;
  });
}
