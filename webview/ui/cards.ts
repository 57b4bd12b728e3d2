/** Summary cards: current (or final) train loss, validation loss, accuracy; for objectives f and the point. */
import { formatNumber, formatPercent } from '../format';
import type { RunData } from '../store';
import { h, setText } from './dom';

interface CardEls {
  root: HTMLElement;
  label: HTMLElement;
  value: HTMLElement;
  note: HTMLElement;
}

export class SummaryCards {
  readonly element: HTMLElement;
  private readonly cards: CardEls[] = [];

  constructor() {
    for (let i = 0; i < 4; i++) {
      const label = h('div', { class: 'stat-label' });
      const value = h('div', { class: 'stat-value' });
      const note = h('div', { class: 'stat-note' });
      this.cards.push({ root: h('div', { class: 'card stat' }, label, value, note), label, value, note });
    }
    this.element = h('div', { class: 'stats', role: 'group', 'aria-label': 'Run summary' }, ...this.cards.map((c) => c.root));
  }

  render(run: RunData): void {
    const rows = run.isObjective ? objectiveRows(run) : networkRows(run);
    this.cards.forEach((c, i) => {
      const row = rows[i];
      c.root.hidden = !row;
      if (!row) return;
      setText(c.label, row[0]);
      setText(c.value, row[1]);
      setText(c.note, row[2]);
    });
  }
}

type Row = [label: string, value: string, note: string];

function lastFinite(xs: number[]): { v: number; i: number } | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (Number.isFinite(xs[i])) return { v: xs[i], i };
  return undefined;
}

function networkRows(run: RunData): Row[] {
  const s = run.summary;
  const lastEpoch = run.epochs[run.epochs.length - 1];
  const lastStepLoss = run.loss.length ? run.loss[run.loss.length - 1] : undefined;
  let train: Row;
  if (s && s.final.trainLoss !== null) train = ['Final train loss', formatNumber(s.final.trainLoss), 'full training set'];
  else if (lastEpoch) train = ['Train loss', formatNumber(lastEpoch.trainLoss), `epoch ${lastEpoch.epoch + 1}, full set`];
  else train = ['Train loss', formatNumber(lastStepLoss), run.stepCount ? `step ${run.step[run.step.length - 1]}, batch` : 'waiting for data'];

  const valLoss = s?.final.valLoss ?? lastEpoch?.valLoss;
  const val: Row = ['Validation loss', formatNumber(valLoss ?? null), valLoss === undefined || valLoss === null ? 'after the first epoch' : s ? 'final' : `epoch ${lastEpoch ? lastEpoch.epoch + 1 : ''}`];

  const acc = s?.final.accuracy ?? lastEpoch?.valAccuracy ?? lastEpoch?.trainAccuracy;
  const accNote = lastEpoch?.valAccuracy !== undefined ? 'validation' : lastEpoch?.trainAccuracy !== undefined ? 'training' : 'classification only';
  const accuracy: Row = ['Accuracy', acc === undefined || acc === null ? '–' : formatPercent(acc), accNote];

  const grad = lastFinite(run.gradNorm);
  const gradRow: Row = ['Gradient norm', formatNumber(grad?.v ?? null), grad ? `step ${run.step[grad.i]}` : ''];
  return [train, val, accuracy, gradRow];
}

function objectiveRows(run: RunData): Row[] {
  const s = run.summary;
  const f = s?.final.trainLoss ?? (run.loss.length ? run.loss[run.loss.length - 1] : null);
  const n = run.pointX.length;
  const point = s?.point ?? (n ? ([run.pointX[n - 1], run.pointY[n - 1]] as [number, number]) : undefined);
  const grad = lastFinite(run.gradNorm);
  return [
    [s ? 'Final f(x, y)' : 'f(x, y)', formatNumber(f), s ? s.reason : run.stepCount ? `step ${run.step[run.step.length - 1]}` : 'waiting for data'],
    ['Point', point ? `(${formatNumber(point[0])}, ${formatNumber(point[1])})` : '–', 'current (x, y)'],
    ['Gradient norm', formatNumber(grad?.v ?? null), grad ? `step ${run.step[grad.i]}` : ''],
  ];
}
