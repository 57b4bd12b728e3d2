/**
 * Lecture 001's classifier metrics from predicted class probabilities: the confusion matrix and,
 * for two classes, sensitivity, specificity and the ROC curve with its AUC. Plain arrays in,
 * plain numbers out (no tensors).
 */
import type { BinaryMetrics } from '../../shared/protocol';

/** Most ROC points sent per evaluation (the curve is thinned evenly beyond this). */
const MAX_ROC_POINTS = 101;

/**
 * `probs`: row-major [n, units]; units = nClasses, or 1 for a single sigmoid (P(class 1)).
 * `actual`: class index per row.
 */
export function classifierMetrics(
  probs: ArrayLike<number>,
  units: number,
  actual: ArrayLike<number>,
  nClasses: number,
): { confusion: number[][]; binary?: BinaryMetrics } {
  const n = actual.length;
  const confusion = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let pred: number;
    if (units === 1) {
      score[i] = probs[i];
      pred = probs[i] >= 0.5 ? 1 : 0;
    } else {
      pred = 0;
      for (let k = 1; k < units; k++) if (probs[i * units + k] > probs[i * units + pred]) pred = k;
      score[i] = units === 2 ? probs[i * 2 + 1] : 0;
    }
    const a = actual[i];
    if (a >= 0 && a < nClasses && pred < nClasses) confusion[a][pred]++;
  }
  if (nClasses !== 2) return { confusion };
  const [[tn, fp], [fn, tp]] = confusion;
  const binary: BinaryMetrics = {
    sensitivity: tp + fn > 0 ? tp / (tp + fn) : NaN,
    specificity: tn + fp > 0 ? tn / (tn + fp) : NaN,
    ...roc(score, actual),
  };
  return { confusion, binary };
}

/** ROC by sweeping the threshold down through the distinct scores; AUC by trapezoids. */
export function roc(score: ArrayLike<number>, actual: ArrayLike<number>): Pick<BinaryMetrics, 'rocFpr' | 'rocTpr' | 'auc'> {
  const n = actual.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  let pos = 0;
  for (let i = 0; i < n; i++) if (actual[i] === 1) pos++;
  const neg = n - pos;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    if (actual[order[k]] === 1) tp++;
    else fp++;
    // Tied scores move together: one point per distinct threshold.
    if (k === n - 1 || score[order[k + 1]] !== score[order[k]]) {
      fpr.push(neg > 0 ? fp / neg : 0);
      tpr.push(pos > 0 ? tp / pos : 0);
    }
  }
  let auc = 0;
  for (let i = 1; i < fpr.length; i++) auc += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  if (pos === 0 || neg === 0) auc = NaN;
  if (fpr.length <= MAX_ROC_POINTS) return { rocFpr: fpr, rocTpr: tpr, auc };
  const keep = Array.from({ length: MAX_ROC_POINTS }, (_, j) => Math.round((j * (fpr.length - 1)) / (MAX_ROC_POINTS - 1)));
  return { rocFpr: keep.map((i) => fpr[i]), rocTpr: keep.map((i) => tpr[i]), auc };
}
