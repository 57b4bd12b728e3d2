import type { tf } from '../tf';

/**
 * What a step may need beyond the gradient: methods that evaluate the loss more than once per
 * step (line searches, Newton's Hessian) get it here, on the same (mini)batch as the gradient.
 * Plain first-order optimizers ignore it, so they cost nothing extra.
 */
export interface StepContext {
  /** Mean loss at the parameters' current values (a fresh tape-able computation). Call inside a tidy. */
  loss(): tf.Scalar;
  /** The loss at θ_t already computed with the gradient (not owned: do not dispose). */
  value: tf.Scalar;
  /**
   * True when tfjs can differentiate the loss twice exactly (the polynomial 2-D objectives);
   * networks use ops whose tfjs gradients are not differentiable again (see train/hessian.ts).
   */
  twiceDifferentiable?: boolean;
}

/** What a step reports back, when it chose its own step size. */
export interface StepOutcome {
  /** The α actually taken along the step direction (a line search's choice; 0: no step). */
  lr: number;
}

/**
 * One optimizer = one small module with PyTorch (torch.optim) semantics, so runs can be checked
 * number-for-number against PyTorch. State lives in tf.Variables created on the first step.
 */
export interface Optimizer {
  /**
   * Applies one update in place (`assign`). `grads[i]` is the gradient of `params[i]`. Methods
   * with a line search return the α they took (recorded as the step's learning rate).
   */
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number, ctx?: StepContext): StepOutcome | void;
  /**
   * Iterate averaging only: the loss at the averaged parameters θ̄ (θ itself before the first
   * update). Restores θ before returning. Call inside a tidy.
   */
  lossAtAverage?(params: tf.Variable[], ctx: StepContext): tf.Scalar;
  /**
   * The same update on plain arrays, in place, with the same float32 rounding at every operation
   * (optimizers/arrays.ts); the fused small-net path (engine/fused/) uses it. Its state is kept in
   * JS, apart from the tensor form's: a run uses one form throughout. Absent for methods that need
   * tfjs (line searches, Newton, averaging).
   */
  stepArrays?(params: Float32Array[], grads: Float32Array[], lr: number): void;
  /**
   * stepArrays (the same bits) that also sums what the step statistics need, in the update's own
   * pass: per parameter i, Σg², Σ(θ' − θ)² and Σθ² at sums[3i…3i + 2] (fused/arrayKernels.ts
   * STEP_SUMS; float64 sums, of float32 products on the SIMD path). No copy of θ is kept, so the
   * BLAS step (fused/blasStep.ts) takes it when present; methods without it get separate passes.
   */
  stepArraysWithSums?(params: Float32Array[], grads: Float32Array[], lr: number, sums: Float64Array): void;
  /** Frees the state variables. */
  dispose(): void;
}
