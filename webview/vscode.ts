/** The VS Code webview API and the small UI state saved across reloads (never run data). */
import type { WebviewToHost } from '../src/shared/protocol';

export type TabId = 'training' | 'layers' | 'problems';

export interface UiState {
  logScale: boolean;
  gradLogScale: boolean;
  /** EMA weight 0..0.99 for the train-loss curve. */
  smoothing: number;
  /** Hidden layer whose histograms are shown. */
  layer: number;
  histKind: 'pre' | 'act';
  tab: TabId;
  /** Dense layer whose weight matrix is shown. */
  weightsLayer: number;
  /** Index of the weight snapshot shown; -1 follows the latest. */
  weightsSnapshot: number;
}

export const DEFAULT_UI: UiState = {
  logScale: false,
  gradLogScale: true,
  smoothing: 0.6,
  layer: 0,
  histKind: 'act',
  tab: 'training',
  weightsLayer: 0,
  weightsSnapshot: -1,
};

const api = acquireVsCodeApi<{ ui?: Partial<UiState> }>();

export function post(msg: WebviewToHost): void {
  api.postMessage(msg);
}

export function loadUi(): UiState {
  const saved = api.getState()?.ui ?? {};
  const ui = { ...DEFAULT_UI, ...saved };
  // Saved state may come from an older build of the panel: keep only values that still make sense.
  if (typeof ui.smoothing !== 'number' || !(ui.smoothing >= 0 && ui.smoothing <= 0.99)) ui.smoothing = DEFAULT_UI.smoothing;
  if (!['training', 'layers', 'problems'].includes(ui.tab)) ui.tab = DEFAULT_UI.tab;
  if (ui.histKind !== 'pre' && ui.histKind !== 'act') ui.histKind = DEFAULT_UI.histKind;
  if (!Number.isInteger(ui.layer) || ui.layer < 0) ui.layer = 0;
  if (!Number.isInteger(ui.weightsLayer) || ui.weightsLayer < 0) ui.weightsLayer = 0;
  if (!Number.isInteger(ui.weightsSnapshot) || ui.weightsSnapshot < -1) ui.weightsSnapshot = -1;
  ui.logScale = Boolean(ui.logScale);
  ui.gradLogScale = Boolean(ui.gradLogScale);
  return ui;
}

export function saveUi(ui: UiState): void {
  api.setState({ ui });
}
