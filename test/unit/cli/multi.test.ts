import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIO } from '../../../src/cli/main';

async function cli(argv: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, columns: 100, cwd, now: () => performance.now(), interrupted: () => false };
  return { code: await main(argv, io), stdout, stderr };
}

describe('cli: compare, restarts, search, lr-find', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'optdbg-multi-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a compare run prints a table per variant and --trace writes one trace per variant', async () => {
    const file = join(dir, 'trace.json');
    const r = await cli(['run', 'ravine-compare', '--trace', file, '--backend', 'cpu', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Compare \(same data and seed\)/);
    for (const v of ['sgd α=0.035', 'momentum μ=0.9', 'adam α=0.1']) assert.match(r.stdout, new RegExp(v));
    const t = JSON.parse(readFileSync(file, 'utf8')) as { steps: unknown[]; variants: { name: string; steps: { step: number; params: [number, number] }[] }[] };
    assert.deepEqual(t.variants.map((v) => v.name), ['sgd α=0.035', 'momentum μ=0.9', 'adam α=0.1']);
    for (const v of t.variants) {
      assert.equal(v.steps.length, 151);
      assert.deepEqual(v.steps[0].params, [10, 1], 'every variant starts at the same point');
    }
    assert.equal(t.steps.length, 151, 'steps stays the main run, as for a single run');
  });

  it('--json adds variants, the restarts spread and the search table', async () => {
    const file = join(dir, 'multi.optim.json');
    writeFileSync(file, JSON.stringify({
      name: 'multi', objective: { function: 'quadratic', start: [3, 1] }, optimizer: { name: 'sgd', learningRate: 0.05 }, training: { steps: 20 },
      restarts: 2,
      compare: [{ optimizer: { name: 'adam', learningRate: 0.1 } }],
      search: { trials: 4, space: { '/optimizer/learningRate': { logUniform: [0.001, 0.15] } } },
    }));
    const r = await cli(['run', file, '--json', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { variants: { name: string; reason: string }[]; restarts: { finalLosses: number[]; spread: number; min: number; max: number }; search: { trials: { finalLoss: number }[] }; diagnostics: { code: string }[] };
    assert.deepEqual(out.variants.map((v) => [v.name, v.reason]), [['sgd α=0.05', 'completed'], ['adam α=0.1', 'completed']]);
    assert.equal(out.restarts.finalLosses.length, 3);
    assert.ok(Math.abs(out.restarts.spread - (out.restarts.max - out.restarts.min)) < 1e-12);
    assert.equal(out.search.trials.length, 4);
    assert.ok(out.diagnostics.some((d) => d.code === 'search-best'));
  });

  it('lr-find prints the suggestion; --json gives the curve', async () => {
    const text = await cli(['lr-find', 'rosenbrock-adam', '--steps', '40', '--backend', 'cpu', '-q']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Suggested learning rate: [0-9.e-]+/);
    const r = await cli(['lr-find', 'rosenbrock-adam', '--min', '1e-4', '--max', '100', '--steps', '40', '--json', '--backend', 'cpu']);
    const out = JSON.parse(r.stdout) as { suggested: number; exploded: boolean; points: { lr: number; loss: number }[] };
    assert.ok(out.suggested > 1e-4 && out.suggested < 100);
    assert.ok(out.exploded);
    assert.ok(out.points.length > 5 && out.points.length <= 40);
    assert.equal(out.points[0].lr, 1e-4);
    const bad = await cli(['lr-find', 'rosenbrock-adam', '--min', '1', '--max', '0.1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max must be/);
  });
});
