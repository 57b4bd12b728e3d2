import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chooseBackend, selectBackend, tryCandidate, wasmDir } from '../../../src/engine/backend';
import { tf } from '../../../src/engine/tf';

describe('engine: backend selection', () => {
  it('auto falls back to WASM here, saying tfjs-node is not installed', async () => {
    const b = await selectBackend('auto', [os.tmpdir()]);
    assert.strictEqual(b.name, 'wasm');
    assert.strictEqual(tf.getBackend(), 'wasm');
    assert.match(b.label, /^wasm/);
    assert.match(b.reason, /^auto: /);
    assert.match(b.reason, /@tensorflow\/tfjs-node-gpu not installed/);
    assert.match(b.reason, /@tensorflow\/tfjs-node not installed/);
    assert.match(b.reason, /using wasm/);
  });

  it('WASM really computes in Node', async () => {
    const b = await selectBackend('wasm', [], false);
    assert.strictEqual(b.name, 'wasm');
    assert.strictEqual(b.reason, `wasm requested: using ${b.label}; native BLAS turned off`);
    const r = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync());
    assert.deepStrictEqual(Array.from(r), [17, 39]);
    assert.ok(wasmDir(), 'wasm binaries located');
  });

  it('an explicit native preference fails over with the reason', async () => {
    const b = await selectBackend('node');
    assert.strictEqual(b.name, 'wasm');
    assert.match(b.reason, /^node requested: @tensorflow\/tfjs-node not installed; using wasm/);
  });

  it('falls back to CPU when WASM cannot initialise, and CPU computes', async () => {
    const b = await chooseBackend('auto', async (c) =>
      c === 'wasm' ? { ok: false, why: 'WASM backend failed to initialise' } : tryCandidate(c),
    );
    assert.strictEqual(b.name, 'cpu');
    assert.match(b.reason, /tfjs-node not installed; WASM backend failed to initialise; using cpu$/);
    assert.strictEqual(tf.getBackend(), 'cpu');
    const r = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
    assert.strictEqual(r, 6);
  });

  it('loads tfjs-node from an extra node_modules folder, and reports one that fails to load', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-nm-'));
    const pkg = (name: string, body: string) => {
      fs.mkdirSync(path.join(dir, name), { recursive: true });
      fs.writeFileSync(path.join(dir, name, 'index.js'), body);
    };
    // Stand-ins: the real packages register a backend named "tensorflow" in the shared tfjs engine.
    const core = JSON.stringify(require.resolve('@tensorflow/tfjs-core'));
    const cpu = JSON.stringify(require.resolve('@tensorflow/tfjs-backend-cpu'));
    pkg('@tensorflow/tfjs-node', `require(${core}).registerBackend('tensorflow', () => new (require(${cpu}).MathBackendCPU)(), 0);`);
    pkg('@tensorflow/tfjs-node-gpu', `throw new Error('libcuda.so.1: cannot open shared object file');`);
    try {
      const b = await selectBackend('auto', [dir], false);
      assert.strictEqual(b.name, 'tensorflow');
      assert.strictEqual(b.label, 'tfjs-node');
      assert.strictEqual(
        b.reason,
        'auto: @tensorflow/tfjs-node-gpu failed to load: libcuda.so.1: cannot open shared object file; using tfjs-node; native BLAS turned off',
      );
    } finally {
      await selectBackend('cpu');
      tf.removeBackend('tensorflow');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cpu returns cpu', async () => {
    const b = await selectBackend('cpu', [], false);
    assert.deepStrictEqual(b, { name: 'cpu', label: 'cpu', reason: 'cpu requested: using cpu; native BLAS turned off' });
    assert.strictEqual(tf.getBackend(), 'cpu');
  });
});
