import * as assert from 'node:assert/strict';
import { MetricsCoalescer, type Timers } from '../../../src/host/coalescer';
import type { MetricsBatch } from '../../../src/shared/protocol';
import { steps } from './helpers';

/** Virtual clock: timers fire only when the test advances time. */
class FakeTimers implements Timers {
  t = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== h);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

const batch = (from: number, n: number): MetricsBatch => ({ steps: steps(from, n), epochs: [], histograms: [] });

describe('MetricsCoalescer', () => {
  it('posts at most once per interval whatever the step rate, losing nothing, in order', () => {
    const timers = new FakeTimers();
    const out: { t: number; runId: string; batch: MetricsBatch }[] = [];
    const c = new MetricsCoalescer(50, (runId, b) => out.push({ t: timers.t, runId, batch: b }), timers);
    // 10 000 steps/s for one second, one step per push.
    for (let i = 0; i < 10_000; i++) {
      c.push('a', batch(i, 1));
      timers.advance(0.1);
    }
    timers.advance(100);
    assert.ok(out.length <= 1000 / 50 + 2, `posts: ${out.length}`);
    assert.ok(out.length >= 15, `still live: ${out.length} posts`);
    for (let i = 1; i < out.length; i++) assert.ok(out[i].t - out[i - 1].t >= 50 - 1e-9, 'spacing ≥ interval');
    const all = out.flatMap((o) => o.batch.steps.map((s) => s.step));
    assert.equal(all.length, 10_000);
    all.forEach((s, i) => assert.equal(s, i));
  });

  it('keeps runs apart and flushes on demand', () => {
    const timers = new FakeTimers();
    const out: [string, number][] = [];
    const c = new MetricsCoalescer(50, (runId, b) => out.push([runId, b.steps.length]), timers);
    c.push('a', batch(0, 2));
    c.push('b', batch(0, 3));
    c.push('a', batch(2, 1));
    assert.equal(out.length, 0, 'nothing is posted synchronously');
    c.flush();
    assert.deepEqual(out, [['a', 3], ['b', 3]]);
    timers.advance(1000);
    assert.equal(out.length, 2, 'the timer was cancelled by the flush');
  });

  it('clear drops what is pending', () => {
    const timers = new FakeTimers();
    let posts = 0;
    const c = new MetricsCoalescer(50, () => posts++, timers);
    c.push('a', batch(0, 5));
    assert.equal(c.hasPending, true);
    c.clear();
    timers.advance(200);
    assert.equal(posts, 0);
    assert.equal(c.hasPending, false);
  });
});
