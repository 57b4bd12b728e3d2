import type { tf } from '../tf';

/**
 * One optimizer = one small module with PyTorch (torch.optim) semantics, so runs can be checked
 * number-for-number against PyTorch. State lives in tf.Variables created on the first step.
 */
export interface Optimizer {
  /** Applies one update in place (`assign`). `grads[i]` is the gradient of `params[i]`. */
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  /** Frees the state variables. */
  dispose(): void;
}
