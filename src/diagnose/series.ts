import type { CurvatureRecord, EpochRecord, GradientCheckRecord, HistogramRecord, MetricsBatch, RestartsRecord, StepRecord, SymmetryRecord } from '../shared/protocol';
import { median } from './stats';

/**
 * The measurements of one run as flat arrays, appended batch by batch, so detectors read windows
 * without re-walking records. One series per metric (style.md: math apart from UI).
 *
 * Bounded on long runs: the per-step arrays hold only the latest records (at least `tail` of them,
 * plus everything appended since the previous `append`, so a detector checked at least once per
 * `tail` records never misses one), and `offset` counts the records dropped from the front.
 * Indices into the arrays are therefore relative (`length` is the number kept); `total` is the
 * run's record count.
 * What detectors read beyond the latest records is kept exactly here:
 * - the first losses (`initialLoss`, the reference of divergence, plateau, saddle, local-optimum),
 * - the largest finite gradient norm and the largest move of an objective's point,
 * - the windows slow-progress reads on a completed run (median loss around the quarter points,
 *   median gradient norm at the start and the end), which are known in advance from the expected
 *   record count (a completed run records steps 0..totalSteps): `median(metric, from, to)`.
 * Windows that were not reserved (a run that ended early, a wrong expected count) fall back to a
 * progressively halved sample of the whole run (≤ COARSE points): an approximation, documented.
 * Nothing is dropped after the first non-finite value, so divergence reads it where it happened.
 */
export class RunSeries {
  readonly step: number[] = [];
  readonly loss: number[] = [];
  readonly lr: number[] = [];
  readonly gradNorm: number[] = [];
  /** layerGradNorm[l][i]: layer l at the i-th kept step record. */
  readonly layerGradNorm: number[][] = [];
  readonly updateRatio: number[][] = [];
  readonly updateCosine: number[] = [];
  readonly pointX: number[] = [];
  readonly pointY: number[] = [];
  readonly epochs: EpochRecord[] = [];
  /** Latest few histogram records per layer (detectors look at persistence, not history). */
  readonly histograms: HistogramRecord[][] = [];
  /** Histogram records appended so far (what changes `histograms`). */
  histogramCount = 0;
  /** Instrument records (low cadence: tens per run, so kept whole). */
  readonly curvature: CurvatureRecord[] = [];
  readonly symmetry: SymmetryRecord[] = [];
  readonly gradientChecks: GradientCheckRecord[] = [];
  restarts: RestartsRecord | undefined;
  /** Index (into the kept arrays) of the first non-finite loss or gradient, -1 while all are finite. */
  firstNonFinite = -1;
  /** Step records dropped from the front of the arrays. */
  offset = 0;
  /** Largest finite global gradient norm of the whole run (0 before any). */
  maxGradNorm = 0;
  /** Largest distance between successive points of an objective over the whole run. */
  maxPointMove = 0;
  /** The first INITIAL losses of the run. */
  readonly firstLosses: number[] = [];

  static readonly KEEP_HISTOGRAMS = 8;
  /** Step records always kept (every detector window is ≤ 100 records). */
  static readonly TAIL = 2048;
  static readonly INITIAL = 5;
  /** Points of the whole-run fallback sample. */
  static readonly COARSE = 4096;
  /** Values reserved for slow-progress windows before they are sampled instead of kept whole (8 MiB). */
  static readonly WINDOW_BUDGET = 1 << 20;

  private initial: number | undefined;
  private readonly tail: number;
  private readonly reserved: Reserved[] = [];
  private readonly coarse = { stride: 1, index: [] as number[], loss: [] as number[], gradNorm: [] as number[] };

  /**
   * `expectedRecords`: records of the run when it completes (totalSteps + 1), which places the
   * whole-run windows; `tail` overrides TAIL (tests compare bounded with unbounded series).
   */
  constructor(expectedRecords = 0, opts: { tail?: number } = {}) {
    this.tail = Math.max(128, opts.tail ?? RunSeries.TAIL);
    if (expectedRecords > this.tail) this.reserve(expectedRecords);
  }

