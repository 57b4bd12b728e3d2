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
    out.push({ kind: 'symmetry', step, layer: l, units, ...groups(unitVectors(v, offsets[2 * l], offsets[2 * l + 1], offsets[2 * l + 2], fanIn, units, fanOut)) });
  }
  return out;
}

/**
 * Each unit's [incoming weights, bias, outgoing weights] from the flat θ: W (fanIn × units) is read
 * row by row, in memory order (column by column, with a stride of `units`, took ~3× as long on
 * the MNIST MLP's first layer).
 */
function unitVectors(v: Float32Array, w: number, b: number, next: number, fanIn: number, units: number, fanOut: number): Float64Array[] {
  const vectors = Array.from({ length: units }, () => new Float64Array(fanIn + 1 + fanOut));
  for (let i = 0; i < fanIn; i++) {
    const row = w + i * units;
    for (let j = 0; j < units; j++) vectors[j][i] = v[row + j];
  }
  for (let j = 0; j < units; j++) {
    const u = vectors[j];
    u[fanIn] = v[b + j];
    for (let k = 0; k < fanOut; k++) u[fanIn + 1 + k] = v[next + j * fanOut + k];
  }
  return vectors;
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
  const sums = new Float64Array(rows * cols);
  const colOf = new Int32Array(units);
  for (let c = 0; c < cols; c++) for (let j = Math.floor((c * units) / cols); j < Math.floor(((c + 1) * units) / cols); j++) colOf[j] = c;
  // One pass over W in memory order, each entry into its cell's sum.
  for (let r = 0; r < rows; r++) {
    const cell = sums.subarray(r * cols, (r + 1) * cols);
    for (let i = Math.floor((r * fanIn) / rows); i < Math.floor(((r + 1) * fanIn) / rows); i++) {
      for (let j = 0; j < units; j++) cell[colOf[j]] += w[i * units + j];
    }
  }
  const values = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) {
    const n = Math.floor(((r + 1) * fanIn) / rows) - Math.floor((r * fanIn) / rows);
    for (let c = 0; c < cols; c++) {
      const m = Math.floor(((c + 1) * units) / cols) - Math.floor((c * units) / cols);
      values[r * cols + c] = fourDigits(sums[r * cols + c] / (n * m));
    }
  }
  return { kind: 'weights', step, layer, fanIn, units, rows, cols, values };
}

/** Exact powers of ten, 10^0 … 10^22 (the larger ones are not doubles). */
const TENS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Number(x.toPrecision(4)) without the string (a heat map has up to 4,096 cells per layer and the
 * string round trip took most of a snapshot's time): |x| scaled to a 4-digit integer m, then m
 * divided (or multiplied) by an exact power of ten, which rounds to the same double as parsing
 * the digits. Only a product |x|·10^k landing within an ulp of a half can round the other way.
 */
export function fourDigits(x: number): number {
  const a = Math.abs(x);
  if (!(a >= 1e-18 && a < 1e18)) return a === 0 ? 0 : Number.isFinite(a) ? Number(x.toPrecision(4)) : x;
  let e = Math.floor(Math.log10(a));
  let m = scaled(a, 3 - e);
  // log10 can be one off next to a power of ten; a rounding up to 10,000 moves to the next power.
  if (m < 1000) m = scaled(a, 3 - --e);
  else if (m >= 10000) m = scaled(a, 3 - ++e);
  const v = e >= 3 ? m * TENS[e - 3] : m / TENS[3 - e];
  return x < 0 ? -v : v;
}

function scaled(a: number, k: number): number {
  return Math.round(k >= 0 ? a * TENS[k] : a / TENS[-k]);
}
