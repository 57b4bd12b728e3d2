import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError } from '../../../src/cli/args';
import { main, type CliIO } from '../../../src/cli/main';
import { packageRoot } from '../../../src/engine/examples';

describe('cli: --no-blas', function () {
  this.timeout(120_000);

  it('run, lr-find and landscape take it; native BLAS is on without it', () => {
    const blas = (argv: string[]) => {
      const c = parseArgs(argv);
      assert.ok(c.kind === 'run' || c.kind === 'lr-find' || c.kind === 'landscape', c.kind);
      return c.blas;
    };
    assert.equal(blas(['run', 'default']), true);
    assert.equal(blas(['run', 'default', '--no-blas']), false);
    assert.equal(blas(['lr-find', 'default']), true);
    assert.equal(blas(['lr-find', '--no-blas', 'default']), false);
    assert.equal(blas(['landscape', 'default']), true);
    assert.equal(blas(['landscape', 'default', '--no-blas', '--json']), false);
  });

  it('is a switch: no value, not for examples, and misspellings get a suggestion', () => {
    assert.throws(() => parseArgs(['run', 'default', '--no-blas=1']), /option --no-blas takes no value/);
    assert.throws(() => parseArgs(['examples', '--no-blas']), UsageError);
    assert.throws(() => parseArgs(['run', 'default', '--no-blsa']), /did you mean '--no-blas'/);
  });

  it('the summary says native BLAS is off, and the backend label is tfjs only', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      isTTY: false,
      columns: 100,
      cwd: process.cwd(),
      now: () => performance.now(),
      interrupted: () => false,
    };
    const code = await main(['run', 'parabola-lr-0.05', '--json', '--backend', 'cpu', '--no-blas'], io);
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout) as { backend: string; backendReason: string };
    assert.equal(out.backend, 'cpu');
    assert.equal(out.backendReason, 'cpu requested: using cpu; native BLAS turned off');
  });

  it('the built CLI loads the addon from next to its bundle (dist/native/; skipped before `npm run build`)', function () {
    const root = packageRoot();
    const cli = join(root, 'dist', 'cli.js');
    const addon = join(root, 'dist', 'native', 'optdbg_native.node');
    if (!existsSync(cli) || !existsSync(addon)) {
      // CI runs `npm ci` (which builds the addon) and `npm run build` before the unit tests.
      if (process.env.CI) assert.fail(`${existsSync(cli) ? addon : cli} missing in CI`);
      this.skip();
    }
    const env = { ...process.env };
    delete env.OPTIMIZER_DEBUGGER_BLAS;
    const r = spawnSync(process.execPath, [cli, 'run', 'parabola-lr-0.05', '--json', '--quiet', '--backend', 'cpu'], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { backend: string; backendReason: string };
    assert.match(out.backend, /^cpu \+ \w+$/, out.backendReason);
    assert.match(out.backendReason, /; dense nets beyond the small-net JS step train on \w+.* \(.+\)$/);
  });
});