  /** Step records kept in the arrays. */
  get length(): number {
    return this.loss.length;
  }

  /** Step records of the whole run so far. */
  get total(): number {
    return this.offset + this.loss.length;
  }

  /** Median of the first INITIAL losses (fewer at the start of a run). */
  initialLoss(): number {
    // Four detectors ask at every check; it is fixed once the first losses are in.
    if (this.firstLosses.length < RunSeries.INITIAL) return median(this.firstLosses);
    return (this.initial ??= median(this.firstLosses));
  }

  /**
   * Median of `metric` over the absolute record indices [from, to): exact when the range is kept
   * or was reserved, else from the whole-run sample.
   */
  median(metric: 'loss' | 'gradNorm', from: number, to: number): number {
    if (from >= this.offset) return median(this[metric], from - this.offset, to - this.offset);
    const r = this.reserved.find((w) => w.metric === metric && w.from === from && w.to === to);
    if (r && this.total >= to) return median(r.values, 0, r.filled);
    const c = this.coarse;
    const picked: number[] = [];
    for (let k = 0; k < c.index.length; k++) if (c.index[k] >= from && c.index[k] < to) picked.push(c[metric][k]);
    return picked.length > 0 ? median(picked) : NaN;
  }

  /**
   * Appends the batch; with `from`/`to` only its step records [from, to) (the monitor replays a
   * batch in slices without copying them), its other records always whole.
   */
  append(batch: MetricsBatch, from = 0, to = batch.steps.length): void {
    this.trim();
    const steps = batch.steps;
    const first = this.total;
    // Per record only what every record feeds; the reserved windows and the coarse sample, which
    // take a fraction of the records, are filled per batch below.
    const lg = this.layerGradNorm;
    const ur = this.updateRatio;
    for (let k = from; k < to; k++) {
      const r = steps[k];
      const i = this.loss.length;
      this.step.push(r.step);
      this.loss.push(r.loss);
      this.lr.push(r.lr);
      this.gradNorm.push(r.gradNorm);
      const g = r.layerGradNorms;
      while (lg.length < g.length) lg.push([]);
      for (let l = 0; l < g.length; l++) lg[l].push(g[l]);
      const u = r.updateRatios;
      while (ur.length < u.length) ur.push([]);
      for (let l = 0; l < u.length; l++) ur[l].push(u[l]);
      this.updateCosine.push(r.updateCosine ?? NaN);
      if (r.point) {
        const n = this.pointX.length;
        if (n > 0) this.maxPointMove = Math.max(this.maxPointMove, Math.hypot(r.point[0] - this.pointX[n - 1], r.point[1] - this.pointY[n - 1]) || 0);
        this.pointX.push(r.point[0]);
        this.pointY.push(r.point[1]);
      }
      if (Number.isFinite(r.gradNorm)) this.maxGradNorm = Math.max(this.maxGradNorm, r.gradNorm);
      if (this.firstLosses.length < RunSeries.INITIAL) this.firstLosses.push(r.loss);
      if (this.firstNonFinite < 0 && !(Number.isFinite(r.loss) && Number.isFinite(r.gradNorm))) this.firstNonFinite = i;
    }
    const end = first + to - from;
    for (const w of this.reserved) w.take(steps, from - first, first, end);
    this.sample(steps, from - first, first, end);
    for (const e of batch.epochs) this.epochs.push(e);
    for (const p of batch.probes ?? []) {
      if (p.kind === 'curvature') this.curvature.push(p);
      else if (p.kind === 'symmetry') this.symmetry.push(p);
      else if (p.kind === 'gradientCheck') this.gradientChecks.push(p);
      else if (p.kind === 'restarts') this.restarts = p;
    }
    for (const h of batch.histograms) {
      this.histogramCount++;
      const list = (this.histograms[h.layer] ??= []);
      list.push(h);
      if (list.length > RunSeries.KEEP_HISTOGRAMS) list.shift();
    }
  }

