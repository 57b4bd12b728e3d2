/**
 * The PyTorch MLP fixture (a 2-6(tanh)-3 softmax MLP from torch's own initial weights, full batch)
 * on one of the engine's array steps (the fused JS step, the BLAS step): what fused.test.ts and
 * fusedBlas.test.ts both check.
 */
import * as assert from 'node:assert/strict';
import type { StepRecord } from '../../../src/shared/protocol';
import type { FusedLayer } from '../../../src/engine/fused/denseNet';
import { Head } from '../../../src/engine/model/loss';
import { Mlp } from '../../../src/engine/model/mlp';
import { createOptimizer, type Optimizer } from '../../../src/engine/optimizers';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import type { StepInput } from '../../../src/engine/train/step';
import { label, optimizerSpec, type MlpFixture } from './referenceFixtures';

export interface ArrayStepper {
  step(optimizer: Optimizer, s: StepInput, x: Float32Array, y: Float32Array, rows: number): StepRecord | undefined;
  /** Writes θ to the Variables, for steppers that keep it elsewhere. */
  sync?(): void;
}

/** Every case trained from torch's θ₀ with a stepper from `make`: losses and final weights within 1e-5 of PyTorch's. */
export function assertMlpFixture(fixture: MlpFixture, make: (shape: FusedLayer[], rows: number, model: Mlp) => ArrayStepper): void {
  const n = fixture.x.length;
  const classes = Array.from({ length: fixture.classes }, String);
  for (const c of fixture.cases) {
    const spec = optimizerSpec(c.optimizer);
    const model = new Mlp({ layers: fixture.layers, output: 'softmax', loss: 'crossentropy', init: { scheme: 'zeros', scale: 1, bias: 0 } }, 2, fixture.classes, new Rng(1));
    model.params.forEach((p, i) => p.assign(tf.tensor(fixture.init[i], p.shape)));
    const head = new Head('softmax', 'crossentropy', { classes, nOutputs: fixture.classes });
    const shape = model.layers.map((l) => ({ nIn: l.W.shape[0], nOut: l.units, activation: l.activation }));
    const stepper = make(shape, n, model);
    const x = Float32Array.from(fixture.x.flat());
    const y = head.encodeTargets(Float32Array.from(fixture.y));
    const opt = createOptimizer(spec);
    let worst = 0;
    for (let k = 0; k <= c.steps; k++) {
      const r = stepper.step(opt, { step: k, epoch: 0, lr: spec.learningRate, update: k < c.steps }, x, y, n);
      assert.ok(r, `${label(c.optimizer)}: has an array form`);
      worst = Math.max(worst, Math.abs(r.loss - c.losses[k]) / Math.max(Math.abs(c.losses[k]), 0.01 * c.losses[0]));
    }
    assert.ok(worst <= 1e-5, `${label(c.optimizer)}: losses differ from PyTorch by ${worst.toExponential(2)}`);
    stepper.sync?.();
    model.params.forEach((p, i) => {
      const ours = Array.from(p.dataSync());
      const ref = c.final[i];
      const dw = Math.hypot(...ours.map((v, j) => v - ref[j])) / Math.hypot(...ref);
      assert.ok(dw <= 1e-5, `${label(c.optimizer)}: final weights ${i} differ by ${dw.toExponential(2)}`);
    });
    opt.dispose();
    model.dispose();
  }
}
