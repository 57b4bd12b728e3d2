/**
 * `histogram`: activation distributions of one hidden layer over time as a heat map, the latest
 * distribution as a bar chart beside it (`histogram-current`), and the layer's dead/saturated
 * fractions as text. Layer and pre-activation/activation are chosen by the user (saved state).
 */
import type { Chart as ChartT } from 'chart.js';
import { formatNumber, formatPercent } from '../format';
import { buildHeatMap, type HeatMap } from '../heatmapBins';
import type { RunData } from '../store';
import { withAlpha } from '../theme';
import { section, select, setOptions } from '../ui/controls';
import { h, setText } from '../ui/dom';
import type { UiState } from '../vscode';
import type { RenderCtx } from './context';
import { HeatmapCanvas } from './heatmapCanvas';
import { layerName } from './layerCharts';
import { axis, Chart, chartBox, setPoints } from './setup';

const BINS = 48;

export class HistogramView {
  readonly element: HTMLElement;
  private readonly heat = new HeatmapCanvas('Activation distribution of the selected layer over steps');
  private readonly heatBox: HTMLDivElement;
  private readonly bar = chartBox('histogram-current', 'Latest activation distribution of the selected layer');
  private barChart: ChartT<'bar', number[], string> | undefined;
  private readonly layerSel: ReturnType<typeof select>;
  private readonly kindSel: ReturnType<typeof select>;
  private readonly stats = h('p', { class: 'hist-stats', 'aria-live': 'polite' });
  /** Heat maps are rebuilt only when their input changed. */
  private cacheKey = '';
  private cached: HeatMap | undefined;
  private drawnThemeVersion = -1;

  constructor(ui: UiState, setUi: (p: Partial<UiState>) => void) {
    this.layerSel = select('Layer', (v) => setUi({ layer: Number(v) }));
    this.kindSel = select('Values', (v) => setUi({ histKind: v === 'pre' ? 'pre' : 'act' }));
    setOptions(this.kindSel.input, [{ value: 'act', label: 'activation' }, { value: 'pre', label: 'pre-activation' }], ui.histKind);
    this.heatBox = h('div', { class: 'chart-box heatmap', 'data-chart': 'histogram', 'data-points': '0' }, this.heat.canvas);
    this.element = section(
      'Activation histograms',
      [this.layerSel.root, this.kindSel.root],
      h('div', { class: 'hist-row' }, this.heatBox, this.bar.box),
      this.stats,
    );
    this.element.classList.add('wide');
  }

  render(run: RunData, ctx: RenderCtx): void {
    const { ui, theme } = ctx;
    const layers = run.histogramLayers();
    const layer = layers.includes(ui.layer) ? ui.layer : (layers[0] ?? 0);
    setOptions(
      this.layerSel.input,
      layers.map((l) => ({ value: String(l), label: layerName(run, l) })),
      String(layer),
    );
    this.layerSel.input.disabled = layers.length === 0;
    if (this.kindSel.input.value !== ui.histKind) this.kindSel.input.value = ui.histKind;

    const records = run.histograms.filter((r) => r.layer === layer);
    const key = `${run.info.runId}|${layer}|${ui.histKind}|${records.length}`;
    if (key !== this.cacheKey) {
      this.cached = buildHeatMap(
        records.map((r) => ({ step: r.step, hist: ui.histKind === 'pre' ? r.pre : r.act })),
        BINS,
      );
      this.cacheKey = key;
      this.heat.show(this.cached, theme);
    } else if (ctx.themeVersion !== this.drawnThemeVersion) {
      this.heat.show(this.cached, theme);
    }
    this.drawnThemeVersion = ctx.themeVersion;
    setPoints(this.heatBox, this.cached?.columns.length ?? 0);

    const latest = records[records.length - 1];
    this.renderBar(latest ? (ui.histKind === 'pre' ? latest.pre : latest.act) : undefined, ctx);
    setText(
      this.stats,
      latest
        ? `${layerName(run, layer)} at step ${latest.step}: dead units ${formatPercent(latest.deadFraction)}, saturated units ${formatPercent(latest.saturatedFraction)}`
        : layers.length === 0
          ? 'No histograms yet (they are collected every few steps for hidden layers).'
          : '',
    );
  }

  private renderBar(hist: { min: number; max: number; counts: number[] } | undefined, ctx: RenderCtx): void {
    const { theme } = ctx;
    const counts = hist?.counts ?? [];
    const width = hist && counts.length ? (hist.max - hist.min) / counts.length : 0;
    const labels = counts.map((_, i) => formatNumber(hist ? hist.min + (i + 0.5) * width : 0, 3));
    const dataset = {
      label: 'units',
      data: counts,
      backgroundColor: withAlpha(theme.kind === 'light' ? theme.blue : theme.orange, 0.75),
      borderWidth: 0,
      barPercentage: 1,
      categoryPercentage: 1,
    };
    const font = { family: theme.fontFamily, size: theme.fontSize };
    const options = {
      animation: false as const,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { titleFont: font, bodyFont: font } },
      scales: {
        x: { type: 'category' as const, ticks: { color: theme.foreground, font, maxTicksLimit: 5, maxRotation: 0 }, grid: { display: false }, title: { display: true, text: 'value', color: theme.muted, font } },
        y: { ...axis(theme, 'linear', 'count'), beginAtZero: true },
      },
    };
    if (!this.barChart) {
      this.barChart = new Chart(this.bar.canvas, { type: 'bar', data: { labels, datasets: [dataset] }, options }) as ChartT<'bar', number[], string>;
    } else {
      this.barChart.options = options as typeof this.barChart.options;
      this.barChart.data.labels = labels;
      this.barChart.data.datasets = [dataset];
      this.barChart.update('none');
    }
    setPoints(this.bar.box, counts.length);
  }

  clear(): void {
    this.barChart?.destroy();
    this.barChart = undefined;
    this.cacheKey = '';
    this.cached = undefined;
    this.heat.clear();
    setPoints(this.heatBox, 0);
    setPoints(this.bar.box, 0);
  }
}
