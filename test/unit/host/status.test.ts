import * as assert from 'node:assert/strict';
import { RateMeter, formatCount, statusText } from '../../../src/host/status';

describe('status bar text', () => {
  it('shows backend, rate and state while running', () => {
    assert.equal(statusText({ state: 'running', backendLabel: 'WASM', stepsPerSecond: 1234.4 }), '$(pulse) WASM · 1,234 steps/s · running');
    assert.equal(statusText({ state: 'running', backendLabel: 'cpu' }), '$(pulse) cpu · running');
  });
  it('shows how a run ended', () => {
    assert.equal(statusText({ state: 'completed', backendLabel: 'WASM', stepsPerSecond: 10 }), '$(check) WASM · finished');
    assert.equal(statusText({ state: 'stopped', backendLabel: 'cpu' }), '$(debug-stop) cpu · stopped');
    assert.equal(statusText({ state: 'crashed', backendLabel: 'cpu' }), '$(error) cpu · crashed');
    assert.equal(statusText({ state: 'idle' }), '$(graph-line) Optimizer Debugger');
  });
  it('groups thousands', () => {
    assert.equal(formatCount(1234567.8), '1,234,568');
  });
});

describe('RateMeter', () => {
  it('measures steps per second over its window', () => {
    const m = new RateMeter(1000);
    assert.equal(m.rate(), undefined);
    for (let t = 0; t <= 3000; t += 50) m.add(50, t); // 1000 steps/s
    assert.ok(Math.abs(m.rate()! - 1000) < 1e-6, `${m.rate()}`);
    for (let t = 3050; t <= 5000; t += 50) m.add(5, t); // slows down to 100 steps/s
    assert.ok(Math.abs(m.rate()! - 100) < 1e-6, `${m.rate()}`);
    m.reset();
    assert.equal(m.rate(), undefined);
  });
});
