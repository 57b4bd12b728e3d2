/** The search results (best first) and the spread of the restarts' final losses. */
import { lastProbe } from '../charts/compareGroup';
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { h } from './dom';

export class SearchTable {
  readonly element: HTMLElement;
  private readonly body = h('div', {});

  constructor() {
    this.element = h('section', { class: 'card search-results', 'data-section': 'search' }, this.body);
  }

  has(run: RunData): boolean {
    return lastProbe([run], 'search') !== undefined || lastProbe([run], 'restarts') !== undefined;
  }

  render(run: RunData): void {
    const parts: HTMLElement[] = [];
    const search = lastProbe([run], 'search');
    if (search) {
      const head = h('tr', {}, h('th', {}, '#'), ...search.space.map((k) => h('th', {}, k)), h('th', {}, 'final loss'));
      const rows = search.trials.map((t, i) =>
        h(
          'tr',
          i === 0 && t.finalLoss !== null ? { class: 'best' } : {},
          h('td', {}, String(i + 1)),
          ...search.space.map((k) => h('td', {}, String(t.values[k] ?? ''))),
          h('td', {}, t.finalLoss === null ? t.reason : formatNumber(t.finalLoss)),
        ),
      );
      parts.push(
        h('h3', {}, `Search: ${search.trials.length} ${search.method} trials, best first`),
        h('table', { class: 'search-table' }, h('thead', {}, head), h('tbody', {}, ...rows)),
        h('p', { class: 'muted' }, 'The best trial is offered as a fix in the Problems tab (search-best).'),
      );
    }
    const restarts = lastProbe([run], 'restarts');
    if (restarts) {
      const ok = restarts.finalLosses.filter((x): x is number => x !== null && Number.isFinite(x));
      const spread = ok.length ? Math.max(...ok) - Math.min(...ok) : NaN;
      parts.push(
        h('h3', {}, `Restarts: ${restarts.seeds.length} seeds`),
        h('p', {}, `Final losses ${restarts.finalLosses.map((x) => (x === null ? 'failed' : formatNumber(x))).join(', ')}; spread (max − min) ${formatNumber(spread)}.`),
      );
    }
    this.body.replaceChildren(...parts);
  }
}
