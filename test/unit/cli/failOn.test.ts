import { strict as assert } from 'node:assert';
import { main, type CliIO } from '../../../src/cli/main';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, columns: 100, cwd: process.cwd(), now: () => performance.now(), interrupted: () => false };
  return { code: await main(argv, io), stdout, stderr };
}

describe('cli: diagnoses in --json and --fail-on', function () {
  this.timeout(120_000);

  it('--json carries each diagnosis with code, severity, message, evidence, path, step and titled fixes', async () => {
    const r = await cli(['run', 'ravine-unnormalized', '--json', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { diagnostics: Record<string, unknown>[] };
    const d = out.diagnostics.find((x) => x.code === 'unnormalized-inputs');
    assert.ok(d, JSON.stringify(out.diagnostics.map((x) => x.code)));
    for (const k of ['code', 'severity', 'message', 'evidence', 'path', 'step', 'fixes']) assert.ok(k in d, k);
    assert.deepEqual(d.fixes, [{ path: '/data/normalize', value: true, title: 'Normalize the inputs', why: (d.fixes as { why: string }[])[0].why }]);
  });

  it('--fail-on warning exits 3 on a warning; --fail-on error does not; a healthy run exits 0', async () => {
    assert.equal((await cli(['run', 'ravine-unnormalized', '--quiet', '--fail-on', 'warning', '--backend', 'cpu'])).code, 3);
    assert.equal((await cli(['run', 'ravine-unnormalized', '--quiet', '--fail-on', 'error', '--backend', 'cpu'])).code, 0);
    assert.equal((await cli(['run', 'parabola-lr-0.2', '--quiet', '--fail-on', 'warning', '--backend', 'cpu'])).code, 0);
    const bad = await cli(['run', 'default', '--fail-on', 'never']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-on level 'never'/);
  });
});
