/**
 * The BLAS dense-net step (engine/fused/blasStep.ts) against the general tfjs path: the same
 * problem and seed, every optimizer with an array form, every head it handles and every hidden
 * activation, on the plain-JS reference kernels and, when the addon loads here, on the native
 * ones; the PyTorch reference fixture on the BLAS step; and the parameters it keeps between steps
 * reaching every reader of the tfjs Variables (evaluation, histograms, the loss, the instruments,
 * the final snapshot) and taking back whatever a writer assigned.
 */
import * as assert from 'node:assert/strict';
import type { NetworkExperiment, OptimizerSpec } from '../../../src/shared/experiment';
import type { EngineEvent, EpochRecord, HistogramRecord, ProbeRecord, RunInfo, StepRecord } from '../../../src/shared/protocol';
import { selectBackend } from '../../../src/engine/backend';
import type { Dataset } from '../../../src/engine/data/dataset';
import { BlasStepper } from '../../../src/engine/fused/blasStep';
import { Head } from '../../../src/engine/model/loss';
import { Mlp } from '../../../src/engine/model/mlp';
import { nativeKernels, useNativeKernels, type NativeKernels } from '../../../src/engine/native/kernels';
import { loadNativeKernels } from '../../../src/engine/native/load';
import { referenceKernels } from '../../../src/engine/native/reference';
import { createOptimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import { networkProblem, type NetworkProblem, type SmallNetPath } from '../../../src/engine/train/network';
import { runExperiment } from '../../../src/engine/run';
import { trainStep } from '../../../src/engine/train/step';
import { networkExp, optimizer } from './fixtures';
import { BLAS_NETS, dataset, KERNELS } from './denseNetCases';
import { assertMlpFixture } from './mlpFixtureSteps';
import { label, loadFixture, type MlpFixture } from './referenceFixtures';

const native = loadNativeKernels().kernels;
const NETS = BLAS_NETS;

const OPTIMIZERS: Partial<OptimizerSpec>[] = [
  { name: 'sgd', learningRate: 0.05 },
  { name: 'momentum', learningRate: 0.02 },
  { name: 'nesterov', learningRate: 0.02 },
  { name: 'adagrad', learningRate: 0.05, epsilon: 1e-10 },
  { name: 'rmsprop', learningRate: 0.001, momentum: 0 },
  { name: 'adam', learningRate: 0.003 },
  { name: 'adam', learningRate: 0.003, amsgrad: true },
];

/** max |a − b| / max(|b|, floor) over the entries. */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
}

/** ‖a − b‖ / ‖b‖ of one parameter tensor's values. */
function relNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    n += b[i] ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-12);
}

interface Series {
  records: StepRecord[];
  params: Float32Array[];
  path: string;
  arraySteps: number;
}

/** `steps` updates and the final measurement through trainStep; `kernels` current while the problem is built. */
function series(exp: NetworkExperiment, ds: Dataset, path: SmallNetPath, kernels: NativeKernels | undefined, steps: number): Series {
  useNativeKernels(kernels);
  const problem = networkProblem(exp, ds, tf.getBackend() === 'wasm', path);
  const opt = createOptimizer(exp.optimizer, problem.paramCount);
  let arraySteps = 0;
  const arrays = opt.stepArrays?.bind(opt);
  if (arrays) opt.stepArrays = (p, g, lr) => (arraySteps++, arrays(p, g, lr));
  const summed = opt.stepArraysWithSums?.bind(opt);
  if (summed) opt.stepArraysWithSums = (p, g, lr, sums) => (arraySteps++, summed(p, g, lr, sums));
  try {
    const records: StepRecord[] = [];
    for (let k = 0; k <= steps; k++) records.push(trainStep(problem, opt, { step: k, epoch: 0, lr: exp.optimizer.learningRate, update: k < steps }));
    return { records, params: problem.params.map((p) => p.dataSync() as Float32Array), path: problem.stepPath, arraySteps };
  } finally {
    opt.dispose();
    problem.dispose();
    useNativeKernels(undefined);
  }
}

