import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { examplesDir } from '../../../src/engine/examples';
import { applyFix } from '../../../src/host/fixEdits';
import { usesCustomModule } from '../../../src/host/trust';
import { runExperiment } from '../../../src/engine/run';
import { parseExperiment } from '../../../src/engine/spec/parse';
import { tf } from '../../../src/engine/tf';
import type { Experiment } from '../../../src/shared/experiment';
import type { Diagnosis, EngineEvent, GradientCheckRecord, RunSummary } from '../../../src/shared/protocol';

/**
 * Custom model modules end to end through `runExperiment`: loading and set-up errors (located at
 * /model/module), the three kinds of module (hand-written gradient, finite differences, tfjs
 * autodiff), the gradient check and `incorrect-gradient`, errors mid-run, fresh `require`.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-module-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  fs.writeFileSync(path.join(tmp, name), text);
  return `./${name}`;
}

interface Outcome {
  summary: RunSummary;
  events: EngineEvent[];
  failed?: Extract<EngineEvent, { type: 'failed' }>;
  diagnostics: Diagnosis[];
  checks: GradientCheckRecord[];
  warnings: string[];
  leaked: number;
}

function experiment(module: string, extra: { training?: object; data?: object; optimizer?: object } = {}): Experiment {
  const text = JSON.stringify({
    name: 'module test',
    seed: 3,
    data: { synthetic: 'xor', samples: 200, noise: 0.1, validation: 0.2, ...extra.data },
    model: { module },
    optimizer: { name: 'adam', learningRate: 0.02, ...extra.optimizer },
    training: { epochs: 5, batchSize: 40, ...extra.training },
  });
  const p = parseExperiment(text);
  assert.deepEqual(p.issues, []);
  assert.ok(p.experiment);
  return p.experiment;
}

async function run(exp: Experiment, baseDir = tmp): Promise<Outcome> {
  await tf.ready();
  const before = tf.memory().numTensors;
  const events: EngineEvent[] = [];
  const summary = await runExperiment(exp, { runId: 't', source: 'test', baseDir, backend: 'cpu', shouldStop: () => false, emit: (e) => events.push(e), flushMs: 0 });
  const leaked = tf.memory().numTensors - before;
  let diagnostics: Diagnosis[] = [];
  const checks: GradientCheckRecord[] = [];
  const warnings: string[] = [];
  let failed: Outcome['failed'];
  for (const e of events) {
    if (e.type === 'diagnostics') diagnostics = e.diagnostics;
    if (e.type === 'failed') failed = e;
    if (e.type === 'log' && e.level === 'warn') warnings.push(e.message);
    if (e.type === 'metrics') for (const p of e.batch.probes ?? []) if (p.kind === 'gradientCheck') checks.push(p);
  }
  return { summary, events, failed, diagnostics, checks, warnings, leaked };
}

/** A linear softmax classifier, with a switch for a bug in its hand-written gradient. */
function linearModule(opts: { gradient?: 'correct' | 'double-b' | 'none'; extra?: string } = {}): string {
  const g = opts.gradient ?? 'correct';
  return `
'use strict';
function probs(P, x) {
  const K = P.b.length, D = x[0].length;
  return x.map((xi) => {
    const z = []; let m = -Infinity;
    for (let k = 0; k < K; k++) { let a = P.b[k]; for (let d = 0; d < D; d++) a += xi[d] * P.W[d * K + k]; z.push(a); m = Math.max(m, a); }
    const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}
module.exports = {
  params: (info) => ({ W: { shape: [info.features, info.outputs], init: 'normal', scale: 10 }, b: [info.outputs] }),
  loss(P, x, y) { ${opts.extra ?? ''}
    const p = probs(P, x); let l = 0; for (let i = 0; i < x.length; i++) l -= Math.log(p[i][y[i]]); return l / x.length; },
  ${g === 'none' ? '' : `gradient(P, x, y) {
    const p = probs(P, x), K = P.b.length, D = x[0].length, n = x.length;
    const W = new Array(D * K).fill(0), b = new Float32Array(K);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) {
      const dz = (p[i][k] - (y[i] === k ? 1 : 0)) / n;
      b[k] += ${g === 'double-b' ? '2 * ' : ''}dz;
      for (let d = 0; d < D; d++) W[d * K + k] += x[i][d] * dz;
    }
    return { W, b };
  },`}
  predict(P, x) { return probs(P, x); },
};`;
}

