import * as assert from 'node:assert/strict';
import { RunController } from '../../../src/host/runController';
import { RunStore } from '../../../src/host/runStore';
import type { EngineEvent } from '../../../src/shared/protocol';
import { runExperiment } from '../../../src/engine/run';
import { findExample } from '../../../src/engine/examples';
import { parseExperiment } from '../../../src/engine/spec/parse';
import type { Experiment } from '../../../src/shared/experiment';
import { dummyExperiment, fakeWorkerPath } from '../host/helpers';

function example(id: string): Experiment {
  const exp = parseExperiment(findExample(id)?.text ?? '').experiment;
  assert.ok(exp, id);
  return exp;
}

async function run(exp: Experiment): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  await runExperiment(exp, { runId: 'g', source: 'test', baseDir: '.', backend: 'cpu', shouldStop: () => false, emit: (e) => events.push(e) });
  return events;
}

function points(events: EngineEvent[], runId: string): [number, number][] {
  return events.flatMap((e) => (e.type === 'metrics' && e.runId === runId ? e.batch.steps.map((s) => s.point!) : []));
}

describe('compare groups', function () {
  this.timeout(60_000);

  it('engine: one run per variant, shared groupId, `more` on all finished events but the last, a landscape with the base', async () => {
    const events = await run(example('ravine-compare'));
    const started = events.flatMap((e) => (e.type === 'started' ? [e.info] : []));
    assert.deepEqual(started.map((i) => i.runId), ['g', 'g~1', 'g~2']);
    assert.deepEqual(started.map((i) => i.groupId), ['g', 'g', 'g']);
    assert.deepEqual(started.map((i) => i.variant), ['sgd α=0.035', 'momentum μ=0.9', 'adam α=0.1']);
    const finished = events.flatMap((e) => (e.type === 'finished' ? [e] : []));
    assert.deepEqual(finished.map((e) => [e.runId, e.more === true]), [['g', true], ['g~1', true], ['g~2', false]]);
    const landscapes = events.flatMap((e) => (e.type === 'metrics' ? (e.batch.probes ?? []).filter((p) => p.kind === 'landscape') : []));
    assert.ok(landscapes.length >= 1);
    const first = landscapes[0];
    assert.ok(first.kind === 'landscape' && first.mode === 'objective' && first.ys);
    assert.deepEqual(first.minima, [[0, 0]]);
    // Every event of a variant comes between its started and finished.
    const order = events.map((e) => ('runId' in e ? e.runId : e.info.runId));
    assert.ok(order.lastIndexOf('g') < order.indexOf('g~1') && order.lastIndexOf('g~1') < order.indexOf('g~2'));

    // The lectures' picture, as numbers: GD flips y's sign every step (zig-zag), momentum damps it, Adam
    // moves both coordinates by about α at first (per-coordinate scaling) although y's gradient is 5× x's.
    const flips = (p: [number, number][]) => p.slice(1, 40).filter((q, i) => Math.sign(q[1]) !== Math.sign(p[i][1])).length;
    const gd = points(events, 'g');
    const mom = points(events, 'g~1');
    const adam = points(events, 'g~2');
    assert.ok(flips(gd) >= 35, `GD zig-zags: ${flips(gd)} sign flips in 39 steps`);
    assert.ok(flips(mom) < flips(gd) / 2, `momentum damps it: ${flips(mom)} flips`);
    const dx = Math.abs(adam[1][0] - adam[0][0]);
    const dy = Math.abs(adam[1][1] - adam[0][1]);
    assert.ok(Math.abs(dx - 0.1) < 1e-3 && Math.abs(dy - 0.1) < 1e-3, `Adam's first step is α in each coordinate: ${dx}, ${dy}`);
    const gdStep = [Math.abs(gd[1][0] - gd[0][0]), Math.abs(gd[1][1] - gd[0][1])];
    assert.ok(gdStep[1] / gdStep[0] > 4, 'GD steps 5× further in the steep direction');
  });

  it('engine: a refreshed landscape covers a path that left the first grid', async () => {
    const exp = example('rosenbrock-compare');
    const events = await run({ ...exp, training: { ...exp.training, steps: 300 } });
    const grids = events.flatMap((e) => (e.type === 'metrics' ? (e.batch.probes ?? []).filter((p) => p.kind === 'landscape') : []));
    const last = grids[grids.length - 1];
    assert.ok(last.kind === 'landscape' && last.ys);
    for (const id of ['g', 'g~1', 'g~2']) {
      for (const [x, y] of points(events, id)) {
        assert.ok(x >= last.xs[0] && x <= last.xs[last.xs.length - 1] && y >= last.ys[0] && y <= last.ys[last.ys.length - 1], `${id} (${x}, ${y}) inside`);
      }
    }
  });

  it('engine: search trials end in a table sorted by final loss and a search-best diagnosis', async () => {
    const parsed = parseExperiment(JSON.stringify({
      objective: { function: 'quadratic', start: [3, 1], condition: 10 },
      optimizer: { name: 'sgd', learningRate: 0.001 },
      training: { steps: 30 },
      search: { method: 'grid', space: { '/optimizer/learningRate': [0.001, 0.01, 0.1, 0.3] } },
    }));
    assert.ok(parsed.experiment, JSON.stringify(parsed.issues));
    const events = await run(parsed.experiment);
    const search = events.flatMap((e) => (e.type === 'metrics' ? (e.batch.probes ?? []).filter((p) => p.kind === 'search') : []))[0];
    assert.ok(search?.kind === 'search');
    // α = 0.3 > 2/c grows the steep coordinate 2× per step: by far the worst.
    assert.deepEqual(search.trials.map((t) => t.values['/optimizer/learningRate']), [0.1, 0.01, 0.001, 0.3]);
    assert.ok((search.trials[3].finalLoss ?? Infinity) > 1e6);
    const losses = search.trials.map((t) => t.finalLoss ?? Infinity);
    assert.deepEqual([...losses].sort((a, b) => a - b), losses);
    const diags = events.flatMap((e) => (e.type === 'diagnostics' ? [e.diagnostics] : []));
    const best = diags[diags.length - 1].find((d) => d.code === 'search-best');
    assert.ok(best);
    assert.deepEqual(best.fixes.map((f) => [f.path, f.value]), [['/optimizer/learningRate', 0.1]]);
    assert.equal(events[events.length - 1].type, 'finished');
  });

  it('host: the controller stores every variant, finishes each, and returns the base run', async () => {
    const store = new RunStore({ maxRuns: 10 });
    const ctl = new RunController({ workerPath: fakeWorkerPath, store });
    const events: EngineEvent[] = [];
    ctl.onEvent((e) => events.push(e));
    const out = await ctl.run({ experiment: dummyExperiment, source: 'compare', baseDir: '.', backend: 'cpu', nodeModulesPaths: [] });
    assert.equal(out.info?.variantIndex, 0);
    assert.equal(out.summary?.steps, 2, "the base run's summary");
    const ids = [out.runId, `${out.runId}~1`, `${out.runId}~2`];
    assert.deepEqual(ids.map((id) => store.get(id)?.metrics.steps.length), [3, 4, 5]);
    assert.deepEqual(ids.map((id) => store.get(id)?.summary?.steps), [2, 3, 4]);
    assert.deepEqual(events.filter((e) => e.type === 'finished').map((e) => (e.type === 'finished' ? e.runId : '')), ids);
    assert.equal(ctl.isRunning, false);
  });
});