describe('engine: BLAS dense-net step = the general tfjs path', function () {
  this.timeout(300000);
  let before: NativeKernels | undefined;
  beforeEach(() => (before = nativeKernels()));
  afterEach(() => useNativeKernels(before));
  after(() => selectBackend('cpu'));

  const STEPS = 25;
  for (const [kName, kernels] of KERNELS) {
    for (const backend of kernels === referenceKernels ? (['cpu'] as const) : (['cpu', 'wasm'] as const)) {
      for (const net of NETS) {
        it(`${kName}, ${backend}: ${net.title}, ${STEPS} steps, every optimizer with an array form`, async () => {
          await selectBackend(backend, [], false);
          const ds = dataset(net.kind);
          for (const o of OPTIMIZERS) {
            const exp = { ...net.exp, optimizer: optimizer(o) };
            const name = label(exp.optimizer as unknown as Record<string, unknown>);
            const tensors = tf.memory().numTensors;
            const blas = series(exp, ds, 'blas', kernels, STEPS);
            const general = series(exp, ds, 'never', undefined, STEPS);
            assert.equal(tf.memory().numTensors, tensors, `${name}: no tensor leaked`);
            assert.equal(blas.path, 'blas');
            assert.equal(blas.arraySteps, STEPS, `${name}: every update took the BLAS step`);
            assert.equal(general.arraySteps, 0, `${name}: the general path is tfjs`);
            const losses = (s: Series) => s.records.map((r) => r.loss);
            assert.ok(losses(general)[STEPS] < losses(general)[0], `${name}: the run makes progress`);
            const dl = maxRel(losses(blas), losses(general));
            assert.ok(dl < 1e-4, `${name}: loss series differ by ${dl.toExponential(2)}`);
            const flat = (ps: Float32Array[]) => ps.flatMap((p) => Array.from(p));
            const dp = relNorm(flat(blas.params), flat(general.params));
            assert.ok(dp < 1e-4, `${name}: parameters differ by ${dp.toExponential(2)}`);
            blas.params.forEach((p, i) => {
              // A one-float output bias under an adaptive method carries the rounding of its tiny
              // gradient (Adagrad on the regression net: 5e-5 with OpenBLAS).
              const d = relNorm(p, general.params[i]);
              assert.ok(d < 1e-3, `${name}: parameter ${i} differs by ${d.toExponential(2)}`);
            });
            const norms = (s: Series) => s.records.flatMap((r) => [r.gradNorm, ...r.layerGradNorms]);
            const dn = maxRel(norms(blas), norms(general));
            assert.ok(dn < 1e-4, `${name}: gradient norms differ by ${dn.toExponential(2)}`);
            const ratios = (s: Series) => s.records.flatMap((r) => r.updateRatios);
            assert.equal(ratios(blas).length, STEPS * (exp.model.layers.length + 1));
            const dr = maxRel(ratios(blas), ratios(general), 1e-6);
            assert.ok(dr < 1e-4, `${name}: update ratios differ by ${dr.toExponential(2)}`);
          }
        });
      }
    }
  }

  it('which step a net takes: small nets the JS one, bigger ones BLAS with kernels, tfjs without; tfjs for optimizers without an array form', async () => {
    await selectBackend('cpu', [], false);
    const ds = dataset('classes');
    const small = networkExp({ model: { layers: [{ units: 8, activation: 'relu' }] }, training: { batchSize: 16 } });
    const big = NETS[0].exp;
    const path = (exp: NetworkExperiment, kernels: NativeKernels | undefined, p: SmallNetPath = 'auto') => {
      useNativeKernels(kernels);
      const problem = networkProblem(exp, ds, false, p);
      problem.dispose();
      return problem.stepPath;
    };
    assert.equal(path(small, referenceKernels), 'js');
    assert.equal(path(big, referenceKernels), 'blas');
    assert.equal(path(big, undefined), 'tfjs');
    assert.equal(path(small, referenceKernels, 'blas'), 'blas', 'forced');
    assert.equal(path(big, referenceKernels, 'never'), 'tfjs');
    assert.throws(() => path(big, undefined, 'blas'), /native kernels/);
    const mseSoftmax = networkExp({ model: { ...big.model, output: 'softmax', loss: 'mse' }, training: { batchSize: 32 } });
    assert.equal(path(mseSoftmax, referenceKernels), 'tfjs', 'no closed-form head');
    // Line searches and averaging have no array form: the step falls back to tfjs.
    for (const o of [optimizer({ name: 'sgd', lineSearch: 'backtracking' }), optimizer({ name: 'adam', averaging: { kind: 'polyak' } })]) {
      useNativeKernels(referenceKernels);
      const problem = networkProblem({ ...big, optimizer: o }, ds, false);
      const opt = createOptimizer(o, problem.paramCount);
      try {
        assert.equal(problem.fusedStep?.(opt, { step: 0, epoch: 0, lr: 0.01, update: true }), undefined);
        const r = trainStep(problem, opt, { step: 0, epoch: 0, lr: 0.01, update: true });
        assert.ok(Number.isFinite(r.loss) && r.updateRatios.length === 3);
      } finally {
        opt.dispose();
        problem.dispose();
      }
    }
  });

  // The PyTorch reference: a 2-6(tanh)-3 softmax MLP from torch's own initial weights, full batch.
  const fixture = loadFixture<MlpFixture>('mlp');
  for (const [kName, kernels] of KERNELS) {
    it(`${kName}: the PyTorch MLP fixture on the BLAS step (${fixture.cases.length} optimizer settings), losses and final weights to 1e-5`, async () => {
      await selectBackend('cpu', [], false);
      assertMlpFixture(fixture, (shape, rows, model) => new BlasStepper(shape, 'softmaxCrossEntropy', rows, model.params, model.layerParamIndices, kernels));
    });
  }
});

