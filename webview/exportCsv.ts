/**
 * A run's series as CSV: one row per step record (the panel's full-resolution copy), with the
 * per-layer series as columns and the epoch evaluations on the step they ran at. DOM-free.
 */
import type { RunData } from './store';

function cell(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : String(v);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function runCsv(run: RunData): string {
  const layers = run.layerGradNorms.length;
  const header = ['step', 'loss', 'lr', 'grad_norm'];
  for (let l = 0; l < layers; l++) header.push(`grad_norm_layer${l + 1}`);
  for (let l = 0; l < run.updateRatios.length; l++) header.push(`update_ratio_layer${l + 1}`);
  const points = run.pointX.length === run.step.length && run.pointX.length > 0;
  if (points) header.push('x', 'y');
  const epochs = run.epochs.length > 0;
  if (epochs) header.push('epoch', 'epoch_train_loss', 'epoch_train_accuracy', 'val_loss', 'val_accuracy');
  const byStep = new Map(run.epochs.map((e) => [e.step, e]));
  const rows = [header.join(',')];
  for (let i = 0; i < run.step.length; i++) {
    const r: (number | string | undefined)[] = [run.step[i], run.loss[i], run.lr[i], run.gradNorm[i]];
    for (let l = 0; l < layers; l++) r.push(run.layerGradNorms[l][i]);
    for (let l = 0; l < run.updateRatios.length; l++) r.push(run.updateRatios[l][i]);
    if (points) r.push(run.pointX[i], run.pointY[i]);
    if (epochs) {
      const e = byStep.get(run.step[i]);
      r.push(e?.epoch, e?.trainLoss, e?.trainAccuracy, e?.valLoss, e?.valAccuracy);
    }
    rows.push(r.map(cell).join(','));
  }
  return rows.join('\n') + '\n';
}

/** "spiral-dead-relus-2024-05-01-1203": a file name from the run's name and start time. */
export function exportName(run: RunData, suffix = ''): string {
  const d = new Date(run.info.startedAt);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
  const slug = run.info.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'run';
  return `${slug}${suffix ? `-${suffix}` : ''}-${stamp}`;
}