describe('custom model modules', function () {
  this.timeout(120_000);

  describe('validation', () => {
    it('accepts "module" and warns that the MLP fields are ignored', () => {
      const p = parseExperiment('{"data":{"synthetic":"xor"},"model":{"module":"./m.js","layers":[{"units":4,"activation":"relu"}]}}');
      assert.equal(p.experiment?.kind === 'network' && p.experiment.model.module, './m.js');
      assert.deepEqual(p.issues.map((i) => [i.path, i.severity]), [['/model/layers', 'warning']]);
      assert.match(p.issues[0].message, /ignored: the model module/);
    });

    it('rejects a module that is not a non-empty string, at /model/module', () => {
      for (const bad of ['""', '"  "', '3', 'false', '["m.js"]']) {
        const p = parseExperiment(`{"data":{"synthetic":"xor"},"model":{"module":${bad}}}`);
        assert.equal(p.experiment, undefined, bad);
        assert.deepEqual(p.issues.filter((i) => i.severity === 'error').map((i) => i.path), ['/model/module'], bad);
      }
    });
  });

  it('the incorrect-gradient quick fix ("module": null) gives a valid file with the built-in model, trusted anywhere', async () => {
    const out = await run(experiment(write('quickfix-bug.js', linearModule({ gradient: 'double-b' }))));
    const d = out.diagnostics.find((x) => x.code === 'incorrect-gradient');
    assert.ok(d && d.fixes.length > 0);
    const text = '{\n  "data": { "synthetic": "xor" },\n  "model": { "module": "./quickfix-bug.js" }\n}\n';
    const fixed = applyFix(text, d.fixes[0]);
    const p = parseExperiment(fixed);
    assert.deepEqual(p.issues, [], fixed);
    assert.ok(p.experiment?.kind === 'network' && p.experiment.model.module === undefined);
    assert.equal(usesCustomModule(fixed), false);
    assert.equal(usesCustomModule(text), true);
  });

  describe('set-up errors are located at /model/module and name the file', () => {
    const cases: Array<[string, string | null, RegExp]> = [
      ['missing file', null, /missing\.js: model module not found \(looked for .*missing\.js\)/],
      ['syntax error', 'module.exports = { loss( };', /could not load the module: [^]*(Unexpected|Expected)/],
      ['throws while loading', 'throw new Error("cannot load weights");', /could not load the module: cannot load weights/],
      ['no loss', 'module.exports = { params: { w: [2] } };', /exports no loss function/],
      ['no params', 'module.exports = { loss: () => 1 };', /must export "params"/],
      ['bad shape', 'module.exports = { params: { w: { shape: [2, 0] } }, loss: () => 1 };', /parameter "w": "shape" must be an array of positive integers/],
      ['values of the wrong size', 'module.exports = { params: { w: { shape: [2, 2], values: [1, 2, 3] } }, loss: () => 1 };', /parameter "w": "values" has 3 numbers but shape \[2, 2\] needs 4/],
      ['unknown init', 'module.exports = { params: { w: { shape: [2], init: "xavier" } }, loss: () => 1 };', /"init" must be a number or one of he, glorot/],
      ['NaN loss at step 0', 'module.exports = { params: { w: [2] }, loss: () => NaN, gradient: () => ({ w: [0, 0] }) };', /loss\(\) is NaN at the initial parameters/],
      ['loss not a number', 'module.exports = { params: { w: [2] }, loss: () => "1", gradient: () => ({ w: [0, 0] }) };', /loss\(\) must return a number, got string/],
      ['gradient of the wrong length', 'module.exports = { params: { w: [2, 3] }, loss: () => 1, gradient: () => ({ w: [0, 0] }) };', /"w" has 2 numbers but the parameter has shape \[2, 3\] \(6 numbers/],
      ['gradient missing a parameter', 'module.exports = { params: { w: [2], b: [1] }, loss: () => 1, gradient: () => ({ w: [0, 0] }) };', /gradient\(\) returned nothing for "b"/],
      ['gradient with an unknown name', 'module.exports = { params: { w: [2] }, loss: () => 1, gradient: () => ({ w: [0, 0], v: [1] }) };', /returned "v", which is not a parameter/],
      ['loss throws at step 0', 'module.exports = { params: { w: [2] }, loss: () => { throw new Error("index out of range"); } };', /loss\(\) threw: index out of range \(at set-up/],
      ['tfjs loss ignores a parameter', 'module.exports = { kind: "tfjs", params: { w: [2], b: [1] }, loss: (tf, p, x) => tf.mean(tf.matMul(x, tf.reshape(p.w, [2, 1]))) };', /loss\(\) does not depend on b/],
      ['tfjs loss not a scalar', 'module.exports = { kind: "tfjs", params: { w: [2] }, loss: (tf, p, x) => tf.matMul(x, tf.reshape(p.w, [2, 1])) };', /loss\(\) must return a scalar tensor .*shape \[40, 1\]/],
    ];
    cases.forEach(([title, source, want], i) => {
      it(title, async () => {
        const name = source === null ? './missing.js' : write(`setup${i}.js`, source);
        const out = await run(experiment(name));
        assert.equal(out.summary.reason, 'error');
        assert.ok(out.failed, 'a failed event');
        assert.equal(out.failed.path, '/model/module');
        assert.match(out.failed.message, want);
        assert.ok(out.failed.message.startsWith(name), `names the file: ${out.failed.message}`);
        assert.doesNotMatch(out.failed.message, /\n\s+at /, 'no stack');
        assert.equal(out.leaked, 0, 'tensors freed');
      });
    });

    it('refuses a folder or a file that is not .js/.cjs', async () => {
      fs.writeFileSync(path.join(tmp, 'weights.json'), '{}');
      for (const [name, want] of [['.', /not a file/], ['./weights.json', /must be a CommonJS \.js or \.cjs file/]] as const) {
        const out = await run(experiment(name));
        assert.equal(out.failed?.path, '/model/module');
        assert.match(out.failed?.message ?? '', want);
      }
    });
  });

  it('a hand-written gradient is what the optimizer uses, checked by default: correct ⇒ no diagnosis', async () => {
    const out = await run(experiment(write('linear-ok.js', linearModule())));
    assert.equal(out.summary.reason, 'completed', out.summary.message);
    assert.equal(out.checks.length, 3, 'gradient checks default to on for a hand-written gradient');
    for (const c of out.checks) assert.ok(c.maxRelError < 0.02, `check at ${c.step}: ${c.maxRelError} at ${c.parameter}`);
    assert.deepEqual(out.diagnostics.map((d) => d.code), []);
    assert.ok(out.summary.final.accuracy !== null && out.summary.final.accuracy > 0.3, 'accuracy from predict()');
    assert.equal(out.leaked, 0);
    const started = out.events.find((e) => e.type === 'started');
    assert.deepEqual(started?.type === 'started' && started.info.layers, ['W [2×2]', 'b [2]']);
  });

  it('a wrong hand-written gradient ⇒ incorrect-gradient naming the parameter (b, off by a factor 2)', async () => {
    const out = await run(experiment(write('linear-bug.js', linearModule({ gradient: 'double-b' }))));
    const d = out.diagnostics.find((x) => x.code === 'incorrect-gradient');
    assert.ok(d, JSON.stringify(out.diagnostics));
    assert.equal(d.path, '/model/module');
    assert.match(String(d.evidence.parameter), /^b\[[01]\]$/);
    assert.ok(Number(d.evidence.maxRelError) > 0.3, `error ${d.evidence.maxRelError}`);
    assert.match(d.message, /at b\[[01]\]/);
  });

  it('"gradientCheck": false switches the default check off', async () => {
    const out = await run(experiment(write('linear-bug2.js', linearModule({ gradient: 'double-b' })), { training: { gradientCheck: false } }));
    assert.equal(out.checks.length, 0);
    assert.ok(!out.diagnostics.some((d) => d.code === 'incorrect-gradient'));
  });

  it('without gradient(): centered finite differences (with a warning) agree with the hand-written one', async () => {
    const numeric = await run(experiment(write('linear-fd.js', linearModule({ gradient: 'none' })), { training: { epochs: 2 } }));
    const exact = await run(experiment('./linear-ok.js', { training: { epochs: 2 } }));
    assert.equal(numeric.summary.reason, 'completed');
    assert.ok(numeric.warnings.some((w) => /no gradient\(\): .*finite differences, 12 loss evaluations per step/.test(w)), numeric.warnings.join('\n'));
    assert.equal(numeric.checks.length, 0, 'no default check: the gradient is the finite differences already');
    const losses = (o: Outcome) => o.events.flatMap((e) => (e.type === 'metrics' ? e.batch.steps.map((s) => s.loss) : []));
    const a = losses(numeric);
    const b = losses(exact);
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])), `step ${i}: ${a[i]} vs ${b[i]}`);
    assert.equal(numeric.leaked, 0);
  });

  it('a tfjs module trains by autodiff; gradientCheck true passes on it', async () => {
    const src = `module.exports = {
      params: (info) => ({ W1: { shape: [info.features, 8], init: 'glorot' }, b1: [8], W2: { shape: [8, info.outputs], init: 'glorot' }, b2: [info.outputs] }),
      loss(tf, p, x, y) {
        const z = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, p.W1), p.b1)), p.W2), p.b2);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, 'int32'), 2), z);
      },
      predict: (tf, p, x) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, p.W1), p.b1)), p.W2), p.b2),
    };`;
    const out = await run(experiment(write('tfjs.js', src), { training: { epochs: 30, gradientCheck: true } }));
    assert.equal(out.summary.reason, 'completed', out.summary.message);
    assert.ok((out.summary.final.trainLoss ?? 1) < 0.2, `final loss ${out.summary.final.trainLoss}`);
    assert.ok((out.summary.final.accuracy ?? 0) > 0.9, `accuracy ${out.summary.final.accuracy}`);
    assert.equal(out.checks.length, 3);
    assert.ok(out.checks.every((c) => c.maxRelError < 0.05), out.checks.map((c) => c.maxRelError).join(', '));
    assert.ok(out.checks.every((c) => /^(W1\[\d,\d\]|b1\[\d\]|W2\[\d,\d\]|b2\[\d\])$/.test(c.parameter)), out.checks.map((c) => c.parameter).join(', '));
    assert.deepEqual(out.diagnostics.map((d) => d.code), []);
    assert.equal(out.leaked, 0);
  });

  it('a module that throws mid-run ends the run with its message, no engine stack', async () => {
    const extra = 'globalThis.__calls = (globalThis.__calls || 0) + 1; if (globalThis.__calls > 150) throw new Error("weights exploded in my code");';
    const out = await run(experiment(write('throws.js', linearModule({ extra })), { training: { epochs: 50, gradientCheck: false } }));
    delete (globalThis as { __calls?: number }).__calls;
    assert.equal(out.summary.reason, 'error');
    assert.equal(out.failed?.path, undefined, 'a fault, not a spec error');
    assert.equal(out.failed?.message, './throws.js: loss() threw: weights exploded in my code');
    assert.ok(out.events.some((e) => e.type === 'metrics' && e.batch.steps.length > 0), 'steps before the fault were sent');
  });

  it('edits are picked up on the next run (fresh require, helpers too)', async () => {
    write('helper.js', 'module.exports = { scale: 1 };');
    const src = "const h = require('./helper.js'); module.exports = { params: { w: { shape: [2], values: [1, 1] } }, loss: (p) => h.scale * (p.w[0] ** 2 + p.w[1] ** 2), gradient: (p) => ({ w: [2 * h.scale * p.w[0], 2 * h.scale * p.w[1]] }) };";
    const name = write('fresh.js', src);
    const first = await run(experiment(name, { training: { epochs: 1 } }));
    write('helper.js', 'module.exports = { scale: 3 };');
    const second = await run(experiment(name, { training: { epochs: 1 } }));
    const firstLoss = (o: Outcome) => o.events.flatMap((e) => (e.type === 'metrics' ? e.batch.steps : []))[0].loss;
    assert.equal(firstLoss(first), 2);
    assert.equal(firstLoss(second), 6);
  });

  it('the shipped backprop examples: the correct one is healthy, the buggy one names the parameter', async () => {
    const load = (id: string) => {
      const p = parseExperiment(fs.readFileSync(path.join(examplesDir(), `${id}.optim.json`), 'utf8'));
      assert.deepEqual(p.issues, []);
      assert.ok(p.experiment);
      return p.experiment;
    };
    const ok = await run(load('backprop-exercise'), examplesDir());
    assert.equal(ok.summary.reason, 'completed');
    assert.deepEqual(ok.diagnostics.map((d) => d.code), []);
    assert.ok((ok.summary.final.accuracy ?? 0) > 0.95);
    const buggy = await run(load('backprop-exercise-buggy'), examplesDir());
    const d = buggy.diagnostics.find((x) => x.code === 'incorrect-gradient');
    assert.ok(d, JSON.stringify(buggy.diagnostics.map((x) => x.code)));
    // The transposed W2 index corrupts the gradient flowing into the hidden layer: W1 and b1.
    assert.match(String(d.evidence.parameter), /^(W1\[\d,\d\]|b1\[\d\])$/);
  });
});