/**
 * With SGD, momentum and Adam the BLAS step takes its statistics from the optimizer's own pass
 * (stepArraysWithSums), whose float32 Σθ² would overflow past |θ| = 1.8e19 and turn the ratio
 * into 0: the step must notice weights that large, whether an update or an assignment to the
 * Variables brought them. Each ratio is checked against θ_t and θ_t+1 read from the Variables,
 * in float64, across a step without statistics and reassigned Variables too.
 */
describe('engine: the BLAS step\'s statistics from the update itself', function () {
  this.timeout(300000);
  after(() => selectBackend('cpu'));

  /** Per layer ‖θ_t+1 − θ_t‖ / (‖θ_t‖ + 1e-12), float64 sums (train/step.ts's definition). */
  function ratios(before: Float32Array[], after: Float32Array[], groups: number[][]): number[] {
    return groups.map((idx) => {
      let d = 0;
      let w = 0;
      for (const i of idx) {
        for (let j = 0; j < before[i].length; j++) {
          d += (after[i][j] - before[i][j]) ** 2;
          w += before[i][j] ** 2;
        }
      }
      return Math.sqrt(d) / (Math.sqrt(w) + 1e-12);
    });
  }

  const OPTS: Partial<OptimizerSpec>[] = [{ name: 'sgd', learningRate: 0.05 }, { name: 'momentum', learningRate: 0.02 }, { name: 'adam', learningRate: 0.003 }];
  for (const [kName, kernels] of KERNELS) {
    for (const o of OPTS) {
      it(`${kName}, ${o.name}: update ratios of θ_t and θ_t+1 across a bare step, reassigned Variables and a weight of 3e19`, async () => {
        await selectBackend('cpu', [], false);
        const tensors = tf.memory().numTensors;
        const [rows, nIn, classes] = [96, 20, 5];
        const rng = new Rng(21);
        const x = Float32Array.from({ length: rows * nIn }, () => rng.normal());
        const head = new Head('softmax', 'crossentropy', { classes: ['a', 'b', 'c', 'd', 'e'], nOutputs: classes });
        const y = head.encodeTargets(Float32Array.from({ length: rows }, () => rng.int(classes)));
        const model = new Mlp(
          { layers: [{ units: 64, activation: 'relu' }, { units: 32, activation: 'tanh' }], output: 'softmax', loss: 'crossentropy', init: { scheme: 'glorot', scale: 1, bias: 0 } },
          nIn,
          classes,
          new Rng(1),
        );
        const shape = model.layers.map((l) => ({ nIn: l.W.shape[0], nOut: l.units, activation: l.activation }));
        const groups = model.layerParamIndices;
        const stepper = new BlasStepper(shape, 'softmaxCrossEntropy', rows, model.params, groups, kernels);
        const opt = createOptimizer(optimizer(o));
        assert.ok(opt.stepArraysWithSums, 'the summed form is what this test is about');
        const read = () => {
          stepper.sync();
          return model.params.map((p) => p.dataSync().slice() as Float32Array);
        };
        const assign = (f: (v: Float32Array, i: number) => Float32Array) => {
          const values = read();
          tf.tidy(() => model.params.forEach((p, i) => p.assign(tf.tensor(f(values[i], i), p.shape))));
        };
        const last = model.params.length - 1;
        try {
          for (let k = 0; k < 12; k++) {
            if (k === 3) stepper.bareStep(opt, { step: k, epoch: 0, lr: 0.5, update: true }, x, y, rows);
            if (k === 6) assign((v) => v.map((w) => 1.5 * w));
            if (k === 9) assign((v, i) => (i === last ? v.map((w, j) => (j === 0 ? 3e19 : w)) : v));
            const before = read();
            const rec = stepper.step(opt, { step: k, epoch: 0, lr: o.learningRate ?? 0.01, update: true }, x, y, rows);
            assert.ok(rec && Number.isFinite(rec.loss) && Number.isFinite(rec.gradNorm), `step ${k}: a finite step`);
            const want = ratios(before, read(), groups);
            rec.updateRatios.forEach((r, l) => {
              assert.ok(want[l] > 0, `step ${k}, layer ${l}: the layer moved`);
              assert.ok(Math.abs(r - want[l]) <= 1e-5 * want[l], `step ${k}, layer ${l}: ratio ${r} vs ${want[l]}`);
            });
          }
        } finally {
          opt.dispose();
          model.dispose();
        }
        assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
      });
    }
  }
});

