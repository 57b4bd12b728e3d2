/**
 * Status bar wording and the step-rate meter behind it. vscode-free so the formatting is tested.
 */
import type { RunEndReason } from '../shared/protocol';

export type StatusState = 'idle' | 'starting' | 'running' | RunEndReason | 'failed';

export interface StatusView {
  state: StatusState;
  backendLabel?: string;
  stepsPerSecond?: number;
}

const icons: Record<StatusState, string> = {
  idle: '$(graph-line)',
  starting: '$(loading~spin)',
  running: '$(pulse)',
  completed: '$(check)',
  stopped: '$(debug-stop)',
  diverged: '$(warning)',
  crashed: '$(error)',
  error: '$(error)',
  failed: '$(error)',
};

const words: Record<StatusState, string> = {
  idle: 'Optimizer Debugger',
  starting: 'starting',
  running: 'running',
  completed: 'finished',
  stopped: 'stopped',
  diverged: 'diverged',
  crashed: 'crashed',
  error: 'error',
  failed: 'failed',
};

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `$(pulse) WASM · 1,234 steps/s · running`, `$(check) WASM · finished`, `$(graph-line) Optimizer Debugger`. */
export function statusText(v: StatusView): string {
  const parts: string[] = [];
  if (v.state !== 'idle' && v.backendLabel) parts.push(v.backendLabel);
  if (v.state === 'running' && v.stepsPerSecond !== undefined) parts.push(`${formatCount(v.stepsPerSecond)} steps/s`);
  parts.push(words[v.state]);
  return `${icons[v.state]} ${parts.join(' · ')}`;
}

/** Steps per second over a sliding window of recent arrivals. */
export class RateMeter {
  private samples: { t: number; steps: number }[] = [];

  constructor(private readonly windowMs = 2000) {}

  add(steps: number, t: number): void {
    this.samples.push({ t, steps });
    while (this.samples.length > 2 && this.samples[0].t < t - this.windowMs) this.samples.shift();
  }

  /** Undefined until two samples span some time. */
  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const dt = last.t - first.t;
    if (dt <= 0) return undefined;
    let steps = 0;
    for (let i = 1; i < this.samples.length; i++) steps += this.samples[i].steps;
    return (steps * 1000) / dt;
  }

  reset(): void {
    this.samples = [];
  }
}
