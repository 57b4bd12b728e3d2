/**
 * A/B of the two dense-layer paths (model/dense.ts) on one backend, interleaved, medians of 5
 * half-second trials of the bare loop:  npx tsx bench/fusedVsPlain.ts wasm 1   (workload index).
 */
import { tf } from '../src/engine/tf';
import { selectBackend } from '../src/engine/backend';
import { loadDataset } from '../src/engine/data/load';
import { networkProblem } from '../src/engine/train/network';
import { createOptimizer } from '../src/engine/optimizers';
import { experimentFor, mnistIdxDir, WORKLOADS, cleanUpData } from './workloads';
import { median } from './stats';
async function main() {
  const be = process.argv[2] ?? 'wasm'; const wi = +(process.argv[3] ?? 1);
  await selectBackend(be as 'wasm');
  const w = WORKLOADS[wi]; const exp = experimentFor(w);
  const ds = loadDataset(exp.data, { seed: 1, baseDir: mnistIdxDir(), output: exp.model.output, warn: () => undefined });
  const res: Record<string, number[]> = { plain: [], fused: [] };
  for (let r = 0; r < 5; r++) for (const fused of [false, true]) {
    const p = networkProblem(exp, ds, fused); const opt = createOptimizer(exp.optimizer);
    const step = (s: number) => { const l = tf.tidy(() => { const { value, grads } = tf.variableGrads(() => p.loss(s), p.params); opt.step(p.params, p.params.map((q) => grads[q.name]), 1e-3); return value; }); l.dataSync(); l.dispose(); };
    for (let s = 0; s < 5; s++) step(s);
    const t0 = performance.now(); let n = 0;
    while (performance.now() - t0 < 500) step(5 + n++);
    res[fused ? 'fused' : 'plain'].push(n / (performance.now() - t0) * 1000);
    opt.dispose(); p.dispose();
  }
  console.log(be, w.id, 'plain', median(res.plain).toFixed(0), 'fused', median(res.fused).toFixed(0), 'tensors', tf.memory().numTensors);
  cleanUpData();
}
main();
