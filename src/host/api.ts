/**
 * What `activate()` returns: a small automation surface for the in-VS-Code test suite and for
 * other extensions. Everything here is read-only; runs are started and stopped via the commands
 * (`optimizerDebugger.run`, `optimizerDebugger.stop`) so tests exercise the same path as users.
 */
import type { BackendChoice, FixVerdict, RunSnapshot } from '../shared/protocol';

export interface PanelStats {
  /** The webview has said `ready` and is visible, so updates are being posted. */
  ready: boolean;
  /** Messages posted to the webview since activation (all kinds). */
  posted: number;
  /** Step records posted to the webview since activation (in `metrics` and `reset` messages). */
  stepsPosted: number;
  /** A panel exists and is visible. */
  visible: boolean;
  /** `reset` messages posted (one per `ready`). */
  resets: number;
}

export interface OptimizerDebuggerApi {
  /** The run store: the runs of this window (oldest first), the active or latest one last. */
  getRuns(): RunSnapshot[];
  panelStats(): PanelStats;
  /** Backend of the latest run (undefined before the first run has started). */
  backend(): BackendChoice | undefined;
  /** A run is in progress. */
  isRunning(): boolean;
  /** Id of the run in progress or, when idle, of the latest run. */
  activeRunId(): string | null;
  /** The verdict of the latest "apply fix and re-run" (undefined before the first). */
  lastVerdict(): FixVerdict | undefined;
}
