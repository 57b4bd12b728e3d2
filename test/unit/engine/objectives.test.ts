import * as assert from 'assert';
import { selectBackend } from '../../../src/engine/backend';
import { OBJECTIVE_MINIMA, objectiveTensor, objectiveValue } from '../../../src/engine/objectives';
import { tf } from '../../../src/engine/tf';
import type { ObjectiveName } from '../../../src/shared/experiment';
import { collect, objectiveExp } from './fixtures';

const NAMES: ObjectiveName[] = ['rosenbrock', 'beale', 'quadratic', 'saddle', 'himmelblau', 'sphere'];

function close(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-12);
}

describe('engine: objectives', () => {
  before(async () => {
    await selectBackend('cpu');
  });

  it('tfjs and plain-JS forms agree, and minima are minima', () => {
    for (const name of NAMES) {
      for (const [x, y] of [[-1.5, 2], [0.3, -0.7], [2, 1]] as const) {
        const t = tf.tensor1d([x, y]);
        const v = objectiveTensor({ function: name, condition: 7 }, t);
        assert.ok(close(v.dataSync()[0], objectiveValue(name, x, y, 7), 1e-5), `${name}(${x}, ${y})`);
        v.dispose();
        t.dispose();
      }
      for (const [x, y] of OBJECTIVE_MINIMA[name]) assert.ok(Math.abs(objectiveValue(name, x, y)) < 1e-6, `${name} min`);
    }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`lecture f(x)=x² from x=10 (${backend}): α=0.2 ⇒ 6, 3.6, 2.16; α=0.05 ⇒ 9, 8.1, 7.29`, async () => {
      for (const [lr, want] of [
        [0.2, [10, 6, 3.6, 2.16]],
        [0.05, [10, 9, 8.1, 7.29]],
      ] as const) {
        const r = await collect(objectiveExp({ function: 'sphere', start: [10, 0] }, { name: 'sgd', learningRate: lr }, 3), { backend });
        assert.strictEqual(r.summary.reason, 'completed');
        assert.deepStrictEqual(r.steps.map((s) => s.step), [0, 1, 2, 3]);
        r.steps.forEach((s, i) => {
          assert.ok(s.point, 'objective records carry the point');
          assert.ok(close(s.point[0], want[i], 1e-5), `α=${lr} step ${i}: x=${s.point[0]}, want ${want[i]}`);
          assert.strictEqual(s.point[1], 0);
          assert.ok(close(s.loss, want[i] ** 2, 1e-5));
          assert.ok(close(s.gradNorm, 2 * want[i], 1e-5));
          assert.deepStrictEqual(s.layerGradNorms, []);
        });
        assert.deepStrictEqual(r.summary.point, r.steps[3].point);
        assert.strictEqual(r.summary.steps, 3);
        assert.ok(close(r.summary.final.trainLoss ?? NaN, want[3] ** 2, 1e-5));
      }
    });
  }

  it('emits started, metrics, then finished, in that order', async () => {
    const r = await collect(objectiveExp({ function: 'rosenbrock' }, { name: 'adam', learningRate: 0.01 }, 50));
    const types = r.events.map((e) => e.type).filter((t) => t !== 'log');
    assert.strictEqual(types[0], 'started');
    assert.strictEqual(types[types.length - 1], 'finished');
    assert.ok(types.slice(1, -1).every((t) => t === 'metrics'));
    assert.strictEqual(r.info?.totalSteps, 50);
    assert.strictEqual(r.info?.paramCount, 2);
    assert.strictEqual(r.steps.length, 51);
    assert.ok(r.steps[50].loss < r.steps[0].loss);
  });

  it('sgd with α=10 on Rosenbrock diverges at once, keeping the steps before', async () => {
    const r = await collect(objectiveExp({ function: 'rosenbrock', start: [-1.5, 2] }, { name: 'sgd', learningRate: 10 }, 500));
    assert.strictEqual(r.summary.reason, 'diverged');
    assert.ok(r.summary.steps < 500);
    assert.match(r.summary.message ?? '', /^(loss became (NaN|infinite)|loss exceeded 1e\+30.*|gradient became (NaN|infinite)) at step \d+$/);
    assert.ok(r.steps.length >= 2, 'steps before the divergence are kept');
    assert.strictEqual(r.steps[r.steps.length - 1].step, r.summary.steps);
    assert.ok(r.steps.slice(0, -1).every((s) => Number.isFinite(s.loss)));
    assert.ok(r.events[r.events.length - 1].type === 'finished');
  });

  it('quadratic uses its condition number', async () => {
    const r = await collect(objectiveExp({ function: 'quadratic', start: [1, 1], condition: 100 }, { name: 'sgd', learningRate: 0.001 }, 1));
    // ∇ = (x, c·y) = (1, 100)
    assert.ok(close(r.steps[0].gradNorm, Math.hypot(1, 100), 1e-5));
    assert.ok(close(r.steps[1].point?.[1] ?? NaN, 1 - 0.1, 1e-5));
  });

  it('shouldStop ends the run with reason stopped before the total', async () => {
    const r = await collect(objectiveExp({ function: 'himmelblau' }, { name: 'momentum', learningRate: 0.001 }, 1000), {
      shouldStop: (n) => n >= 5,
    });
    assert.strictEqual(r.summary.reason, 'stopped');
    assert.strictEqual(r.summary.steps, 5);
    assert.strictEqual(r.steps.length, 5);
  });

  it('a schedule changes the recorded learning rate (objectives: epoch = step)', async () => {
    const r = await collect(
      objectiveExp({ function: 'sphere', start: [1, 1] }, {
        name: 'sgd',
        learningRate: 0.1,
        schedule: { name: 'step', decay: 0, gamma: 1, every: 2, factor: 10 },
      }, 4),
    );
    assert.deepStrictEqual(
      r.steps.map((s) => +s.lr.toPrecision(6)),
      [0.1, 0.1, 0.01, 0.01, 0.001],
    );
  });
});