  /** Drops the front so that `tail` records stay; runs before new records arrive (see class comment). */
  private trim(): void {
    const n = this.loss.length;
    if (this.firstNonFinite >= 0 || n <= 2 * this.tail) return;
    const keep = this.tail;
    for (const a of [this.step, this.loss, this.lr, this.gradNorm, this.updateCosine, this.pointX, this.pointY, ...this.layerGradNorm, ...this.updateRatio]) dropFront(a, a.length - keep);
    this.offset += n - keep;
  }

  /**
   * Whole-run fallback sample: every `stride`-th record, the stride doubling when it is full.
   * Takes the records of absolute indices [lo, hi), record `abs` being steps[abs + shift].
   */
  private sample(steps: readonly StepRecord[], shift: number, lo: number, hi: number): void {
    const c = this.coarse;
    for (let abs = ceilTo(lo, c.stride); abs < hi; ) {
      const r = steps[abs + shift];
      c.index.push(abs);
      c.loss.push(r.loss);
      c.gradNorm.push(r.gradNorm);
      if (c.index.length <= RunSeries.COARSE) {
        abs += c.stride;
        continue;
      }
      c.stride *= 2;
      abs = ceilTo(abs + 1, c.stride);
      let k = 0;
      for (let j = 0; j < c.index.length; j++) {
        if (c.index[j] % c.stride !== 0) continue;
        c.index[k] = c.index[j];
        c.loss[k] = c.loss[j];
        c.gradNorm[k] = c.gradNorm[j];
        k++;
      }
      c.index.length = c.loss.length = c.gradNorm.length = k;
    }
  }

  /** The windows slow-progress reads on a completed run of `n` records (see slowProgress.ts). */
  private reserve(n: number): void {
    const h = Math.max(1, Math.floor(n / 40));
    const around = (i: number): [number, number] => [Math.max(0, i - h), Math.min(n, i + h + 1)];
    const ranges: ['loss' | 'gradNorm', number, number][] = [
      ...[0, Math.floor(n / 4), Math.floor((3 * n) / 4), n - 1].map((i): ['loss', number, number] => ['loss', ...around(i)]),
      ['gradNorm', 0, Math.min(n, 2 * h + 1)],
      ['gradNorm', Math.max(0, n - 2 * h - 1), n],
    ];
    const size = ranges.reduce((s, [, a, b]) => s + (b - a), 0);
    // Beyond the budget the windows keep every k-th value: their medians become estimates.
    const stride = Math.max(1, Math.ceil(size / RunSeries.WINDOW_BUDGET));
    for (const [metric, from, to] of ranges) this.reserved.push(new Reserved(metric, from, to, stride));
  }
}

/** A window [from, to) of absolute record indices whose values are kept (every `stride`-th). */
class Reserved {
  readonly values: Float64Array;
  filled = 0;

  constructor(readonly metric: 'loss' | 'gradNorm', readonly from: number, readonly to: number, private readonly stride: number) {
    this.values = new Float64Array(Math.ceil((to - from) / stride));
  }

  /** Keeps the values of the records of absolute indices [lo, hi) in the window, record `abs` being steps[abs + shift]. */
  take(steps: readonly StepRecord[], shift: number, lo: number, hi: number): void {
    const end = Math.min(hi, this.to);
    for (let abs = this.from + ceilTo(Math.max(0, lo - this.from), this.stride); abs < end; abs += this.stride) {
      const r = steps[abs + shift];
      this.values[this.filled++] = this.metric === 'loss' ? r.loss : r.gradNorm;
    }
  }
}

/**
 * Removes the first `drop` values of `a` in place. Not copyWithin, which takes V8's generic path
 * (~35 ns per element against ~3) and made trimming most of a record's cost; nor a JS loop, which
 * runs interpreted for the first trims of a run (milliseconds each): splice moves the elements natively.
 */
function dropFront(a: number[], drop: number): void {
  if (drop <= 0) return;
  a.splice(0, drop);
}

/** The least multiple of `m` that is ≥ x (x ≥ 0). */
function ceilTo(x: number, m: number): number {
  return Math.ceil(x / m) * m;
}
