/**
 * The training panel: one webview, created on demand or revived after a reload by the
 * serializer. Nothing is posted before the webview says `ready`, nor while it is hidden (with
 * retainContextWhenHidden off a hidden webview is torn down and says `ready` again when shown,
 * and then gets a fresh `reset`). Metrics are coalesced to at most one message per ~50 ms.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { EngineEvent, FixVerdict, HostToWebview, MetricsBatch, WebviewToHost } from '../shared/protocol';
import type { PanelStats } from './api';
import { MetricsCoalescer } from './coalescer';
import { buildPanelHtml, makeNonce } from './html';
import { isWebviewToHost } from './messages';
import type { RunStore } from './runStore';

export const PANEL_VIEW_TYPE = 'optimizerDebugger.panel';

export interface TrainingPanelDeps {
  extensionUri: vscode.Uri;
  store: RunStore;
  onMessage: (m: WebviewToHost) => void;
  log: vscode.LogOutputChannel;
  coalesceMs?: number;
}

export class TrainingPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  private readonly coalescer: MetricsCoalescer;
  private readonly stats = { posted: 0, stepsPosted: 0, resets: 0 };
  /** Re-sent after every `reset`, so a reloaded panel still overlays the fix's two runs. */
  private verdict: FixVerdict | undefined;

  constructor(private readonly deps: TrainingPanelDeps) {
    this.coalescer = new MetricsCoalescer(deps.coalesceMs ?? 50, (runId, batch) => this.postMetrics(runId, batch));
  }

  /** Show the panel, creating it beside the editor if there is none. */
  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Optimizer Debugger',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [this.webviewRoot()] },
    );
    this.adopt(panel);
  }

  /** Take over a panel restored by VS Code after a window reload. */
  revive(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.webviewRoot()] };
    this.adopt(panel);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  panelStats(): PanelStats {
    return {
      ready: this.ready,
      posted: this.stats.posted,
      stepsPosted: this.stats.stepsPosted,
      visible: this.panel?.visible ?? false,
      resets: this.stats.resets,
    };
  }

  /** Forward one event of the run controller's normalized stream. */
  onEngineEvent(e: EngineEvent): void {
    if (!this.canPost()) return; // the next `reset` carries everything from the store
    switch (e.type) {
      case 'started':
        this.coalescer.flush();
        this.post({ type: 'runStarted', info: e.info });
        break;
      case 'metrics':
        this.coalescer.push(e.runId, e.batch);
        break;
      case 'diagnostics':
        this.coalescer.flush();
        this.post({ type: 'diagnostics', runId: e.runId, diagnostics: e.diagnostics });
        break;
      case 'finished':
        this.coalescer.flush();
        this.post({ type: 'runFinished', runId: e.runId, summary: e.summary });
        break;
      case 'log':
      case 'failed':
        break;
    }
  }

  /** Post a message that is not a run event (loss-landscape status); dropped while the panel cannot take it. */
  postIfReady(msg: HostToWebview): void {
    if (this.canPost()) this.post(msg);
  }

  /** Overlay the runs before and after a fix, with the verdict; shows the panel. */
  showVerdict(v: FixVerdict): void {
    this.verdict = v;
    if (this.canPost()) this.post({ type: 'fixVerdict', verdict: v });
    else this.show(true);
  }

  dispose(): void {
    this.coalescer.dispose();
    this.panel?.dispose();
    this.detach();
  }

  private webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview');
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.detach();
    this.panel = panel;
    this.ready = false;
    const root = this.webviewRoot();
    const webview = panel.webview;
    const styleFile = vscode.Uri.joinPath(root, 'main.css');
    // Set once per panel: replacing the HTML later would wipe the charts.
    webview.html = buildPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: fs.existsSync(styleFile.fsPath) ? webview.asWebviewUri(styleFile).toString() : undefined,
      nonce: makeNonce(),
    });
    this.panelDisposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) {
          // Torn down while hidden: wait for its next `ready`.
          this.ready = false;
          this.coalescer.clear();
        }
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.ready = false;
          this.coalescer.clear();
          this.detach();
        }
      }),
    );
  }

  private detach(): void {
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
  }

  private onMessage(m: unknown): void {
    if (!isWebviewToHost(m)) {
      this.deps.log.warn('Ignored an unexpected message from the training panel.');
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      this.sendReset();
      return;
    }
    this.deps.onMessage(m);
  }

  private sendReset(): void {
    this.coalescer.clear(); // the reset already holds whatever was pending
    this.post({ type: 'reset', runs: this.deps.store.snapshots(), activeRunId: this.deps.store.activeRunId });
    this.stats.resets++;
    const v = this.verdict;
    if (v && this.deps.store.get(v.beforeRunId) && this.deps.store.get(v.afterRunId)) this.post({ type: 'fixVerdict', verdict: v });
  }

  private canPost(): boolean {
    return this.panel !== undefined && this.ready && this.panel.visible;
  }

  private postMetrics(runId: string, batch: MetricsBatch): void {
    if (this.canPost()) this.post({ type: 'metrics', runId, batch });
  }

  private post(msg: HostToWebview): void {
    const panel = this.panel;
    if (!panel) return;
    this.stats.posted++;
    this.stats.stepsPosted += countSteps(msg);
    panel.webview.postMessage(msg).then(undefined, (err: unknown) => {
      this.deps.log.warn(`Posting to the training panel failed: ${String(err)}`);
    });
  }
}

function countSteps(msg: HostToWebview): number {
  if (msg.type === 'metrics') return msg.batch.steps.length;
  if (msg.type === 'reset') return msg.runs.reduce((n, r) => n + r.metrics.steps.length, 0);
  return 0;
}