/**
 * The BLAS step keeps θ in its own arrays between steps and writes the Variables only when
 * something reads them. Each reader is called first thing after some steps, so it must bring the
 * Variables up to date itself; the tfjs path on the same seed is the oracle, and θ₀ (what a stale
 * Variable would still hold) is far from it.
 */
describe('engine: the BLAS step keeps every reader of the parameters current', function () {
  this.timeout(300000);
  let before: NativeKernels | undefined;
  beforeEach(() => (before = nativeKernels()));
  afterEach(() => useNativeKernels(before));
  after(() => selectBackend('cpu'));

  const exp = { ...NETS[0].exp, optimizer: optimizer({ name: 'adam', learningRate: 0.01 }) };

  /** The BLAS and the tfjs problem side by side, stepped together. */
  function pair(kernels: NativeKernels) {
    const ds = dataset('classes');
    useNativeKernels(kernels);
    const blas = networkProblem(exp, ds, false, 'blas');
    useNativeKernels(undefined);
    const plain = networkProblem(exp, ds, false, 'never');
    const opts = [createOptimizer(exp.optimizer), createOptimizer(exp.optimizer)];
    let step = 0;
    const advance = (n: number) => {
      for (let k = 0; k < n; k++, step++) {
        const input = { step, epoch: 0, lr: exp.optimizer.learningRate, update: true };
        trainStep(blas, opts[0], input);
        trainStep(plain, opts[1], input);
      }
    };
    const dispose = () => {
      opts.forEach((o) => o.dispose());
      blas.dispose();
      plain.dispose();
    };
    return { blas, plain, advance, dispose, get step() { return step; } };
  }

  for (const [kName, kernels] of KERNELS) {
    it(`${kName}: evaluation, histograms, the loss and the Variables see θ_t; assignments are taken back`, async () => {
      await selectBackend('cpu', [], false);
      const tensors = tf.memory().numTensors;
      const p = pair(kernels);
      try {
        const start = p.plain.evaluate!();
        const theta0 = p.plain.params.map((v) => v.dataSync().slice());

        p.advance(10);
        const ev = [p.blas.evaluate!(), p.plain.evaluate!()];
        assert.ok(Math.abs(ev[1].trainLoss - start.trainLoss) > 100 * 1e-4 * start.trainLoss, 'training moved the loss');
        assert.ok(maxRel([ev[0].trainLoss, ev[0].valLoss ?? NaN], [ev[1].trainLoss, ev[1].valLoss ?? NaN]) < 1e-4, `evaluation: ${ev[0].trainLoss} vs ${ev[1].trainLoss}`);

        p.advance(7);
        const hs: HistogramRecord[][] = [p.blas.histograms!(p.step), p.plain.histograms!(p.step)];
        assert.equal(hs[0].length, 2);
        hs[0].forEach((h, i) => {
          const other = hs[1][i];
          const moved = (a: number[], b: number[]) => a.reduce((s, v, j) => s + Math.abs(v - b[j]), 0);
          assert.ok(moved(h.pre.counts, other.pre.counts) <= 4, `layer ${i}: pre-activation histogram`);
          assert.ok(moved(h.act.counts, other.act.counts) <= 4, `layer ${i}: activation histogram`);
          assert.ok(maxRel([h.pre.min, h.pre.max, h.act.min, h.act.max], [other.pre.min, other.pre.max, other.act.min, other.act.max]) < 1e-4, `layer ${i}: ranges`);
          assert.deepEqual([h.deadFraction, h.saturatedFraction], [other.deadFraction, other.saturatedFraction], `layer ${i}: unit health`);
        });

        p.advance(5);
        const losses = tf.tidy(() => [p.blas.loss(p.step), p.plain.loss(p.step)].map((t) => t.dataSync()[0]));
        assert.ok(maxRel([losses[0]], [losses[1]]) < 1e-4, `loss(): ${losses[0]} vs ${losses[1]}`);

        p.advance(3);
        const vars = [p.blas.params, p.plain.params].map((ps) => ps.map((v) => v.dataSync().slice()));
        vars[0].forEach((v, i) => {
          assert.ok(relNorm(v, vars[1][i]) < 1e-4, `Variable ${i} holds θ_t`);
          assert.ok(relNorm(v, theta0[i]) > 1e-2, `Variable ${i} is not θ₀`);
        });

        // A writer (an instrument's perturbation, the landscape) assigns θ₀ back to both: the next
        // step starts from there on both paths; the same batch index as step 0 gives step 0's loss.
        const firstLoss = tf.tidy(() => p.plain.loss(0).dataSync()[0]);
        for (const prob of [p.blas, p.plain]) tf.tidy(() => prob.params.forEach((v, i) => v.assign(tf.tensor(theta0[i], v.shape))));
        const spe = p.blas.stepsPerEpoch;
        const atStart = tf.tidy(() => p.plain.loss(0).dataSync()[0]);
        const r = trainStep(p.blas, createOptimizer(exp.optimizer), { step: spe * 3, epoch: 3, lr: 0, update: false });
        assert.ok(Math.abs(r.loss - atStart) <= 1e-5 * atStart, `the step after an assignment starts from it: ${r.loss} vs ${atStart}`);
        assert.ok(Math.abs(atStart - firstLoss) > 1e-3, 'θ₀ was really put back (the loss at θ_t differs)');
      } finally {
        p.dispose();
      }
      assert.equal(tf.memory().numTensors, tensors, 'no tensor leaked');
    });
  }

  it('tensor count flat over a run and one seed, one series', async () => {
    await selectBackend('cpu', [], false);
    const ds = dataset('classes');
    const run = () => {
      useNativeKernels(referenceKernels);
      const problem: NetworkProblem = networkProblem(exp, ds, false);
      assert.equal(problem.stepPath, 'blas');
      const opt = createOptimizer(exp.optimizer);
      const counts: number[] = [];
      const losses: number[] = [];
      for (let k = 0; k < 40; k++) {
        // What a run interleaves: histograms and evaluations read the Variables between steps.
        if (k % 7 === 0) problem.histograms!(k);
        if (k % 8 === 0) problem.evaluate!();
        losses.push(trainStep(problem, opt, { step: k, epoch: Math.floor(k / 8), lr: 0.01, update: true }).loss);
        counts.push(tf.memory().numTensors);
      }
      opt.dispose();
      problem.dispose();
      return { counts, losses };
    };
    const a = run();
    const b = run();
    assert.deepEqual(new Set(a.counts.slice(1)).size, 1, `tensor count flat: ${[...new Set(a.counts)].join(', ')}`);
    assert.deepEqual(a.losses, b.losses);
  });
});

