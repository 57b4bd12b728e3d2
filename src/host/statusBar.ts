/**
 * The status bar item: backend, step rate and state of the current run; click shows the panel.
 */
import * as vscode from 'vscode';
import type { EngineEvent, RunInfo } from '../shared/protocol';
import { RateMeter, statusText, type StatusState } from './status';

export class RunStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly meter = new RateMeter();
  private info: RunInfo | undefined;
  private state: StatusState = 'idle';
  private lastRender = 0;

  constructor(showPanelCommand: string) {
    this.item = vscode.window.createStatusBarItem('optimizerDebugger.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Optimizer Debugger';
    this.item.command = showPanelCommand;
    // Hidden until it has something to say (see reveal): the extension also activates for any
    // JSON-with-comments file, and a tsconfig.json is no reason for an item in the status bar.
    this.render();
  }

  /** Show the item from now on (an experiment file is open, runs exist, or a run starts). */
  reveal(): void {
    this.item.show();
  }

  starting(): void {
    this.reveal();
    this.info = undefined;
    this.meter.reset();
    this.state = 'starting';
    this.render();
  }

  onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'started':
        this.reveal();
        this.info = e.info;
        this.meter.reset();
        this.state = 'running';
        this.render();
        break;
      case 'metrics': {
        const now = Date.now();
        this.meter.add(e.batch.steps.length, now);
        // The rate is read by people: four updates a second are plenty.
        if (now - this.lastRender > 250) this.render();
        break;
      }
      case 'finished':
        this.state = e.summary.reason;
        this.render(e.summary.message);
        break;
      case 'failed':
        this.reveal();
        this.state = 'failed';
        this.render(e.message);
        break;
      default:
        break;
    }
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(detail?: string): void {
    this.lastRender = Date.now();
    this.item.text = statusText({
      state: this.state,
      backendLabel: this.info?.backend.label,
      stepsPerSecond: this.meter.rate(),
    });
    const lines = ['Optimizer Debugger — click to show the training panel'];
    if (this.info) {
      lines.push(`Run: ${this.info.name}`, `Backend: ${this.info.backend.label} — ${this.info.backend.reason}`);
    }
    if (detail) lines.push(detail);
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor =
      this.state === 'crashed' || this.state === 'error' || this.state === 'failed'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : this.state === 'diverged'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }
}
