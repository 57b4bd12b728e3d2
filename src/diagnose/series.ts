import type { CurvatureRecord, EpochRecord, GradientCheckRecord, HistogramRecord, MetricsBatch, RestartsRecord, SymmetryRecord } from '../shared/protocol';

/**
 * The measurements of one run as flat arrays, appended batch by batch, so detectors read windows
 * without re-walking records. One series per metric (style.md: math apart from UI).
 */
export class RunSeries {
  readonly step: number[] = [];
  readonly loss: number[] = [];
  readonly lr: number[] = [];
  readonly gradNorm: number[] = [];
  /** layerGradNorm[l][i]: layer l at the i-th step record. */
  readonly layerGradNorm: number[][] = [];
  readonly updateRatio: number[][] = [];
  readonly updateCosine: number[] = [];
  readonly pointX: number[] = [];
  readonly pointY: number[] = [];
  readonly epochs: EpochRecord[] = [];
  /** Latest few histogram records per layer (detectors look at persistence, not history). */
  readonly histograms: HistogramRecord[][] = [];
  /** Instrument records (low cadence: tens per run, so kept whole). */
  readonly curvature: CurvatureRecord[] = [];
  readonly symmetry: SymmetryRecord[] = [];
  readonly gradientChecks: GradientCheckRecord[] = [];
  restarts: RestartsRecord | undefined;
  /** Index of the first non-finite loss or gradient, -1 while all are finite. */
  firstNonFinite = -1;

  static readonly KEEP_HISTOGRAMS = 8;

  get length(): number {
    return this.loss.length;
  }

  append(batch: MetricsBatch): void {
    for (const r of batch.steps) {
      const i = this.loss.length;
      this.step.push(r.step);
      this.loss.push(r.loss);
      this.lr.push(r.lr);
      this.gradNorm.push(r.gradNorm);
      r.layerGradNorms.forEach((g, l) => (this.layerGradNorm[l] ??= []).push(g));
      r.updateRatios.forEach((u, l) => (this.updateRatio[l] ??= []).push(u));
      this.updateCosine.push(r.updateCosine ?? NaN);
      if (r.point) {
        this.pointX.push(r.point[0]);
        this.pointY.push(r.point[1]);
      }
      if (this.firstNonFinite < 0 && !(Number.isFinite(r.loss) && Number.isFinite(r.gradNorm))) this.firstNonFinite = i;
    }
    this.epochs.push(...batch.epochs);
    for (const p of batch.probes ?? []) {
      if (p.kind === 'curvature') this.curvature.push(p);
      else if (p.kind === 'symmetry') this.symmetry.push(p);
      else if (p.kind === 'gradientCheck') this.gradientChecks.push(p);
      else this.restarts = p;
    }
    for (const h of batch.histograms) {
      const list = (this.histograms[h.layer] ??= []);
      list.push(h);
      if (list.length > RunSeries.KEEP_HISTOGRAMS) list.shift();
    }
  }
}
