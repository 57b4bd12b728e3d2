/** The diagnostics table (code, message, step, fixes), replaced whole on each `diagnostics` message. */
import type { Diagnosis } from '../../src/shared/protocol';
import { h } from './dom';

export class DiagnosticsTable {
  readonly element: HTMLElement;
  private readonly body = h('tbody');
  private readonly empty = h('p', { class: 'empty-note' }, 'No problems detected so far.');
  private readonly table: HTMLTableElement;
  private shown: Diagnosis[] | undefined;

  constructor() {
    this.table = h(
      'table',
      { class: 'diagnostics' },
      h('caption', { class: 'visually-hidden' }, 'Problems detected in the active run'),
      h(
        'thead',
        {},
        h('tr', {}, ...['Severity', 'Code', 'Message', 'Step', 'Suggested fixes'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      this.body,
    );
    this.element = h('section', { class: 'card' }, h('h3', {}, 'Problems'), this.empty, this.table);
  }

  /** Number of findings shown (for the tab label). */
  render(diagnostics: Diagnosis[]): number {
    if (diagnostics === this.shown) return diagnostics.length;
    this.shown = diagnostics;
    this.empty.hidden = diagnostics.length > 0;
    this.table.hidden = diagnostics.length === 0;
    this.body.replaceChildren(
      ...diagnostics.map((d) =>
        h(
          'tr',
          { 'data-severity': d.severity },
          h('td', {}, h('span', { class: `sev sev-${d.severity}` }, d.severity)),
          h('td', {}, h('code', {}, d.code)),
          h('td', {}, d.message),
          h('td', { class: 'num' }, String(d.step)),
          h(
            'td',
            {},
            d.fixes.length === 0
              ? '–'
              : h(
                  'ul',
                  { class: 'fixes' },
                  ...d.fixes.map((f) => h('li', {}, h('code', {}, `${f.path} = ${JSON.stringify(f.value)}`), ` ${f.why}`)),
                ),
          ),
        ),
      ),
    );
    return diagnostics.length;
  }
}
