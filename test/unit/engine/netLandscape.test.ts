import * as assert from 'node:assert/strict';
import type { EngineEvent } from '../../../src/shared/protocol';
import { filterNormalize, randomDirection, unitNorms } from '../../../src/engine/netLandscape/directions';
import { axis } from '../../../src/engine/netLandscape/grid';
import { runNetLandscape } from '../../../src/engine/netLandscape/job';
import { streamFor } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import { collect, networkExp, objectiveExp } from './fixtures';

type ParamsEvent = Extract<EngineEvent, { type: 'parameters' }>;

function paramsOf(events: EngineEvent[]): ParamsEvent | undefined {
  return events.find((e): e is ParamsEvent => e.type === 'parameters');
}

/** Linear regression with MSE: the loss is a quadratic in the weights, so every slice is a parabola. */
const linReg = networkExp({
  data: { synthetic: 'linear', samples: 300, noise: 0.1, validation: 0.2 },
  model: { layers: [], output: 'linear', loss: 'mse', init: { scheme: 'normal', scale: 1, bias: 0.5 } },
  optimizer: { name: 'sgd', learningRate: 0.05 },
  training: { epochs: 5, batchSize: 32 },
});

describe('network loss landscape', function () {
  this.timeout(120000);

  it('filter normalization scales each unit (column of W [in, out]) to the weights\u2019 norm and zeroes biases', () => {
    const w = Float32Array.from([1, 0, 2, 0, 2, 0]); // [3, 2]: column 0 norm 3, column 1 all zero
    const d = Float32Array.from([0.5, 1, -0.5, 2, 0.25, -1]);
    filterNormalize(d, w, [3, 2]);
    const norms = unitNorms(d, [3, 2]);
    assert.ok(Math.abs(norms[0] - 3) < 1e-6, `column 0 norm ${norms[0]}`);
    assert.equal(norms[1], 0, 'a unit whose weights are all zero gets no direction');
    // The direction keeps its orientation within a unit: only the scale changes.
    assert.ok(Math.abs(d[2] / d[0] - -1) < 1e-6 && Math.abs(d[4] / d[0] - 0.5) < 1e-6);
    const b = Float32Array.from([1, 2, 3]);
    filterNormalize(b, [4, 5, 6], [3]);
    assert.deepEqual(Array.from(b), [0, 0, 0]);
  });

  it('random directions are reproducible from the seed and match every unit\u2019s norm', () => {
    const w = [Float32Array.from({ length: 12 }, (_, i) => i - 5), Float32Array.from([1, 2, 3, 4])];
    const shapes = [[3, 4], [4]];
    const a = randomDirection(w, shapes, streamFor(7, 'landscape'));
    const b = randomDirection(w, shapes, streamFor(7, 'landscape'));
    assert.deepEqual(a, b);
    const na = unitNorms(a[0], shapes[0]);
    unitNorms(w[0], shapes[0]).forEach((n, j) => assert.ok(Math.abs(na[j] - n) < 1e-5 * Math.max(1, n)));
    assert.deepEqual(Array.from(a[1]), [0, 0, 0, 0]);
  });

  it('axes include both ends and hit 0 and 1 exactly', () => {
    const ts = axis(-0.5, 1.5, 41);
    assert.equal(ts.length, 41);
    assert.equal(ts[0], -0.5);
    assert.equal(ts[10], 0);
    assert.equal(ts[30], 1);
    assert.equal(ts[40], 1.5);
  });

  it('a network run hands over θ₀ and θ; an objective run does not', async () => {
    const r = await collect(linReg);
    const p = paramsOf(r.events);
    assert.ok(p, 'parameters event');
    assert.deepEqual(p.shapes, [[1, 1], [1]]);
    assert.equal(p.step, r.summary.steps);
    assert.deepEqual(p.initial[1], [0.5], 'θ₀ is the initial bias');
    assert.notDeepEqual(p.final, p.initial);
    const finishedAt = r.events.findIndex((e) => e.type === 'finished');
    assert.ok(r.events.indexOf(p) < finishedAt, 'sent before finished');
    const o = await collect(objectiveExp({ function: 'rosenbrock' }));
    assert.equal(paramsOf(o.events), undefined);
  });

  it('linear regression: the line θ₀ + t(θ − θ₀) and the plane are exact parabolas; tensors flat', async () => {
    const r = await collect(linReg);
    const p = paramsOf(r.events)!;
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const records = await runNetLandscape(
      { experiment: linReg, baseDir: process.cwd(), backend: 'cpu', initial: p.initial, final: p.final, step: p.step },
      { progress: (done, total) => progress.push(done / total) },
    );
    assert.equal(tf.memory().numTensors, before, 'every tensor of the job is disposed');
    assert.ok(records);
    const [line, plane] = records;
    assert.equal(line.mode, 'line');
    assert.equal(line.xs.length, 41);
    assert.equal(line.rows, 240, 'the whole training split (< 2,000 rows)');
    assert.equal(plane.mode, 'plane');
    assert.equal(plane.values.length, 25 * 25);
    assert.equal(progress.length, 41 + 625);
    assert.equal(progress[progress.length - 1], 1);
    const v = line.values.map((x) => x as number);
    // Second differences of a parabola are constant (and positive: MSE is convex).
    const d2 = v.slice(2).map((x, i) => x - 2 * v[i + 1] + v[i]);
    const mean = d2.reduce((a, b) => a + b, 0) / d2.length;
    assert.ok(mean > 0);
    d2.forEach((x) => assert.ok(Math.abs(x - mean) < 1e-3 * Math.max(...v), `second difference ${x} vs ${mean}`));
    // Trained: the loss at t = 1 is well below the loss at t = 0.
    assert.ok(v[30] < 0.5 * v[10], `L(θ) ${v[30]} vs L(θ₀) ${v[10]}`);
    // The plane's centre is θ, the line's t = 1.
    const centre = plane.values[12 * 25 + 12] as number;
    assert.ok(Math.abs(centre - v[30]) < 1e-5 * Math.max(1, v[30]), `${centre} vs ${v[30]}`);
    // Along a of the plane, at b = 0: a parabola too.
    const row = plane.values.slice(12 * 25, 13 * 25).map((x) => x as number);
    const r2 = row.slice(2).map((x, i) => x - 2 * row[i + 1] + row[i]);
    r2.forEach((x) => assert.ok(Math.abs(x - r2[0]) < 1e-3 * Math.max(...row)));
  });

  it('a stop ends the job early with no records and no tensors left', async () => {
    const r = await collect(linReg);
    const p = paramsOf(r.events)!;
    const before = tf.memory().numTensors;
    let polled = 0;
    const records = await runNetLandscape(
      { experiment: linReg, baseDir: process.cwd(), backend: 'cpu', initial: p.initial, final: p.final, step: p.step },
      { shouldStop: () => ++polled > 5 },
    );
    assert.equal(records, undefined);
    assert.equal(polled, 6);
    assert.equal(tf.memory().numTensors, before);
  });

  it('a hidden-layer MLP: finite grids, lowest near the trained weights', async () => {
    const exp = networkExp({ training: { epochs: 5, batchSize: 32 } });
    const r = await collect(exp);
    const p = paramsOf(r.events)!;
    const records = await runNetLandscape({ experiment: exp, baseDir: process.cwd(), backend: 'cpu', initial: p.initial, final: p.final, step: p.step });
    const [line, plane] = records!;
    assert.ok(line.values.every((x) => x !== null));
    const centre = plane.values[12 * 25 + 12] as number;
    const corners = [0, 24, 600, 624].map((i) => plane.values[i] as number);
    corners.forEach((c) => assert.ok(c > centre, `corner ${c} vs centre ${centre}`));
    assert.ok(Math.abs(centre - (r.summary.final.trainLoss ?? NaN)) < 1e-4, 'the centre is the final training loss (the whole split: 480 rows)');
  });

  it('rejects mismatched weights and objective experiments', async () => {
    const r = await collect(linReg);
    const p = paramsOf(r.events)!;
    await assert.rejects(runNetLandscape({ experiment: linReg, baseDir: '.', backend: 'cpu', initial: p.initial.slice(1), final: p.final, step: 1 }), /parameter arrays/);
    await assert.rejects(runNetLandscape({ experiment: objectiveExp({ function: 'sphere' }), baseDir: '.', backend: 'cpu', initial: [], final: [], step: 1 }), /network/);
  });
});
