/**
 * Learning-rate schedules as a function of the epoch (for objectives and full-batch runs an
 * epoch is one step). α₀ is `optimizer.learningRate`. Each matches a torch.optim.lr_scheduler
 * (the reference tests compare them):
 *   inverseTime   α₀ / (1 + d·e)                        LambdaLR(lambda e: 1 / (1 + d·e)), lecture 002
 *   exponential   α₀·γ^e                                ExponentialLR(gamma=γ)
 *   step          α₀ / factor^⌊e / every⌋                StepLR(step_size=every, gamma=1/factor)
 *   warmupCosine  e < W: α₀·(e + 1)/W  (linear warm-up, LinearLR(start_factor=1/W, total_iters=W−1))
 *                 then floor + (α₀ − floor)·(1 + cos(π·(e − W)/(E − W)))/2, E = the run's epochs
 *                 (CosineAnnealingLR(T_max=E−W, eta_min=floor)), so the last epoch ends near floor.
 */
import type { ScheduleSpec } from '../shared/experiment';

/** `totalEpochs`: epochs (objectives: steps) of the whole run; only warmupCosine needs it. */
export function learningRateAt(lr0: number, s: ScheduleSpec, epoch: number, totalEpochs = 1): number {
  switch (s.name) {
    case 'constant':
      return lr0;
    case 'inverseTime':
      return lr0 / (1 + s.decay * epoch);
    case 'exponential':
      return lr0 * s.gamma ** epoch;
    case 'step':
      return lr0 / s.factor ** Math.floor(epoch / Math.max(1, s.every));
    case 'warmupCosine':
      return warmupCosine(lr0, s.warmup ?? 0, s.floor ?? 0, epoch, totalEpochs);
  }
}

function warmupCosine(lr0: number, warmup: number, floor: number, epoch: number, total: number): number {
  const w = Math.max(0, Math.floor(warmup));
  if (epoch < w) return (lr0 * (epoch + 1)) / w;
  const span = Math.max(1, total - w);
  const t = Math.min(epoch - w, span);
  return floor + ((lr0 - floor) * (1 + Math.cos((Math.PI * t) / span))) / 2;
}
