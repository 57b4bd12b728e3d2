import type { RunData } from '../store';
import type { Theme } from '../theme';
import type { UiState } from '../vscode';

/** What every view needs to draw: current theme (and its version, bumped on theme change) and UI state. */
export interface RenderCtx {
  theme: Theme;
  themeVersion: number;
  ui: UiState;
  /** Persists a UI change and schedules a redraw. */
  setUi: (patch: Partial<UiState>) => void;
  /** A run overlaid on the active one (dashed): the run before a fix, or one the user picked. */
  compare?: RunData;
  /** Step range the step charts are zoomed to (drag across a chart); undefined: the whole run. */
  xRange?: readonly [number, number];
}
