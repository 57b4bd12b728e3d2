/**
 * Activation histograms on a fixed probe batch (the first ≤ 256 training rows): the same inputs
 * every time, so changes over time are changes of the network, not of the data.
 */
import type { HistogramRecord } from '../../shared/protocol';
import type { Mlp } from '../model/mlp';
import { tf } from '../tf';
import { histogram, unitHealth } from './histogram';

export const PROBE_ROWS = 256;

export function probeHistograms(model: Mlp, probe: tf.Tensor2D, step: number): HistogramRecord[] {
  const hidden = model.layers.slice(0, -1);
  if (hidden.length === 0) return [];
  const rows = probe.shape[0];
  // One read-back for all layers: flatten and concatenate every pre-activation and activation.
  const all = tf.tidy(() => {
    const t = model.trace(probe);
    const parts: tf.Tensor1D[] = [];
    t.pre.forEach((z, i) => parts.push(tf.reshape(z, [-1]), tf.reshape(t.act[i], [-1])));
    return tf.concat(parts);
  });
  const values = all.dataSync() as Float32Array;
  all.dispose();
  const out: HistogramRecord[] = [];
  let offset = 0;
  hidden.forEach((l, i) => {
    const size = rows * l.units;
    const pre = values.subarray(offset, offset + size);
    const act = values.subarray(offset + size, offset + 2 * size);
    offset += 2 * size;
    out.push({
      step,
      layer: i,
      pre: histogram(pre),
      act: histogram(act),
      ...unitHealth(pre, act, rows, l.units, l.activation),
    });
  });
  return out;
}
