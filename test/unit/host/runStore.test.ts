import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RunStore } from '../../../src/host/runStore';
import type { HistogramRecord, LandscapeRecord, ProbeRecord, RunSummary, WeightsRecord } from '../../../src/shared/protocol';
import { info, steps } from './helpers';

const done: RunSummary = { reason: 'completed', steps: 9, final: { trainLoss: 0.1, valLoss: 0.2, accuracy: 0.9 }, durationMs: 5 };

function hist(step: number, layer: number): HistogramRecord {
  return { step, layer, pre: { min: 0, max: 1, counts: [1, 2] }, act: { min: 0, max: 1, counts: [2, 1] }, deadFraction: 0, saturatedFraction: 0 };
}

function weights(step: number, layer: number): WeightsRecord {
  return { kind: 'weights', step, layer, fanIn: 2, units: 3, rows: 2, cols: 3, values: [step, 1, 2, 3, 4, layer] };
}

function landscape(step: number): LandscapeRecord {
  return { kind: 'landscape', step, mode: 'objective', xs: [0, 1], ys: [0, 1], values: [0, 1, 1, null], minima: [[0, 0]] };
}

describe('RunStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'runstore-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('collects a run: info, metrics appended in order, diagnostics replaced, summary', () => {
    const s = new RunStore({ maxRuns: 10 });
    assert.equal(s.activeRunId, null);
    s.begin(info('a'));
    assert.equal(s.liveRunId, 'a');
    s.appendMetrics('a', { steps: steps(0, 3), epochs: [], histograms: [] });
    s.appendMetrics('a', { steps: steps(3, 2), epochs: [{ epoch: 0, step: 4, trainLoss: 0.3 }], histograms: [] });
    s.appendMetrics('nope', { steps: steps(0, 100), epochs: [], histograms: [] });
    s.setDiagnostics('a', [{ code: 'X', severity: 'warning', message: 'm', step: 1, path: '/optimizer', evidence: {}, fixes: [] }]);
    s.setDiagnostics('a', []);
    s.finish('a', done);
    const [snap] = s.snapshots();
    assert.deepEqual(snap.metrics.steps.map((x) => x.step), [0, 1, 2, 3, 4]);
    assert.equal(snap.metrics.epochs.length, 1);
    assert.deepEqual(snap.diagnostics, []);
    assert.equal(snap.summary?.reason, 'completed');
    assert.equal(s.liveRunId, null);
    assert.equal(s.activeRunId, 'a', 'the latest run stays the active one when idle');
  });

  it('keeps the latest maxRuns runs, never dropping the live one', () => {
    const s = new RunStore({ maxRuns: 3 });
    for (const id of ['a', 'b', 'c', 'd']) {
      s.begin(info(id));
      s.finish(id, done);
    }
    assert.deepEqual(s.snapshots().map((r) => r.info.runId), ['b', 'c', 'd']);
    s.begin(info('e'));
    s.setMaxRuns(1);
    assert.deepEqual(s.snapshots().map((r) => r.info.runId), ['e']);
  });

  it('persists atomically and restores after a reload, thinned to ≤ 5000 points', async () => {
    const file = path.join(dir, 'sub', 'runs.json');
    const s = new RunStore({ maxRuns: 10, file });
    s.begin(info('long'));
    s.appendMetrics('long', { steps: steps(0, 12_345), epochs: [], histograms: [] });
    s.finish('long', { ...done, steps: 12_344 });
    s.begin(info('live'));
    s.appendMetrics('live', { steps: steps(0, 7), epochs: [], histograms: [] });
    await s.persist();
    assert.deepEqual(readdirSync(path.dirname(file)), ['runs.json'], 'no temp file left behind');

    const restored = new RunStore({ maxRuns: 10, file, now: () => 5000 });
    await restored.load();
    const [long, live] = restored.snapshots();
    assert.equal(long.info.runId, 'long');
    assert.ok(long.metrics.steps.length <= 5000, `stored points: ${long.metrics.steps.length}`);
    assert.ok(long.metrics.steps.length > 2000);
    assert.equal(long.metrics.steps[0].step, 0, 'first point kept');
    assert.equal(long.metrics.steps[long.metrics.steps.length - 1].step, 12_344, 'last point kept');
    // The in-progress run cannot continue after a reload: it is closed with the data it had.
    assert.equal(live.summary?.reason, 'stopped');
    assert.equal(live.summary?.steps, 6);
    assert.equal(live.metrics.steps.length, 7);
    assert.equal(restored.liveRunId, null);
    assert.equal(restored.activeRunId, 'live');
  });

  it('a reopened run keeps its weight snapshots and landscape grid (what the heat map and contours draw)', async () => {
    const file = path.join(dir, 'runs.json');
    const s = new RunStore({ maxRuns: 10, file });
    s.begin(info('net'));
    const probes: ProbeRecord[] = [];
    for (let k = 0; k <= 10; k++) for (let layer = 0; layer < 3; layer++) probes.push(weights(k * 1000, layer));
    s.appendMetrics('net', { steps: steps(0, 20_000), epochs: [], histograms: [], probes: probes.slice(0, 15) });
    s.appendMetrics('net', { steps: [], epochs: [], histograms: [], probes: [...probes.slice(15), landscape(10_000)] });
    s.finish('net', done);
    s.begin(info('next')); // compacts the finished run, as when the user starts another
    await s.persist();

    const restored = new RunStore({ maxRuns: 10, file });
    await restored.load();
    const net = restored.get('net')!;
    const got = net.metrics.probes ?? [];
    assert.equal(got.filter((p) => p.kind === 'weights').length, 33, 'every weight snapshot of every layer');
    const last = got.filter((p): p is WeightsRecord => p.kind === 'weights' && p.layer === 2).pop();
    assert.deepEqual(last, weights(10_000, 2), 'the latest matrix, intact');
    assert.deepEqual(got.find((p) => p.kind === 'landscape'), landscape(10_000), 'the landscape grid, intact');
    assert.ok(net.metrics.steps.length <= 5000, 'the steps were thinned, the probes were not');
  });

  it('bounds probes per series (kind and layer) for a worker that sends too many, keeping the latest', async () => {
    const file = path.join(dir, 'runs.json');
    const s = new RunStore({ maxRuns: 10, file });
    s.begin(info('flood'));
    for (let k = 0; k < 3000; k++) {
      s.appendMetrics('flood', { steps: steps(k, 1), epochs: [], histograms: [], probes: [weights(k, k % 2), landscape(k)] });
    }
    const live = s.get('flood')!.metrics.probes!;
    assert.ok(live.length <= 2000, `live probes bounded: ${live.length}`);
    s.finish('flood', done);
    await s.persist();
    const restored = new RunStore({ maxRuns: 10, file });
    await restored.load();
    const got = restored.get('flood')!.metrics.probes!;
    for (const [kind, layer] of [['weights', 0], ['weights', 1], ['landscape', undefined]] as const) {
      const series = got.filter((p) => p.kind === kind && (layer === undefined || ('layer' in p && p.layer === layer)));
      assert.ok(series.length > 10 && series.length <= 50, `${kind} ${layer ?? ''}: ${series.length}`);
      const steps_ = series.map((p) => p.step);
      assert.deepEqual(steps_, [...steps_].sort((a, b) => a - b), 'in order');
      assert.equal(steps_[steps_.length - 1], kind === 'landscape' ? 2999 : 2999 - ((2999 - (layer ?? 0)) % 2), 'the latest kept');
    }
  });

  it('serializes concurrent saves so the newest state wins', async () => {
    const file = path.join(dir, 'runs.json');
    const s = new RunStore({ maxRuns: 10, file });
    s.begin(info('a'));
    const p1 = s.persist();
    s.finish('a', done);
    const p2 = s.persist();
    await Promise.all([p1, p2]);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.runs[0].summary.reason, 'completed');
  });

  it('treats a missing or corrupt file as no runs', async () => {
    const s1 = new RunStore({ maxRuns: 10, file: path.join(dir, 'none.json') });
    await s1.load();
    assert.deepEqual(s1.snapshots(), []);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"version":1,"runs":[{"info":null}, 42]');
    const s2 = new RunStore({ maxRuns: 10, file: bad });
    await s2.load();
    assert.deepEqual(s2.snapshots(), []);
    writeFileSync(bad, JSON.stringify({ version: 1, runs: [{ info: null }, 42] }));
    await s2.load();
    assert.deepEqual(s2.snapshots(), [], 'malformed entries are skipped');
  });

  it('bounds the live run in memory and thins finished runs when a new one starts', () => {
    const s = new RunStore({ maxRuns: 10, maxLiveSteps: 1000, maxStoredPoints: 100, maxStoredHistograms: 40 });
    s.begin(info('a'));
    for (let i = 0; i < 30; i++) s.appendMetrics('a', { steps: steps(i * 100, 100), epochs: [], histograms: [] });
    const live = s.get('a')!;
    assert.ok(live.metrics.steps.length <= 1000, `live records: ${live.metrics.steps.length}`);
    assert.equal(live.metrics.steps[live.metrics.steps.length - 1].step, 2999);
    const hs: HistogramRecord[] = [];
    for (let st = 0; st < 50; st++) for (let l = 0; l < 2; l++) hs.push(hist(st, l));
    s.appendMetrics('a', { steps: [], epochs: [], histograms: hs });
    s.finish('a', done);
    s.begin(info('b'));
    const old = s.get('a')!;
    assert.ok(old.metrics.steps.length <= 100);
    assert.ok(old.metrics.histograms.length <= 40);
    const perStep = new Map<number, number>();
    for (const h of old.metrics.histograms) perStep.set(h.step, (perStep.get(h.step) ?? 0) + 1);
    assert.ok([...perStep.values()].every((n) => n === 2), 'histogram groups stay whole');
  });

  describe('a damaged or foreign history file', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['truncated JSON', '{"version":1,"runs":[{"info":', /not valid JSON/],
      ['another format', JSON.stringify({ hello: 'world' }), /not an Optimizer Debugger run history/],
      ['a future version', JSON.stringify({ version: 2, runs: [] }), /not an Optimizer Debugger run history/],
      ['binary garbage', '\u0000\u0001\u00ff PK', /not valid JSON/],
    ];
    for (const [what, content, why] of cases) {
      it(`${what}: skipped with a warning, copied aside, then replaced by new runs`, async () => {
        const file = path.join(dir, 'runs.json');
        writeFileSync(file, content);
        const warnings: string[] = [];
        const s = new RunStore({ maxRuns: 10, file, now: () => Date.UTC(2025, 0, 2, 3, 4, 5), onWarning: (m) => warnings.push(m) });
        await s.load();
        assert.deepEqual(s.snapshots(), []);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], why);
        const backup = 'runs.json.corrupt-2025-01-02T03-04-05-000Z';
        assert.match(warnings[0], new RegExp(backup.replace(/\./g, '\\.')));
        assert.equal(readFileSync(path.join(dir, backup), 'utf8'), content, 'the copy holds the original bytes');
        s.begin(info('new'));
        await s.persist();
        assert.equal(JSON.parse(readFileSync(file, 'utf8')).runs[0].info.runId, 'new');
        assert.equal(readFileSync(path.join(dir, backup), 'utf8'), content, 'the copy survives the next save');
      });
    }

    it('keeps the good runs of a partly damaged file, drops damaged records, and keeps a copy', async () => {
      const file = path.join(dir, 'runs.json');
      const good = { info: info('good'), metrics: { steps: [...steps(0, 3), null, { step: 'x' }], epochs: [7], histograms: [] }, diagnostics: [], summary: done };
      writeFileSync(file, JSON.stringify({ version: 1, runs: [good, { info: { runId: 'bad' } }, 42] }));
      const warnings: string[] = [];
      const s = new RunStore({ maxRuns: 10, file, onWarning: (m) => warnings.push(m) });
      await s.load();
      const snaps = s.snapshots();
      assert.deepEqual(snaps.map((r) => r.info.runId), ['good']);
      assert.deepEqual(snaps[0].metrics.steps.map((r) => r.step), [0, 1, 2]);
      assert.deepEqual(snaps[0].metrics.epochs, []);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /2 of 3 saved runs are damaged/);
      assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1);
    });

    it('a missing file is silent', async () => {
      const warnings: string[] = [];
      await new RunStore({ maxRuns: 10, file: path.join(dir, 'none.json'), onWarning: (m) => warnings.push(m) }).load();
      assert.deepEqual(warnings, []);
    });
  });

  it('a save requested while loading waits for the load and keeps the loaded runs', async () => {
    const file = path.join(dir, 'runs.json');
    const first = new RunStore({ maxRuns: 10, file });
    first.begin(info('old'));
    first.finish('old', done);
    await first.persist();
    const s = new RunStore({ maxRuns: 10, file });
    const loading = s.load();
    s.begin(info('new'));
    const saving = s.persist();
    await Promise.all([loading, saving]);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(saved.runs.map((r: { info: { runId: string } }) => r.info.runId), ['old', 'new']);
  });
});
