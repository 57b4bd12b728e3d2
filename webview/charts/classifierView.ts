/**
 * Classifier metrics of the latest evaluation (lecture 001): the confusion matrix (rows: actual
 * class, columns: predicted; cells shaded by the share of their row), and for binary tasks
 * sensitivity, specificity and the ROC curve with its AUC (`roc` chart).
 */
import type { EpochRecord } from '../../src/shared/protocol';
import { formatNumber, formatPercent } from '../format';
import type { RunData } from '../store';
import { withAlpha } from '../theme';
import { section } from '../ui/controls';
import { h, setText } from '../ui/dom';
import type { RenderCtx } from './context';
import { line, LineChart } from './lineChart';

export class ClassifierView {
  readonly element: HTMLElement;
  private readonly matrix = h('table', { class: 'confusion', 'data-testid': 'confusion' });
  private readonly binaryText = h('p', { class: 'binary-stats', 'data-testid': 'binary-metrics' });
  private readonly roc = new LineChart({
    id: 'roc',
    label: 'ROC curve: true-positive rate against false-positive rate',
    xTitle: 'false-positive rate',
    yTitle: 'true-positive rate',
    tweak: (o) => {
      o.interaction = { mode: 'nearest', intersect: false };
      for (const axis of [o.scales?.x, o.scales?.y]) if (axis) Object.assign(axis, { min: 0, max: 1 });
    },
  });
  private readonly caption = h('p', { class: 'empty-note' });
  private shown: EpochRecord | undefined;

  constructor() {
    this.element = section('Classifier metrics', [], this.caption, h('div', { class: 'hist-row' }, h('div', { class: 'matrix-box' }, this.matrix), this.roc.box), this.binaryText);
    this.element.classList.add('wide');
  }

  render(run: RunData, ctx: RenderCtx): void {
    const e = [...run.epochs].reverse().find((r) => r.confusion !== undefined);
    this.element.hidden = !e;
    if (!e?.confusion) return;
    const split = run.epochs.some((r) => r.valLoss !== undefined) ? 'validation' : 'training';
    setText(this.caption, `At epoch ${e.epoch + 1} (step ${e.step}), on the ${split} split. Rows: actual class; columns: predicted.`);
    if (e !== this.shown) this.renderMatrix(e.confusion, ctx);
    this.shown = e;
    const b = e.binary;
    this.roc.box.hidden = !b;
    if (!b) {
      setText(this.binaryText, '');
      return;
    }
    setText(this.binaryText, `Sensitivity ${formatPercent(b.sensitivity)} · specificity ${formatPercent(b.specificity)} (threshold 0.5) · AUC ${formatNumber(b.auc, 3)}`);
    const pts = b.rocFpr.map((x, i) => ({ x, y: b.rocTpr[i] }));
    const diag = [{ x: 0, y: 0 }, { x: 1, y: 1 }];
    this.roc.update(ctx.theme, ctx.themeVersion, false, [
      line(`ROC (AUC ${formatNumber(b.auc, 3)})`, ctx.theme.blue, pts, ctx.theme),
      line('chance', withAlpha(ctx.theme.muted, 0.8), diag, ctx.theme, { borderDash: [6, 4], borderWidth: 1 }),
    ], pts.length);
  }

  clear(): void {
    this.roc.clear();
    this.shown = undefined;
  }

  private renderMatrix(m: number[][], ctx: RenderCtx): void {
    const k = m.length;
    const head = h('tr', {}, h('th', { scope: 'col' }, 'actual ╲ predicted'), ...m.map((_, j) => h('th', { scope: 'col' }, `class ${j}`)));
    const rows = m.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, `class ${i}`),
        ...row.map((c, j) => {
          const share = total > 0 ? c / total : 0;
          const color = i === j ? ctx.theme.green : ctx.theme.red;
          const td = h('td', { class: 'num', title: `${c} of ${total} (${formatPercent(share)})` }, String(c));
          td.style.background = withAlpha(color, 0.1 + 0.6 * share);
          return td;
        }),
      );
    });
    this.matrix.replaceChildren(h('caption', { class: 'visually-hidden' }, `Confusion matrix, ${k} classes`), h('thead', {}, head), h('tbody', {}, ...rows));
  }
}
