/**
 * The diagnostics table: problem (severity, code, message), evidence, step first seen, and the
 * suggested fixes as buttons (the fix's title applies it to the experiment file, "Apply & re-run"
 * also runs it again and overlays before/after; the fix's `why` is their tooltip). Replaced whole on each `diagnostics` message.
 */
import type { Diagnosis, SuggestedFix } from '../../src/shared/protocol';
import { formatNumber } from '../format';
import { h, uid } from './dom';

export interface FixHandler {
  (code: string, fix: number, rerun: boolean): void;
}

/** "layers: 1, 2 · fractions: 1, 1": the evidence record, numbers shortened. */
export function evidenceText(evidence: Diagnosis['evidence']): string {
  const show = (v: unknown): string =>
    typeof v === 'number' ? formatNumber(v, 3) : Array.isArray(v) ? v.map(show).join(', ') : v === null ? '–' : String(v);
  return Object.entries(evidence)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join(' · ');
}

function fixLabel(f: SuggestedFix): string {
  return typeof f.title === 'string' && f.title !== '' ? f.title : `${f.path} = ${JSON.stringify(f.value)}`;
}

export class DiagnosticsTable {
  readonly element: HTMLElement;
  private readonly body = h('tbody');
  private readonly empty = h('p', { class: 'empty-note' }, 'No problems detected so far.');
  private readonly note = h('p', { class: 'empty-note' });
  private readonly table: HTMLTableElement;
  private shown: Diagnosis[] | undefined;
  private shownEditable: boolean | undefined;

  constructor(private readonly onFix: FixHandler) {
    this.table = h(
      'table',
      { class: 'diagnostics', 'data-testid': 'diagnostics' },
      h('caption', { class: 'visually-hidden' }, 'Problems detected in the active run'),
      h('thead', {}, h('tr', {}, ...['Problem', 'Evidence', 'First seen', 'Fixes'].map((t) => h('th', { scope: 'col' }, t)))),
      this.body,
    );
    this.element = h('section', { class: 'card' }, h('h3', {}, 'Problems'), this.empty, this.note, this.table);
  }

  /**
   * Number of findings shown (for the tab label). `editable`: the run came from a file, so its
   * fixes can be applied (built-in examples are read-only).
   */
  render(diagnostics: Diagnosis[], editable: boolean): number {
    if (diagnostics === this.shown && editable === this.shownEditable) return diagnostics.length;
    this.shown = diagnostics;
    this.shownEditable = editable;
    this.empty.hidden = diagnostics.length > 0;
    this.table.hidden = diagnostics.length === 0;
    this.note.hidden = editable || diagnostics.length === 0;
    this.note.textContent = 'This run is a built-in example: open it as a file (Optimizer Debugger: Open Example…, then Save As) to apply fixes.';
    this.body.replaceChildren(...diagnostics.map((d) => this.row(d, editable)));
    return diagnostics.length;
  }

  private row(d: Diagnosis, editable: boolean): HTMLTableRowElement {
    const fixes =
      d.fixes.length === 0
        ? '–'
        : h(
            'ul',
            { class: 'fixes' },
            ...d.fixes.map((f, i) => {
              // The title is the button; `why` is its tooltip, and its description for screen readers.
              const whyId = uid('fix-why');
              const apply = h('button', { type: 'button', class: 'secondary small fix-title', title: `${f.why} (sets ${f.path} = ${JSON.stringify(f.value)})`, 'aria-describedby': whyId }, fixLabel(f));
              const rerun = h('button', { type: 'button', class: 'small', 'data-testid': 'fix-rerun', title: `${f.why} Then run again and compare before/after.`, 'aria-describedby': whyId }, 'Apply & re-run');
              apply.disabled = rerun.disabled = !editable;
              apply.setAttribute('aria-label', `Apply: ${fixLabel(f)}`);
              rerun.setAttribute('aria-label', `Apply and re-run: ${fixLabel(f)}`);
              apply.addEventListener('click', () => this.onFix(d.code, i, false));
              rerun.addEventListener('click', () => this.onFix(d.code, i, true));
              return h(
                'li',
                {},
                h('div', { class: 'fix-buttons' }, apply, rerun, i === 0 ? h('span', { class: 'preferred' }, 'preferred') : null),
                h('span', { id: whyId, class: 'visually-hidden' }, f.why),
              );
            }),
          );
    return h(
      'tr',
      { 'data-severity': d.severity, 'data-code': d.code },
      h(
        'td',
        {},
        h('span', { class: `sev sev-${d.severity}` }, d.severity),
        ' ',
        h('code', {}, d.code),
        h('div', {}, d.message),
      ),
      h('td', { class: 'evidence' }, evidenceText(d.evidence)),
      h('td', { class: 'num' }, `step ${d.step}`),
      h('td', {}, fixes),
    );
  }
}
