/** Run header: selector, name, state, source/optimizer/backend, step count and rate, Stop / Run again. */
import { formatNumber } from '../format';
import type { RunData } from '../store';
import { setOptions } from './controls';
import { h, setText } from './dom';

export class Header {
  readonly element: HTMLElement;
  private readonly runSel = h('select', { id: 'run-select', 'aria-label': 'Run shown in the panel' });
  private readonly compareSel = h('select', { id: 'compare-select', 'aria-label': 'Run overlaid for comparison (dashed)' });
  private readonly compareBox: HTMLElement;
  private readonly csvBtn = h('button', { type: 'button', class: 'secondary', title: 'Save the series of this run as CSV' }, 'Export CSV');
  private readonly name = h('h2', { class: 'run-name' });
  private readonly state = h('span', { class: 'state-badge', role: 'status' });
  private readonly source = h('span', { class: 'meta-value' });
  private readonly optimizer = h('span', { class: 'meta-value' });
  private readonly backend = h('span', { class: 'meta-value' });
  private readonly stepCount = h('span', { 'data-testid': 'step-count' }, '0');
  private readonly progress = h('span', { class: 'meta-value' });
  private readonly rate = h('span', { class: 'meta-value' });
  private readonly stopBtn = h('button', { type: 'button', class: 'secondary', title: 'Stop the running optimization' }, 'Stop');
  private readonly rerunBtn = h('button', { type: 'button', title: 'Run the last experiment again' }, 'Run again');
  private readonly metaRow: HTMLElement;

  constructor(handlers: {
    select: (runId: string) => void;
    compare: (runId: string | null) => void;
    stop: () => void;
    rerun: () => void;
    exportCsv: () => void;
  }) {
    this.runSel.addEventListener('change', () => handlers.select(this.runSel.value));
    this.compareSel.addEventListener('change', () => handlers.compare(this.compareSel.value === '' ? null : this.compareSel.value));
    this.csvBtn.addEventListener('click', handlers.exportCsv);
    this.compareBox = h('span', { class: 'control' }, h('label', { for: 'compare-select' }, 'Compare with'), this.compareSel);
    this.stopBtn.addEventListener('click', handlers.stop);
    this.rerunBtn.addEventListener('click', handlers.rerun);
    const meta = (label: string, value: Node, ...rest: Node[]): HTMLElement =>
      h('span', { class: 'meta' }, h('span', { class: 'meta-label' }, label), value, ...rest);
    this.metaRow = h(
      'div',
      { class: 'meta-row' },
      meta('Source', this.source),
      meta('Optimizer', this.optimizer),
      meta('Backend', this.backend),
      meta('Steps', h('span', { class: 'meta-value', title: 'Measurements received (step 0 is the starting point)' }, this.stepCount)),
      meta('Progress', this.progress),
      meta('Steps/s', this.rate),
    );
    this.element = h(
      'header',
      { class: 'header' },
      h(
        'div',
        { class: 'title-row' },
        this.name,
        this.state,
        h('span', { class: 'spacer' }),
        this.runSel,
        this.compareBox,
        this.csvBtn,
        this.stopBtn,
        this.rerunBtn,
      ),
      this.metaRow,
    );
  }

  render(run: RunData | undefined, runs: RunData[], now: number, compare?: RunData): void {
    const options = runs
      .slice()
      .reverse()
      .map((r) => ({ value: r.info.runId, label: `${r.info.name} · ${clock(r.info.startedAt)} · ${stateWord(r)}` }));
    setOptions(this.runSel, options, run?.info.runId ?? '');
    this.runSel.hidden = runs.length < 2;
    setOptions(
      this.compareSel,
      [{ value: '', label: 'none' }, ...options.filter((o) => o.value !== run?.info.runId)],
      compare?.info.runId ?? '',
    );
    this.compareBox.hidden = runs.length < 2;
    this.csvBtn.hidden = !run;
    this.stopBtn.disabled = !run || run.state !== 'running';
    this.rerunBtn.disabled = !run || run.state === 'running';
    this.metaRow.hidden = !run;
    this.stopBtn.hidden = this.rerunBtn.hidden = !run;
    setText(this.stepCount, String(run?.stepCount ?? 0));
    if (!run) {
      setText(this.name, 'Optimizer Debugger');
      setText(this.state, 'idle');
      this.state.dataset.state = 'idle';
      this.state.removeAttribute('title');
      return;
    }
    setText(this.name, run.info.name);
    setText(this.source, run.info.source);
    setText(this.optimizer, run.info.optimizer);
    setText(this.backend, run.info.backend.label);
    this.backend.title = run.info.backend.reason;
    // Records include step 0 (the start), so progress is counted in updates, not records.
    const updates = run.stepCount ? run.step[run.stepCount - 1] : 0;
    setText(this.progress, run.info.totalSteps > 0 ? `${updates} / ${run.info.totalSteps} updates` : `${updates} updates`);
    const rate = run.stepsPerSecond(now);
    setText(this.rate, rate === undefined ? '–' : formatNumber(rate, 3));
    this.state.dataset.state = run.state;
    const s = run.summary;
    const text = !s ? 'running' : run.state === 'failed' ? `failed: ${s.message ?? s.reason}` : `finished: ${s.reason}`;
    setText(this.state, text);
    if (s?.message) this.state.title = s.message;
    else this.state.removeAttribute('title');
  }
}

function stateWord(run: RunData): string {
  return run.summary ? run.summary.reason : 'running';
}

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
