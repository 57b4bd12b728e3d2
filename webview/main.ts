/**
 * Training panel entry: builds the DOM, feeds host messages into the store and redraws at most
 * once per animation frame. Only UI preferences are saved (setState); run data comes from the
 * host's `reset` after `ready`.
 */
import './panel.css';
import type { HostToWebview } from '../src/shared/protocol';
import { ClassifierView } from './charts/classifierView';
import type { RenderCtx } from './charts/context';
import { HistogramView } from './charts/histogramView';
import { LayerGradNormView, UpdateRatioView } from './charts/layerCharts';
import { LossView } from './charts/lossView';
import { GradNormView, LearningRateView } from './charts/stepCharts';
import { TrajectoryView } from './charts/trajectoryView';
import { CompareLossView } from './charts/compareView';
import { LandscapeView } from './charts/landscapeView';
import { LrFindView } from './charts/lrFindView';
import { NetLandscapeView } from './charts/netLandscapeView';
import { SearchTable } from './ui/searchTable';
import { WeightsView } from './charts/weightsView';
import { stepZoom } from './charts/zoom';
import { formatNumber } from './format';
import { exportName, runCsv } from './exportCsv';
import { Store, type RunData } from './store';
import { readTheme, watchTheme } from './theme';
import { SummaryCards } from './ui/cards';
import { DiagnosticsTable } from './ui/diagnostics';
import { h } from './ui/dom';
import { addPngButtons } from './ui/exportPng';
import { VerdictBanner } from './ui/verdict';
import { Header } from './ui/header';
import { Tabs } from './ui/tabs';
import { loadUi, post, saveUi, type UiState } from './vscode';

const store = new Store();
let ui: UiState = loadUi();
let theme = readTheme();
let themeVersion = 0;

/** What needs redrawing at the next frame. */
const dirty = { structure: true, charts: true, diagnostics: true };

function setUi(patch: Partial<UiState>): void {
  ui = { ...ui, ...patch };
  saveUi(ui);
  dirty.charts = true;
  schedule();
}

// ---- layout --------------------------------------------------------------------------------

const header = new Header({
  select: (runId) => {
    if (store.select(runId)) {
      dirty.structure = dirty.charts = dirty.diagnostics = true;
      schedule();
    }
  },
  compare: (runId) => {
    if (store.setCompare(runId)) {
      dirty.charts = true;
      schedule();
    }
  },
  stop: () => post({ type: 'stop' }),
  rerun: () => post({ type: 'rerun' }),
  exportCsv: () => {
    const run = store.active();
    if (run) post({ type: 'export', format: 'csv', fileName: exportName(run), data: runCsv(run) });
  },
});
const verdict = new VerdictBanner();
const cards = new SummaryCards();
const loss = new LossView(ui, setUi);
const lr = new LearningRateView();
const grad = new GradNormView(ui, setUi);
const trajectory = new TrajectoryView();
const layerGrad = new LayerGradNormView();
const ratio = new UpdateRatioView();
const hist = new HistogramView(ui, setUi);
const weights = new WeightsView(setUi);
const diagnostics = new DiagnosticsTable((code, fix, rerun) => {
  const run = store.active();
  if (run) post({ type: 'applyFix', runId: run.info.runId, code, fix, rerun });
});
const classifier = new ClassifierView();
const views = [loss, lr, grad, trajectory, layerGrad, ratio, hist, weights, classifier];
// Several runs of one file (compare, search, restarts, lr-find): these read the whole store.
const landscape = new LandscapeView(() => store.list());
const compareLoss = new CompareLossView(() => store.list());
const lrFind = new LrFindView();
const searchTable = new SearchTable();
const netLandscape = new NetLandscapeView({
  compute: (runId) => post({ type: 'showLandscape', runId }),
  cancel: () => post({ type: 'cancelLandscape' }),
});

const trainingPanel = h('div', { class: 'tab-panel grid' }, verdict.element, cards.element, lrFind.element, landscape.element, compareLoss.element, searchTable.element, loss.element, trajectory.element, grad.element, lr.element, classifier.element, netLandscape.element);
const layersPanel = h('div', { class: 'tab-panel grid' }, layerGrad.element, ratio.element, hist.element, weights.element);
const problemsPanel = h('div', { class: 'tab-panel' }, diagnostics.element);
const tabs = new Tabs(
  [
    { id: 'training', label: 'Training', panel: trainingPanel },
    { id: 'layers', label: 'Layers', panel: layersPanel },
    { id: 'problems', label: 'Problems', panel: problemsPanel },
  ],
  ui.tab,
  (id) => {
    setUi({ tab: id });
    tabs.show(id);
  },
);
// Zoom of the step charts (drag across one, double-click or Escape or the button to reset).
let xRange: [number, number] | undefined;
let zoomedRun: string | null = null;
const zoomNote = h('span', { class: 'muted' });
// The bar hides on reset, taking its text along: every zoom change is announced here instead.
const zoomAnnounce = h('span', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'zoom-announce' });
const zoomReset = h('button', { type: 'button', class: 'secondary small', 'data-testid': 'zoom-reset' }, 'Reset zoom');
const zoomBar = h('div', { class: 'zoom-bar' }, zoomNote, zoomReset);
zoomBar.hidden = true;
function setZoom(range: [number, number] | undefined): void {
  xRange = range;
  zoomedRun = store.activeRunId;
  zoomBar.hidden = range === undefined;
  const was = zoomNote.textContent;
  zoomNote.textContent = range ? `Zoomed to steps ${formatNumber(range[0], 4)}–${formatNumber(range[1], 4)}` : '';
  if (zoomNote.textContent !== was) zoomAnnounce.textContent = zoomNote.textContent || 'Zoom reset: all steps';
  dirty.charts = true;
  schedule();
}
stepZoom.request = (range, viaKeyboard) => {
  setZoom(range);
  // After a drag, Reset is the next thing wanted; from the keyboard the chart keeps the focus.
  if (range && !viaKeyboard) zoomReset.focus();
};
zoomReset.addEventListener('click', () => setZoom(undefined));
window.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && xRange) setZoom(undefined);
});
const content = h('main', { class: 'content' }, tabs.list, zoomBar, zoomAnnounce, trainingPanel, layersPanel, problemsPanel);
const empty = h(
  'div',
  { class: 'empty-state card' },
  h('h3', {}, 'No run yet'),
  h(
    'p',
    {},
    'Open an experiment file (',
    h('code', {}, '*.optim.json'),
    ') and run ',
    h('strong', {}, 'Optimizer Debugger: Run Optimization'),
    ' from the Command Palette. Without an open experiment file the command offers the built-in examples.',
  ),
);

