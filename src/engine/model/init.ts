/**
 * Weight initialisation from the seeded PRNG (never tfjs' random ops, whose streams differ per
 * backend). `scale` multiplies the spread of every scheme; for `constant` it is the value.
 *
 * - he:      N(0, 2/fan_in)                   (Kaiming normal, for ReLU nets)
 * - glorot:  U(±√(6/(fan_in+fan_out)))        (Xavier uniform, PyTorch/Keras default family)
 * - normal:  N(0, 0.01²)                      (CS231n's 0.01·randn: small, scale-agnostic)
 * - uniform: U(±0.05)                         (Keras RandomUniform default)
 * - zeros:   0                                (shows the symmetry problem: hidden units stay identical)
 * - constant: every weight = scale
 */
import type { InitSpec } from '../../shared/experiment';
import type { Rng } from '../random';

export function initWeights(spec: InitSpec, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const size = fanIn * fanOut;
  const w = new Float32Array(size);
  const s = spec.scale;
  switch (spec.scheme) {
    case 'he': {
      const sd = Math.sqrt(2 / fanIn) * s;
      for (let i = 0; i < size; i++) w[i] = rng.normal() * sd;
      break;
    }
    case 'glorot': {
      const lim = Math.sqrt(6 / (fanIn + fanOut)) * s;
      for (let i = 0; i < size; i++) w[i] = rng.uniform(-lim, lim);
      break;
    }
    case 'normal': {
      const sd = 0.01 * s;
      for (let i = 0; i < size; i++) w[i] = rng.normal() * sd;
      break;
    }
    case 'uniform': {
      const lim = 0.05 * s;
      for (let i = 0; i < size; i++) w[i] = rng.uniform(-lim, lim);
      break;
    }
    case 'zeros':
      break;
    case 'constant':
      w.fill(s);
      break;
  }
  return w;
}
