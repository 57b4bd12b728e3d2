import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { readLabels, runCase, score, type CaseResult } from '../../../src/cli/evalBench';
import { ALL_CODES } from '../../../src/diagnose';

/**
 * The labelled benchmark's floor. The full benchmark (`npm run eval:diagnostics`, ~1 min) reaches
 * precision and recall 1.0 on every code it covers; this test runs a subset (one case per code
 * plus healthy runs) on every test run so a change in a detector shows as a failure here.
 */
const DIR = join(__dirname, '..', '..', '..', 'benchmarks');
const HEALTHY = ['spiral-healthy-seed-1.optim.json', 'ravine-normalized.optim.json', 'quadratic-c-10-healthy.optim.json', 'parabola-a-0_2-healthy.optim.json', 'full-batch-gd-edge-of-stability.optim.json', 'spiral-healthy-gradient-check.optim.json', 'module-spiral-relu-correct-backprop.optim.json'];
/** Codes without a labelled positive case yet. */
const UNCOVERED: string[] = [];

describe('labelled diagnostics benchmark', function () {
  this.timeout(240_000);
  const labels = readLabels(DIR);

  it('has at least 40 cases, every covered code at least twice, and healthy runs', () => {
    const files = Object.keys(labels);
    assert.ok(files.length >= 40, `${files.length} cases`);
    for (const code of ALL_CODES) {
      if (UNCOVERED.includes(code)) continue;
      const n = files.filter((f) => labels[f].expect.includes(code)).length;
      assert.ok(n >= 2, `${code}: ${n} cases`);
    }
    assert.ok(files.filter((f) => labels[f].expect.length === 0).length >= 10);
  });

  it('a subset reaches precision 1 and recall 1 per code, with no diagnosis on healthy runs', async () => {
    const picked = new Set(HEALTHY);
    for (const code of ALL_CODES) {
      // The fastest case per code: restarts and long runs stay in the full eval.
      const f = Object.keys(labels).find((k) => labels[k].expect.includes(code) && !k.includes('restarts') && !k.includes('tiny-batch'));
      if (f) picked.add(f);
    }
    picked.add('circles-two-relu-units-restarts.optim.json');
    picked.add('tiny-batch-sgd-noisy-regression.optim.json');
    const results: CaseResult[] = [];
    for (const f of picked) results.push(await runCase(DIR, f, labels[f]));
    const s = score(results);
    const errors = results.filter((r) => r.error).map((r) => `${r.file}: ${r.error}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(s.healthyWithDiagnoses, []);
    assert.deepEqual(s.misses, []);
    assert.deepEqual(s.falseAlarms, []);
    for (const c of s.perCode) {
      assert.ok(c.precision >= 1 && c.recall >= 1, `${c.code}: precision ${c.precision}, recall ${c.recall}`);
    }
  });
});
