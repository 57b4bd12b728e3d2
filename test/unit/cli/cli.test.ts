import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIO } from '../../../src/cli/main';
import { packageRoot } from '../../../src/engine/examples';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], opts: { cwd?: string; isTTY?: boolean; interrupted?: () => boolean } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    isTTY: opts.isTTY ?? false,
    columns: 100,
    cwd: opts.cwd ?? process.cwd(),
    now: () => performance.now(),
    interrupted: opts.interrupted ?? (() => false),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const NO_STACK = /^\s+at /m;

describe('cli', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'optim-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json on parabola-lr-0.2 prints one JSON object with the lecture numbers', async () => {
    const r = await cli(['run', 'parabola-lr-0.2', '--json', '--backend', 'cpu', '--no-blas']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'exactly one line on stdout');
    const out = JSON.parse(lines[0]) as Record<string, unknown> & { final: { trainLoss: number; valLoss: unknown; accuracy: unknown }; point: number[] };
    assert.equal(out.experiment, 'Parabola x², α = 0.2');
    assert.equal(out.backend, 'cpu');
    assert.equal(out.steps, 30);
    assert.equal(out.reason, 'completed');
    assert.deepEqual(out.diagnostics, []);
    // f = x² with x_k = 10·0.6^k: f_30 = 100·0.36^30 ≈ 4.89e-12.
    const expected = 100 * 0.36 ** 30;
    assert.ok(Math.abs(out.final.trainLoss - expected) / expected < 1e-3, `final loss ${out.final.trainLoss}`);
    assert.equal(out.final.valLoss, null);
    assert.ok(Math.abs(out.point[0] - 10 * 0.6 ** 30) < 1e-9);
  });

  it('--trace writes the point at every step: x = 10, 6, 3.6, 2.16, ...', async () => {
    const file = join(dir, 'trace.json');
    const r = await cli(['run', 'parabola-lr-0.2', '--trace', file, '--quiet', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as { steps: { step: number; loss: number; params: [number, number] }[] };
    assert.equal(trace.steps.length, 31);
    assert.deepEqual(trace.steps.map((s) => s.step), Array.from({ length: 31 }, (_, i) => i));
    const xs = trace.steps.slice(0, 4).map((s) => s.params[0]);
    [10, 6, 3.6, 2.16].forEach((x, i) => assert.ok(Math.abs(xs[i] - x) < 1e-5, `x_${i} = ${xs[i]}, expected ${x}`));
    assert.ok(Math.abs(trace.steps[1].loss - 36) < 1e-4);
    assert.ok(trace.steps.every((s) => s.params[1] === 0));
  });

  it('the slow parabola goes 10, 9, 8.1, 7.29', async () => {
    const file = join(dir, 'slow.json');
    const r = await cli(['run', 'parabola-lr-0.05', '--trace', file, '--json', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    const xs = (JSON.parse(readFileSync(file, 'utf8')) as { steps: { params: number[] }[] }).steps.map((s) => s.params[0]);
    [10, 9, 8.1, 7.29].forEach((x, i) => assert.ok(Math.abs(xs[i] - x) < 1e-5));
  });

  it('prints a summary table and a Diagnosis section on a terminal', async () => {
    const r = await cli(['run', 'parabola-lr-0.2', '--backend', 'cpu'], { isTTY: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Summary\n/);
    assert.match(r.stdout, /Backend\s+cpu/);
    assert.match(r.stdout, /Steps\s+30 of 30/);
    assert.match(r.stdout, /Result\s+completed/);
    assert.match(r.stdout, /Diagnosis\n\s+no problems detected/);
    assert.match(r.stderr, /\r\[#+\]\s+100%\s+30\/30 steps/);
  });

  it('a network run reports validation loss and accuracy, progress at most every 10 % off a terminal', async () => {
    const exp = join(dir, 'tiny.optim.json');
    writeFileSync(exp, JSON.stringify({
      name: 'tiny', seed: 3, data: { synthetic: 'xor', samples: 200 },
      model: { layers: [{ units: 8, activation: 'tanh' }] }, optimizer: { name: 'adam', learningRate: 0.05 },
      training: { epochs: 10, batchSize: 20 },
    }));
    const r = await cli(['run', exp, '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Val loss\s+\d/);
    assert.match(r.stdout, /Accuracy\s+\d+\.\d %/);
    const progressLines = r.stderr.split('\n').filter((l) => l.startsWith('progress'));
    assert.ok(progressLines.length >= 1 && progressLines.length <= 11, r.stderr);
    assert.ok(!r.stderr.includes('\r'));
  });

  it('an invalid file exits 2, naming the file, every JSON path and what is wrong, without a stack', async () => {
    const exp = join(dir, 'experiment.optim.json');
    writeFileSync(exp, '{ "objective": { "function": "sphere" }, "optimizer": { "name": "adma", "learningRate": -1 } }');
    const r = await cli(['run', 'experiment.optim.json'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /experiment\.optim\.json: \/optimizer\/learningRate: must be a number > 0, got -1/);
    assert.match(r.stderr, /experiment\.optim\.json: \/optimizer\/name: unknown optimizer 'adma'.*did you mean 'adam'/);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  it('a JSONC syntax error exits 2 with line and column', async () => {
    const exp = join(dir, 'broken.optim.json');
    writeFileSync(exp, '{\n  "objective": { "function": "sphere" \n');
    const r = await cli(['run', exp]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.optim\.json: syntax error at line \d+:\d+/);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  it('a missing file, an unknown example and bad flags exit 2', async () => {
    const missing = await cli(['run', 'nope/absent.optim.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /absent\.optim\.json: cannot read the experiment file: no such file/);
    const unknown = await cli(['run', 'rosenbrok-gd']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown example 'rosenbrok-gd'; did you mean 'rosenbrock-gd'\?/);
    for (const argv of [['run'], ['run', 'default', '--backend', 'tpu'], ['run', 'default', '--jsn'], ['frobnicate'], [], ['run', 'a', 'b']]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /Usage:/);
      assert.doesNotMatch(r.stderr, NO_STACK);
    }
  });

  it('a data error found by the engine exits 2 with its JSON path', async () => {
    const exp = join(dir, 'csv.optim.json');
    writeFileSync(exp, JSON.stringify({ data: { csv: 'missing.csv', target: 'y' }, model: {} }));
    const r = await cli(['run', exp, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /csv\.optim\.json: \/data\/csv: /);
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  it('prints validation warnings and still runs', async () => {
    const exp = join(dir, 'warn.optim.json');
    writeFileSync(exp, JSON.stringify({ objective: { function: 'sphere' }, optimizer: { name: 'sgd', learningrate: 0.1 }, training: { steps: 3 } }));
    const r = await cli(['run', exp, '--json', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\/optimizer\/learningrate: warning: unknown property 'learningrate'.*did you mean 'learningRate'/);
    assert.equal(JSON.parse(r.stdout).steps, 3);
  });

  it('Ctrl-C stops the run cleanly, prints the summary and exits 130', async () => {
    const r = await cli(['run', 'rosenbrock-gd', '--backend', 'cpu'], { interrupted: () => true });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stdout, /Result\s+stopped/);
  });

  it('examples lists every id with its title; --version and --help', async () => {
    const r = await cli(['examples']);
    assert.equal(r.code, 0);
    for (const id of ['default', 'parabola-lr-0.2', 'rosenbrock-adam', 'ravine-normalized', 'spiral-dead-relu']) assert.match(r.stdout, new RegExp(`^${id}\\s+\\S`, 'm'));
    const j = await cli(['examples', '--json']);
    assert.ok((JSON.parse(j.stdout) as { id: string }[]).some((e) => e.id === 'saddle'));
    const v = await cli(['--version']);
    assert.equal(v.stdout.trim(), (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version);
    const h = await cli(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /optimizer-debugger run <file.optim.json \| example-id>/);
  });

  it('the built bundle dist/cli.js runs an example end to end (skipped before `npm run build`)', function () {
    const bundle = join(packageRoot(), 'dist', 'cli.js');
    if (!existsSync(bundle)) this.skip();
    const r = spawnSync(process.execPath, [bundle, 'run', 'parabola-lr-0.2', '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { steps: number; backend: string };
    assert.equal(out.steps, 30);
    assert.ok(out.backend.length > 0);
    const bad = spawnSync(process.execPath, [bundle, 'run', 'no-such-example'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(bad.status, 2);
    assert.doesNotMatch(bad.stderr, NO_STACK);
  });
});
