/**
 * The panel pipeline under a fast run, on a simulated clock (deterministic, and 1,000 s of run
 * time take a few seconds): the engine's Coalescer → the host's MetricsCoalescer and RunStore →
 * the webview's Store, at 1,000 steps/s. Counts webview messages per second and the points each
 * stage retains per series at the end.
 */
import { Coalescer } from '../src/engine/coalescer';
import { MetricsCoalescer, type Timers } from '../src/host/coalescer';
import { RunStore } from '../src/host/runStore';
import type { RunInfo, StepRecord } from '../src/shared/protocol';
import { Store } from '../webview/store';

export interface PanelResult {
  steps: number;
  simulatedSeconds: number;
  webviewMessagesPerSecond: number;
  hostRetained: number;
  webviewRetained: number;
  heapGrowthMB: number;
}

/** setTimeout on a clock we advance by hand. */
class FakeClock implements Timers {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  advanceTo(t: number): void {
    this.t = t;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
  }
}

export function panelPipeline(stepsPerSecond = 1000, seconds = 1000): PanelResult {
  const clock = new FakeClock();
  const info: RunInfo = {
    runId: 'r',
    name: 'bench',
    source: 'bench',
    kind: 'network',
    optimizer: 'adam',
    backend: { name: 'wasm', label: 'wasm', reason: '' },
    paramCount: 1000,
    totalSteps: stepsPerSecond * seconds,
    layers: ['dense1', 'dense2', 'dense3'],
    startedAt: 0,
  };
  const store = new RunStore({ maxRuns: 10 });
  store.begin(info);
  const webview = new Store(() => clock.t);
  webview.apply({ type: 'runStarted', info });
  let messages = 0;
  const host = new MetricsCoalescer(50, (runId, batch) => {
    messages++;
    webview.apply({ type: 'metrics', runId, batch });
  }, clock);
  const engine = new Coalescer(50, (batch) => {
    store.appendMetrics('r', batch);
    host.push('r', batch);
  }, clock.now);
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const total = stepsPerSecond * seconds;
  for (let step = 0; step < total; step++) {
    clock.advanceTo((step * 1000) / stepsPerSecond);
    const rec: StepRecord = {
      step,
      epoch: Math.floor(step / 1000),
      loss: 1 / (1 + step),
      lr: 1e-3,
      gradNorm: 1,
      layerGradNorms: [1, 1, 1],
      updateRatios: [1e-3, 1e-3, 1e-3],
    };
    engine.step(rec);
  }
  engine.flush();
  clock.advanceTo(clock.t + 1000);
  host.flush();
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  return {
    steps: total,
    simulatedSeconds: seconds,
    webviewMessagesPerSecond: messages / seconds,
    hostRetained: store.get('r')?.metrics.steps.length ?? 0,
    webviewRetained: webview.get('r')?.loss.length ?? 0,
    heapGrowthMB: (heap1 - heap0) / 2 ** 20,
  };
}
