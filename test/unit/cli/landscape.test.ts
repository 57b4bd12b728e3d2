import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIO } from '../../../src/cli/main';
import { parseArgs, UsageError } from '../../../src/cli/args';
import type { LandscapeRecord } from '../../../src/shared/protocol';

async function cli(argv: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, columns: 100, cwd, now: () => performance.now(), interrupted: () => false };
  return { code: await main(argv, io), stdout, stderr };
}

describe('cli: landscape', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'optdbg-landscape-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const linReg = {
    name: 'linreg', seed: 3,
    data: { synthetic: 'linear', samples: 200, noise: 0.1, validation: 0.2 },
    model: { layers: [], output: 'linear', loss: 'mse' },
    optimizer: { name: 'sgd', learningRate: 0.1 },
    training: { epochs: 10, batchSize: 20 },
    compare: [{ optimizer: { name: 'adam' } }],
  };

  it('--json prints the line (a parabola for linear regression) and the slice range; --out writes both grids', async () => {
    const file = join(dir, 'linreg.optim.json');
    writeFileSync(file, JSON.stringify(linReg));
    const r = await cli(['landscape', file, '--json', '--backend', 'cpu', '--out', 'grids.json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { steps: number; rows: number; line: { t: number[]; loss: number[] }; plane: { points: number; min: number; max: number } };
    assert.equal(out.steps, 80, 'the base run only: compare variants are not trained');
    assert.equal(out.rows, 160);
    assert.equal(out.line.t.length, 41);
    const v = out.line.loss;
    const d2 = v.slice(2).map((x, i) => x - 2 * v[i + 1] + v[i]);
    d2.forEach((x) => assert.ok(Math.abs(x - d2[0]) < 1e-3 * Math.max(...v), `second differences ${d2[0]} vs ${x}`));
    assert.ok(out.plane.points === 25 && out.plane.min < out.plane.max);
    const grids = JSON.parse(readFileSync(join(dir, 'grids.json'), 'utf8')) as { line: LandscapeRecord; plane: LandscapeRecord };
    assert.equal(grids.line.mode, 'line');
    assert.equal(grids.plane.values.length, 625);
    assert.equal(Math.min(...(grids.plane.values as number[])), out.plane.min);
  });

  it('the text report marks the initial and final weights; objectives and bad flags exit 2', async () => {
    const r = await cli(['landscape', 'default', '--backend', 'cpu', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0\.00 {2}[\d.]+ {2}← initial/);
    assert.match(r.stdout, /1\.00 {2}[\d.]+ {2}← final/);
    assert.match(r.stdout, /min [\d.]+ {2}max [\d.]+/);
    const o = await cli(['landscape', 'rosenbrock-adam', '-q']);
    assert.equal(o.code, 2);
    assert.match(o.stderr, /for networks/);
    assert.throws(() => parseArgs(['landscape', 'a', 'b']), UsageError);
    assert.throws(() => parseArgs(['run', 'default', '--out', 'x.json']), /only applies to 'landscape'/);
  });
});