const root = document.getElementById('root') ?? document.body.appendChild(h('div', { id: 'root' }));
root.replaceChildren(header.element, empty, content);
addPngButtons(
  content,
  (title, data) => {
    const run = store.active();
    post({ type: 'export', format: 'png', fileName: run ? exportName(run, title) : title, data });
  },
  () => theme,
);

// ---- rendering -----------------------------------------------------------------------------

let frame = 0;
let timer = 0;

function schedule(): void {
  if (frame || timer) return;
  frame = requestAnimationFrame(flush);
  // rAF pauses in background frames; the state hooks (step count, data-state) must still advance.
  timer = window.setTimeout(flush, 250);
}

function flush(): void {
  cancelAnimationFrame(frame);
  clearTimeout(timer);
  frame = timer = 0;
  try {
    render();
  } catch (e) {
    report(e);
  }
}

function render(): void {
  const run = store.active();
  document.body.dataset.state = run ? run.state : 'idle';
  const compare = store.compare();
  header.render(run, store.list(), Date.now(), compare);
  empty.hidden = run !== undefined;
  content.hidden = run === undefined;
  if (!run) {
    if (dirty.structure) for (const v of views) v.clear();
    dirty.structure = dirty.charts = dirty.diagnostics = false;
    return;
  }
  tabs.setVisible('layers', !run.isObjective);
  trajectory.element.hidden = !run.isObjective;
  tabs.show(ui.tab);
  cards.render(run);
  verdict.render(store.activeVerdict());
  if (dirty.diagnostics || dirty.structure) {
    const n = diagnostics.render(run.diagnostics, /\.optim\.json$/i.test(run.info.source));
    tabs.setLabel('problems', n > 0 ? `Problems (${n})` : 'Problems');
  }
  if (xRange && zoomedRun !== store.activeRunId) setZoom(undefined); // another run: its own extent
  if (dirty.charts || dirty.structure) {
    const ctx: RenderCtx = { theme, themeVersion, ui, setUi, compare, xRange };
    for (const v of views) v.render(run, ctx);
    renderMulti(run, ctx);
  }
  dirty.structure = dirty.charts = dirty.diagnostics = false;
}

function renderMulti(run: RunData, ctx: RenderCtx): void {
  landscape.element.hidden = !landscape.has(run);
  if (!landscape.element.hidden) landscape.render(run, ctx.theme);
  compareLoss.element.hidden = !compareLoss.has(run);
  if (!compareLoss.element.hidden) compareLoss.render(run, ctx);
  lrFind.element.hidden = !lrFind.has(run);
  if (!lrFind.element.hidden) lrFind.render(run, ctx);
  searchTable.element.hidden = !searchTable.has(run);
  if (!searchTable.element.hidden) searchTable.render(run);
  netLandscape.element.hidden = !netLandscape.has(run);
  if (!netLandscape.element.hidden) netLandscape.render(run, ctx.theme);
}

// ---- wiring --------------------------------------------------------------------------------

let reported = 0;
function report(e: unknown): void {
  // A broken chart must not flood the output channel.
  if (reported++ >= 5) return;
  const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  post({ type: 'log', level: 'error', message: `webview: ${message}` });
}

window.addEventListener('error', (e) => report(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => report(e.reason));

const KNOWN = new Set<HostToWebview['type']>(['reset', 'runStarted', 'metrics', 'diagnostics', 'runFinished', 'fixVerdict', 'landscapeStatus']);

window.addEventListener('message', (e: MessageEvent<HostToWebview>) => {
  const msg = e.data;
  if (!msg || typeof msg !== 'object' || !KNOWN.has(msg.type)) return;
  if (msg.type === 'landscapeStatus') {
    // Not run data: the view keeps it (the records themselves arrive as metrics probes).
    netLandscape.status(msg);
    dirty.charts = true;
    schedule();
    return;
  }
  const change = store.apply(msg);
  dirty.structure ||= change.structure;
  dirty.charts ||= change.metrics || change.structure || change.summary || change.compare;
  dirty.diagnostics ||= change.diagnostics || change.structure;
  // Header and step count always refresh (inactive runs change the run list labels).
  schedule();
});

watchTheme(() => {
  theme = readTheme();
  themeVersion++;
  dirty.charts = true;
  schedule();
});

// The live step rate decays when batches stop arriving: refresh the header while running.
window.setInterval(() => {
  if (store.active()?.state === 'running') schedule();
}, 1000);

render();
post({ type: 'ready' });
