import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blasShortName, selectBackend, withNativeBlas } from '../../../src/engine/backend';
import { nativeKernels, useNativeKernels, type NativeKernels } from '../../../src/engine/native/kernels';
import { blasEnvOff, loadNativeKernels, loadNativeKernelsWith } from '../../../src/engine/native/load';
import { referenceKernels } from '../../../src/engine/native/reference';
import type { BackendChoice } from '../../../src/shared/protocol';

describe('engine: loading the native BLAS addon and the switch', () => {
  let dir: string;
  const previous = nativeKernels();
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-native-'));
  });
  after(() => {
    useNativeKernels(previous);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const addon = loadNativeKernelsWith();
  function needsAddon(ctx: Mocha.Context): void {
    if (addon.kernels) return;
    if (process.env.CI) assert.fail(`the native addon must load in CI: ${addon.why}`);
    if (ctx.test) ctx.test.title += ` (skipped: ${addon.why})`;
    ctx.skip();
  }

  it('no addon in the folders searched: says it is not built', () => {
    const r = loadNativeKernelsWith({ dirs: [dir] });
    assert.equal(r.kernels, undefined);
    assert.equal(r.why, 'native addon not built (npm run build:native)');
  });

  it('a file that is not a loadable addon: says it failed to load, never throws', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'optdbg_native.node'), 'not a shared object');
    const r = loadNativeKernelsWith({ dirs: [bad] });
    assert.equal(r.kernels, undefined);
    assert.match(r.why ?? '', /^native addon failed to load: /);
  });

  it('OPTIMIZER_DEBUGGER_BLAS=off (or 0, false, none) means no kernels', () => {
    for (const v of ['off', 'OFF', '0', 'false', 'none', ' off ']) assert.ok(blasEnvOff(v), v);
    for (const v of [undefined, '', '/usr/lib/libopenblas.so.0', 'offline.so']) assert.ok(!blasEnvOff(v), String(v));
    const r = loadNativeKernelsWith({ blasEnv: 'off' });
    assert.equal(r.kernels, undefined);
    assert.equal(r.why, 'OPTIMIZER_DEBUGGER_BLAS=off');
  });

  it('OPTIMIZER_DEBUGGER_BLAS naming a missing file: no kernels, and the why names it (no silent fallback)', function () {
    needsAddon(this);
    const missing = path.join(dir, 'no-such-libblas.so');
    const r = loadNativeKernelsWith({ blasEnv: missing });
    assert.equal(r.kernels, undefined);
    assert.ok(r.why?.startsWith(`OPTIMIZER_DEBUGGER_BLAS: cannot use BLAS library ${missing} (`), r.why);
  });

  it('OPTIMIZER_DEBUGGER_BLAS naming a library without cblas_sgemm says so', function () {
    needsAddon(this);
    if (process.platform !== 'linux') this.skip();
    const r = loadNativeKernelsWith({ blasEnv: 'libm.so.6' });
    assert.equal(r.kernels, undefined);
    assert.equal(r.why, 'OPTIMIZER_DEBUGGER_BLAS: cannot use BLAS library libm.so.6 (no cblas_sgemm in it)');
  });

  it('the addon names the BLAS it opened (library and file)', function () {
    needsAddon(this);
    assert.match(addon.kernels!.library, /^(OpenBLAS|MKL|BLIS|Accelerate|BLAS)\b.* \(.+\)$/);
  });

  const wasm: BackendChoice = { name: 'wasm', label: 'wasm (SIMD)', reason: 'auto: @tensorflow/tfjs-node not installed; using wasm (SIMD)' };
  const openblas: NativeKernels = { ...referenceKernels, library: 'OpenBLAS 0.3.21 Haswell (libopenblas.so.0)' };

  it('kernels loaded: current, and the label and reason say which BLAS', () => {
    const b = withNativeBlas(wasm, true, () => ({ kernels: openblas }), {});
    assert.equal(nativeKernels(), openblas);
    assert.deepEqual(b, {
      name: 'wasm',
      label: 'wasm (SIMD) + OpenBLAS',
      reason: 'auto: @tensorflow/tfjs-node not installed; using wasm (SIMD); dense nets beyond the small-net JS step train on OpenBLAS 0.3.21 Haswell (libopenblas.so.0)',
      blas: 'OpenBLAS 0.3.21 Haswell (libopenblas.so.0)',
    });
  });

  it('switched off (setting or --no-blas): no kernels, the loader is not even asked', () => {
    useNativeKernels(openblas);
    const b = withNativeBlas(wasm, false, () => assert.fail('loaded although off'), {});
    assert.equal(nativeKernels(), undefined);
    assert.deepEqual(b, { ...wasm, reason: `${wasm.reason}; native BLAS turned off` });
  });

  it('OPTIMIZER_DEBUGGER_BLAS=off in the environment turns it off too', () => {
    useNativeKernels(openblas);
    const b = withNativeBlas(wasm, true, () => assert.fail('loaded although off'), { OPTIMIZER_DEBUGGER_BLAS: 'off' });
    assert.equal(nativeKernels(), undefined);
    assert.equal(b.label, 'wasm (SIMD)');
    assert.equal(b.reason, `${wasm.reason}; native BLAS off (OPTIMIZER_DEBUGGER_BLAS=off)`);
  });

  it('not loadable: no kernels, the reason says why', () => {
    useNativeKernels(openblas);
    const b = withNativeBlas(wasm, true, () => ({ why: 'no BLAS library found: tried libopenblas.so.0 (cannot open shared object file)' }), {});
    assert.equal(nativeKernels(), undefined);
    assert.equal(b.blas, undefined);
    assert.equal(b.label, 'wasm (SIMD)');
    assert.equal(b.reason, `${wasm.reason}; no native BLAS (no BLAS library found: tried libopenblas.so.0 (cannot open shared object file))`);
  });

  it('short names for the status bar', () => {
    assert.equal(blasShortName('OpenBLAS 0.3.21 Haswell (libopenblas.so.0)'), 'OpenBLAS');
    assert.equal(blasShortName('MKL 2024.0 (libmkl_rt.so.2)'), 'MKL');
    assert.equal(blasShortName('Accelerate (Accelerate)'), 'Accelerate');
    assert.equal(blasShortName(''), 'BLAS');
  });

  it('selectBackend applies the switch: on uses what the loader found, off clears it', async () => {
    const found = loadNativeKernels();
    const on = await selectBackend('cpu');
    if (process.env.OPTIMIZER_DEBUGGER_BLAS && blasEnvOff(process.env.OPTIMIZER_DEBUGGER_BLAS)) {
      assert.equal(nativeKernels(), undefined);
    } else if (found.kernels) {
      assert.equal(nativeKernels(), found.kernels);
      assert.equal(on.blas, found.kernels.library);
      assert.equal(on.label, `cpu + ${blasShortName(found.kernels.library)}`);
    } else {
      assert.equal(nativeKernels(), undefined);
      assert.ok(on.reason.endsWith(`; no native BLAS (${found.why})`), on.reason);
    }
    const off = await selectBackend('cpu', [], false);
    assert.equal(nativeKernels(), undefined);
    assert.deepEqual(off, { name: 'cpu', label: 'cpu', reason: 'cpu requested: using cpu; native BLAS turned off' });
  });
});