interface Run {
  info?: RunInfo;
  steps: StepRecord[];
  epochs: EpochRecord[];
  histograms: HistogramRecord[];
  probes: ProbeRecord[];
  final: number[];
  leaked: number;
  /** Tensor counts between steps (polled before each step). */
  counts: number[];
}

async function run(exp: NetworkExperiment, blas: boolean): Promise<Run> {
  const r: Run = { steps: [], epochs: [], histograms: [], probes: [], final: [], leaked: 0, counts: [] };
  const tensors = tf.memory().numTensors;
  const emit = (e: EngineEvent) => {
    if (e.type === 'started') r.info = e.info;
    if (e.type === 'metrics') {
      r.steps.push(...e.batch.steps);
      r.epochs.push(...e.batch.epochs);
      r.histograms.push(...e.batch.histograms);
      r.probes.push(...(e.batch.probes ?? []));
    }
    if (e.type === 'parameters') r.final = e.final.flat();
    if (e.type === 'failed') throw new Error(e.message);
  };
  await runExperiment(exp, { runId: 'blas', source: 'test', baseDir: process.cwd(), backend: 'cpu', blas, flushMs: 0, shouldStop: () => (r.counts.push(tf.memory().numTensors), false), emit });
  r.leaked = tf.memory().numTensors - tensors;
  return r;
}

