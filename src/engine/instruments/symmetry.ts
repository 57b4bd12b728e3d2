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
    const unit = (j: number): Float64Array => {
      const u = new Float64Array(fanIn + 1 + fanOut);
      for (let i = 0; i < fanIn; i++) u[i] = v[offsets[2 * l] + i * units + j];
      u[fanIn] = v[offsets[2 * l + 1] + j];
      for (let k = 0; k < fanOut; k++) u[fanIn + 1 + k] = v[offsets[2 * l + 2] + j * fanOut + k];
      return u;
    };
    out.push({ kind: 'symmetry', step, layer: l, units, ...groups(Array.from({ length: units }, (_, j) => unit(j))) });
  }
  return out;
}

/**
 * Units into groups of copies: each unit not yet in a group leads a new one, which takes every
 * later unit within SAME of it. Comparing every pair is O(units² · width), ~12 ms for the MNIST
 * MLP's first layer; but ‖u − v‖ ≥ |‖u‖ − ‖v‖|, so only units of nearly the same norm can be
 * copies, and with the units sorted by norm each leader compares only its neighbours (random
 * weights: hardly any). Same groups as comparing every pair: the skipped pairs cannot pass the
 * test (the window is twice the test's tolerance), and units with a non-finite norm (a diverged
 * run) are still compared with every unit.
 */
export function groups(vectors: readonly ArrayLike<number>[]): { largestGroup: number; duplicated: number } {
  const n = vectors.length;
  const group = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const norms = vectors.map(norm);
  const finite: number[] = [];
  const odd: number[] = [];
  for (let i = 0; i < n; i++) (Number.isFinite(norms[i]) ? finite : odd).push(i);
  const order = finite.sort((a, b) => norms[a] - norms[b]);
  const rank = new Int32Array(n).fill(-1);
  order.forEach((u, r) => (rank[u] = r));
  const tolerance = (a: number, b: number) => SAME * Math.max(norms[a], norms[b]) + 1e-9;
  const join = (i: number, j: number) => {
    if (j <= i || group[j] >= 0) return;
    const a = vectors[i];
    const b = vectors[j];
    let d = 0;
    for (let k = 0; k < a.length; k++) d += (a[k] - b[k]) ** 2;
    if (Math.sqrt(d) <= tolerance(i, j)) {
      group[j] = group[i];
      sizes[group[i]]++;
    }
  };
  for (let i = 0; i < n; i++) {
    if (group[i] >= 0) continue;
    group[i] = sizes.length;
    sizes.push(1);
    if (rank[i] < 0) {
      for (let j = i + 1; j < n; j++) join(i, j);
      continue;
    }
    // Going out from i in norm order the gap only grows (relative to the tolerance too): stop at the first too far.
    for (let r = rank[i] + 1; r < order.length && norms[order[r]] - norms[i] <= 2 * tolerance(i, order[r]); r++) join(i, order[r]);
    for (let r = rank[i] - 1; r >= 0 && norms[i] - norms[order[r]] <= 2 * tolerance(i, order[r]); r--) join(i, order[r]);
    for (const j of odd) join(i, j);
  }
  return { largestGroup: Math.max(1, ...sizes), duplicated: sizes.filter((s) => s > 1).reduce((a, b) => a + b, 0) };
}

function norm(u: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) s += u[k] * u[k];
  return Math.sqrt(s);
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
