/**
 * Faults of custom model modules, end to end: a real module file, the real training worker
 * (`dist/worker.js`), the host's RunController and RunStore. The module throws, calls
 * `process.exit`, or loops forever part-way through training; each time the host survives, the
 * store keeps the steps received so far, the run is marked with what happened, and the same
 * controller then runs a healthy module to completion.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RunController } from '../../src/host/runController';
import { RunStore } from '../../src/host/runStore';
import { parseExperiment } from '../../src/engine/spec/parse';
import { repoRoot } from './hooks';
import { record } from './report';

const realWorker = path.join(repoRoot, 'dist', 'worker.js');

/** A linear softmax classifier with a hand-written gradient that misbehaves `afterMs` after its first call. */
function moduleSource(fault: string): string {
  return `'use strict';
let t0;
function probs(P, x) {
  return x.map((xi) => {
    const z = [0, 1].map((k) => P.b[k] + xi[0] * P.W[k] + xi[1] * P.W[2 + k]);
    const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e[0] + e[1];
    return e.map((v) => v / s);
  });
}
module.exports = {
  params: { W: { shape: [2, 2], init: 'glorot' }, b: [2] },
  loss(P, x, y) {
    t0 ??= Date.now();
    if (Date.now() - t0 > 400) { ${fault} }
    const p = probs(P, x);
    return p.reduce((l, pi, i) => l - Math.log(pi[y[i]]), 0) / x.length;
  },
  gradient(P, x, y) {
    const p = probs(P, x), W = [0, 0, 0, 0], b = [0, 0], n = x.length;
    p.forEach((pi, i) => [0, 1].forEach((k) => {
      const dz = (pi[k] - (y[i] === k ? 1 : 0)) / n;
      b[k] += dz; W[k] += x[i][0] * dz; W[2 + k] += x[i][1] * dz;
    }));
    return { W, b };
  },
};`;
}

describe('robustness: custom model module faults (real worker)', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'optdbg-module-faults-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const experiment = (file: string) => {
    const p = parseExperiment(JSON.stringify({
      name: `module ${file}`,
      data: { synthetic: 'xor', samples: 200 },
      model: { module: `./${file}` },
      optimizer: { name: 'sgd', learningRate: 0.1 },
      training: { epochs: 100_000, batchSize: 20, gradientCheck: false },
    }));
    assert.ok(p.experiment, JSON.stringify(p.issues));
    return p.experiment;
  };

  it('throw, process.exit and an endless loop mid-run: host survives, data kept, run marked', async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ['throws', 'throw new RangeError("my index is off by one")', 'error', /^\.\/throws\.js: loss\(\) threw: my index is off by one$/],
      ['exits', 'process.exit(3)', 'crashed', /exited \(code 3\)/],
      ['loops', 'for (;;) {}', 'crashed', /sent nothing for .* during training and was terminated \(watchdog/],
    ];
    const store = new RunStore({ maxRuns: 10 });
    // A short watchdog so the endless loop is cut after ~1.5 s instead of a minute.
    const controller = new RunController({ workerPath: realWorker, store, watchdog: { setupMs: 60_000, stallMs: 1_500, factor: 10 } });
    let held = 0;
    const notes: string[] = [];
    for (const [name, fault, reason, want] of cases) {
      writeFileSync(path.join(dir, `${name}.js`), moduleSource(fault));
      const t0 = performance.now();
      const out = await controller.run({ experiment: experiment(`${name}.js`), source: name, baseDir: dir, backend: 'cpu', nodeModulesPaths: [] });
      const ms = performance.now() - t0;
      assert.equal(out.summary?.reason, reason, `${name}: ${JSON.stringify(out.summary)}`);
      assert.match(out.summary?.message ?? '', want, name);
      assert.doesNotMatch(out.summary?.message ?? '', /\n\s+at /, `${name}: no stack in the message`);
      const snap = store.get(out.runId);
      assert.ok(snap && snap.metrics.steps.length > 0, `${name}: the steps before the fault are kept`);
      assert.equal(snap.summary?.reason, reason);
      assert.equal(controller.isRunning, false);
      notes.push(`${name} → ${reason} after ${(ms / 1000).toFixed(1)} s, ${snap.metrics.steps.length} steps kept`);
      held++;
    }
    // The host is still usable: a healthy module runs to completion on the same controller.
    writeFileSync(path.join(dir, 'fine.js'), moduleSource(''));
    const healthy = { ...experiment('fine.js'), training: { ...experiment('fine.js').training, epochs: 20 } };
    const ok = await controller.run({ experiment: healthy, source: 'fine', baseDir: dir, backend: 'cpu', nodeModulesPaths: [] });
    assert.equal(ok.summary?.reason, 'completed', JSON.stringify(ok.summary));
    record('faults', 'model module throws/process.exit/endless loop (real worker)', cases.length, held, notes.join('; '));
  });
});
