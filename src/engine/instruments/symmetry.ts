/**
 * Symmetry probe: hidden units whose incoming weights, bias and outgoing weights are identical
 * receive identical gradients and stay copies forever (the recap's "symmetries: visualize W;
 * initialize W randomly"). One read-back of the weights per call; the loop calls it rarely. The
 * same read-back also yields a snapshot of every dense layer's W for the panel's heat map.
 */
import { WEIGHTS_MAX, type SymmetryRecord, type WeightsRecord } from '../../shared/protocol';
import { tf } from '../tf';

/** Two units are copies when their vectors differ by at most this fraction of their norm. */
const SAME = 1e-4;
/** Beyond this many parameters the read-back is skipped (symmetry shows in small nets anyway). */
const MAX_PARAMS = 2_000_000;

/** `params` as an MLP lays them out: [W1 (in×u1), b1, W2 (u1×u2), b2, ...]. */
export function symmetryProbe(params: readonly tf.Variable[], step: number): (SymmetryRecord | WeightsRecord)[] {
  const hidden = params.length / 2 - 1;
  if (hidden < 1 || params.reduce((s, p) => s + p.size, 0) > MAX_PARAMS) return [];
  const flat = tf.tidy(() => tf.concat(params.map((p) => tf.reshape(p, [-1]))));
  const v = flat.dataSync() as Float32Array;
  flat.dispose();
  const offsets: number[] = [];
  let off = 0;
  for (const p of params) {
    offsets.push(off);
    off += p.size;
  }
  const out: (SymmetryRecord | WeightsRecord)[] = [];
  for (let p = 0; p < params.length; p += 2) {
    const shape = params[p].shape;
    if (shape.length === 2) out.push(weightsRecord(v.subarray(offsets[p], offsets[p] + params[p].size), shape[0], shape[1], p / 2, step));
  }
  for (let l = 0; l < hidden; l++) {
    const [fanIn, units] = params[2 * l].shape as [number, number];
    const fanOut = (params[2 * l + 2].shape as [number, number])[1];
    const unit = (j: number): number[] => {
      const u: number[] = [];
      for (let i = 0; i < fanIn; i++) u.push(v[offsets[2 * l] + i * units + j]);
      u.push(v[offsets[2 * l + 1] + j]);
      for (let k = 0; k < fanOut; k++) u.push(v[offsets[2 * l + 2] + j * fanOut + k]);
      return u;
    };
    out.push({ kind: 'symmetry', step, layer: l, units, ...groups(Array.from({ length: units }, (_, j) => unit(j))) });
  }
  return out;
}

/** Union of units into groups of copies: O(units² · width), fine for the layer sizes we allow. */
export function groups(vectors: number[][]): { largestGroup: number; duplicated: number } {
  const n = vectors.length;
  const group = new Array<number>(n).fill(-1);
  const sizes: number[] = [];
  const norms = vectors.map((u) => Math.hypot(...u));
  for (let i = 0; i < n; i++) {
    if (group[i] >= 0) continue;
    group[i] = sizes.length;
    sizes.push(1);
    for (let j = i + 1; j < n; j++) {
      if (group[j] >= 0) continue;
      let d = 0;
      for (let k = 0; k < vectors[i].length; k++) d += (vectors[i][k] - vectors[j][k]) ** 2;
      if (Math.sqrt(d) <= SAME * Math.max(norms[i], norms[j]) + 1e-9) {
        group[j] = group[i];
        sizes[group[i]]++;
      }
    }
  }
  return { largestGroup: Math.max(1, ...sizes), duplicated: sizes.filter((s) => s > 1).reduce((a, b) => a + b, 0) };
}

/**
 * W (fanIn × units, row-major) as a `WeightsRecord`, block-averaged to at most WEIGHTS_MAX cells
 * per side: averaging (rather than picking a subset of units) keeps every unit in the picture.
 */
export function weightsRecord(w: ArrayLike<number>, fanIn: number, units: number, layer: number, step: number): WeightsRecord {
  const rows = Math.min(fanIn, WEIGHTS_MAX);
  const cols = Math.min(units, WEIGHTS_MAX);
  const values = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) {
    const r0 = Math.floor((r * fanIn) / rows);
    const r1 = Math.floor(((r + 1) * fanIn) / rows);
    for (let c = 0; c < cols; c++) {
      const c0 = Math.floor((c * units) / cols);
      const c1 = Math.floor(((c + 1) * units) / cols);
      let sum = 0;
      for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) sum += w[i * units + j];
      values[r * cols + c] = Number((sum / ((r1 - r0) * (c1 - c0))).toPrecision(4));
    }
  }
  return { kind: 'weights', step, layer, fanIn, units, rows, cols, values };
}