/** The whole run (instruments, monitor, evaluation, final snapshot) on the native BLAS step vs tfjs alone. */
describe('engine: runExperiment on the native BLAS step', function () {
  this.timeout(300000);
  after(() => selectBackend('cpu'));

  const exp: NetworkExperiment = {
    ...networkExp({
      data: { synthetic: 'spiral', samples: 1200, classes: 3, validation: 0.2 },
      model: { layers: [{ units: 96, activation: 'relu' }, { units: 48, activation: 'relu' }] },
      optimizer: { name: 'momentum', learningRate: 0.05 },
      training: { epochs: 4, batchSize: 64 },
    }),
  };

  it('same series, evaluations, histograms, probes and final weights as tfjs alone; tensor count flat', async function () {
    if (!native) this.skip(); // the addon is not built here: the reference-kernel tests above cover the step
    const [a, b, again] = [await run(exp, true), await run(exp, false), await run(exp, true)];
    assert.match(a.info?.backend.reason ?? '', /dense nets beyond the small-net JS step train on/);
    assert.ok(!b.info?.backend.blas, 'the second run is tfjs only');
    for (const r of [a, b, again]) {
      assert.equal(r.leaked, 0, 'no tensor left after a run');
      assert.equal(new Set(r.counts.slice(1)).size, 1, `tensor count flat during the run: ${[...new Set(r.counts)].join(', ')}`);
    }
    const losses = (r: Run) => r.steps.map((s) => s.loss);
    assert.deepEqual(losses(a), losses(again), 'same seed, same series');
    assert.equal(a.steps.length, b.steps.length);
    assert.ok(losses(b)[losses(b).length - 1] < 0.8 * losses(b)[0], 'the run trains');
    const dl = maxRel(losses(a), losses(b));
    assert.ok(dl < 1e-3, `loss series differ by ${dl.toExponential(2)}`);
    const evals = (r: Run) => r.epochs.flatMap((e) => [e.trainLoss, e.valLoss ?? NaN, e.trainAccuracy ?? NaN]);
    assert.ok(evals(a).length >= 8);
    const de = maxRel(evals(a), evals(b));
    assert.ok(de < 1e-3, `evaluations differ by ${de.toExponential(2)}`);
    assert.ok(a.histograms.length > 4 && a.histograms.length === b.histograms.length, 'as many histograms');
    const ranges = (r: Run) => r.histograms.flatMap((h) => [h.pre.min, h.pre.max, h.act.max]);
    const dh = maxRel(ranges(a), ranges(b));
    assert.ok(dh < 1e-3, `histogram ranges differ by ${dh.toExponential(2)}`);
    assert.ok(a.probes.some((p) => p.kind === 'curvature'), 'the curvature probe ran');
    assert.deepEqual(a.probes.map((p) => p.kind), b.probes.map((p) => p.kind), 'the same instrument calls');
    assert.ok(a.final.length > 0, 'a final snapshot');
    const dw = relNorm(a.final, b.final);
    assert.ok(dw < 1e-3, `final weights differ by ${dw.toExponential(2)}`);
  });
});
