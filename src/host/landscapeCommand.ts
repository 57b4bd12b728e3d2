/**
 * "Optimizer Debugger: Show Loss Landscape" (and the panel's button): compute a network run's
 * loss along θ₀ → θ and on a filter-normalized random plane around θ, from the weights the run
 * kept, with cancellable progress in a notification and in the panel. The records are appended
 * to the run's data (so they are saved with it and survive a reload) and drawn by the panel.
 */
import * as vscode from 'vscode';
import type { HostToWebview, MetricsBatch } from '../shared/protocol';
import { landscapeSummary, type NetLandscapes } from './netLandscapes';
import type { RunStore } from './runStore';

export interface LandscapeCommandDeps {
  landscapes: NetLandscapes;
  store: RunStore;
  log: vscode.LogOutputChannel;
  /** Post to the panel (no-op when it is closed) and forward a metrics batch of a run. */
  post: (m: HostToWebview) => void;
  metrics: (runId: string, batch: MetricsBatch) => void;
  showPanel: () => void;
}

export type LandscapeCommandResult = ReturnType<typeof landscapeSummary> & { runId: string } | { runId?: string; error: string } | { runId: string; cancelled: true };

/** Which run: the argument (a runId), else the panel's active run, else the newest run with kept weights. */
function pickRun(deps: LandscapeCommandDeps, arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.length > 0) return arg;
  const active = deps.store.activeRunId;
  if (active && deps.landscapes.has(active)) return active;
  const ids = deps.landscapes.runIds();
  return ids.length ? ids[ids.length - 1] : active ?? undefined;
}

export async function showLandscape(deps: LandscapeCommandDeps, arg?: unknown): Promise<LandscapeCommandResult> {
  const runId = pickRun(deps, arg);
  if (!runId) {
    void vscode.window.showInformationMessage('Optimizer Debugger: run a network experiment first; its loss landscape is computed from the weights it ends with.');
    return { error: 'no run' };
  }
  const snap = deps.store.get(runId);
  if (snap && snap.info.kind !== 'network') {
    void vscode.window.showInformationMessage('Optimizer Debugger: this run optimizes a 2-D function: its landscape is already in the panel.');
    return { runId, error: 'not a network run' };
  }
  deps.showPanel();
  deps.post({ type: 'landscapeStatus', runId, state: 'running', done: 0, total: 0 });
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Optimizer Debugger: loss landscape', cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => void deps.landscapes.cancel());
      let shown = 0;
      return deps.landscapes.compute(runId, {
        onProgress: (done, total) => {
          const pct = (100 * done) / total;
          progress.report({ message: `${done}/${total} points`, increment: pct - shown });
          shown = pct;
          deps.post({ type: 'landscapeStatus', runId, state: 'running', done, total });
        },
        onLog: (level, m) => deps.log[level](`[landscape] ${m}`),
      });
    },
  );
  switch (outcome.kind) {
    case 'done': {
      const batch: MetricsBatch = { steps: [], epochs: [], histograms: [], probes: outcome.records };
      deps.store.appendMetrics(runId, batch);
      void deps.store.persist().catch(() => undefined);
      deps.metrics(runId, batch);
      deps.post({ type: 'landscapeStatus', runId, state: 'done' });
      const s = landscapeSummary(outcome.records);
      deps.log.info(`Loss landscape of ${runId}: line ${s.line.length} points, plane min ${s.planeMin} max ${s.planeMax}`);
      return { runId, ...s };
    }
    case 'cancelled':
      deps.post({ type: 'landscapeStatus', runId, state: 'cancelled', message: 'Cancelled.' });
      return { runId, cancelled: true };
    default:
      deps.post({ type: 'landscapeStatus', runId, state: 'failed', message: outcome.message });
      if (outcome.kind === 'failed') deps.log.error(`Loss landscape of ${runId} failed: ${outcome.message}`);
      void vscode.window.showWarningMessage(`Optimizer Debugger: ${outcome.message}`);
      return { runId, error: outcome.message };
  }
}
