/**
 * Activation histograms on a fixed probe batch (the first ≤ 256 training rows): the same inputs
 * every time, so changes over time are changes of the network, not of the data.
 */
import type { Activation } from '../../shared/experiment';
import type { HistogramRecord } from '../../shared/protocol';
import type { Mlp } from '../model/mlp';
import { tf } from '../tf';
import { histogram, unitHealth } from './histogram';

export const PROBE_ROWS = 256;

/** Per hidden layer, its pre-activations and activations on the probe rows, row-major [rows, units]. */
export interface LayerValues {
  pre: ArrayLike<number>[];
  act: ArrayLike<number>[];
}

/** The records of hidden layers `hidden` from their values on `rows` probe rows (every path's trace ends here). */
export function histogramRecords(
  hidden: readonly { units: number; activation: Activation }[],
  values: LayerValues,
  rows: number,
  step: number,
): HistogramRecord[] {
  return hidden.map((l, i) => ({
    step,
    layer: i,
    pre: histogram(values.pre[i]),
    act: histogram(values.act[i]),
    ...unitHealth(values.pre[i], values.act[i], rows, l.units, l.activation),
  }));
}

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
  const flat = all.dataSync() as Float32Array;
  all.dispose();
  const values: LayerValues = { pre: [], act: [] };
  let offset = 0;
  for (const l of hidden) {
    const size = rows * l.units;
    values.pre.push(flat.subarray(offset, offset + size));
    values.act.push(flat.subarray(offset + size, offset + 2 * size));
    offset += 2 * size;
  }
  return histogramRecords(hidden, values, rows, step);
}
