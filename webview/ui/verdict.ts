/** The verdict of "Apply fix and re-run", above the charts while the two runs are overlaid. */
import type { FixVerdict } from '../../src/shared/protocol';
import { formatNumber } from '../format';
import { h, setText } from './dom';

export function verdictText(v: FixVerdict): { headline: string; detail: string } {
  const headline = v.resolved ? `Fixed: ${v.code} is gone after ${v.fix}.` : `Not fixed: ${v.code} is still reported after ${v.fix}.`;
  let detail = 'Final loss: ';
  if (v.beforeLoss !== null && v.afterLoss !== null) {
    const pct = v.beforeLoss !== 0 ? ((v.afterLoss - v.beforeLoss) / Math.abs(v.beforeLoss)) * 100 : NaN;
    detail += `${formatNumber(v.beforeLoss)} → ${formatNumber(v.afterLoss)}`;
    if (Number.isFinite(pct)) detail += ` (${pct <= 0 ? '−' : '+'}${Math.abs(pct).toFixed(0)} %)`;
  } else {
    detail += `${formatNumber(v.beforeLoss)} → ${formatNumber(v.afterLoss)}`;
  }
  detail += '. The dashed curves are the run before the fix.';
  if (v.remaining.length) detail += ` Still reported: ${v.remaining.join(', ')}.`;
  return { headline, detail };
}

export class VerdictBanner {
  readonly element: HTMLElement;
  private readonly headline = h('strong');
  private readonly detail = h('span');

  constructor() {
    this.element = h('div', { class: 'card verdict', role: 'status', 'data-testid': 'verdict' }, this.headline, ' ', this.detail);
    this.element.hidden = true;
  }

  render(v: FixVerdict | undefined): void {
    this.element.hidden = !v;
    if (!v) return;
    const t = verdictText(v);
    this.element.dataset.resolved = String(v.resolved);
    setText(this.headline, t.headline);
    setText(this.detail, t.detail);
  }
}
