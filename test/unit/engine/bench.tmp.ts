import { selectBackend } from '../../../src/engine/backend';
import { loadDataset } from '../../../src/engine/data/load';
import { networkProblem } from '../../../src/engine/train/network';
import { trainStep } from '../../../src/engine/train/step';
import { createOptimizer } from '../../../src/engine/optimizers';
import { networkExp } from './fixtures';
import { tf } from '../../../src/engine/tf';
(async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await selectBackend(backend);
    for (const tfree of [false, true]) for (const bs of [32, 480]) {
      const exp = networkExp({ training: { batchSize: bs } });
      const ds = loadDataset(exp.data, { seed: 1, baseDir: '.', output: 'softmax', warn: () => {} });
      const p = networkProblem(exp, ds, tfree);
      for (const optName of ['sgd', 'adam'] as const) {
        const opt = createOptimizer({ ...exp.optimizer, name: optName });
        for (let i = 0; i < 50; i++) trainStep(p, opt, { step: i, epoch: 0, lr: 0.01, update: true });
        const t = performance.now();
        const N = 500;
        for (let i = 0; i < N; i++) trainStep(p, opt, { step: i, epoch: 0, lr: 0.01, update: true });
        const dt = performance.now() - t;
        let t2 = performance.now();
        for (let i = 0; i < N; i++) { const l = tf.tidy(() => tf.variableGrads(() => p.loss(i), p.params).value); l.dataSync(); l.dispose(); }
        const dg = performance.now() - t2;
        console.log(backend, 'transposeFree', tfree, 'bs', bs, optName, 'ms/step', (dt / N).toFixed(3), 'grad only', (dg / N).toFixed(3));
        opt.dispose();
      }
      p.dispose();
    }
  }
})();
