/**
 * Learning-rate schedules as a function of the epoch (for objectives and full-batch runs an
 * epoch is one step). α₀ is `optimizer.learningRate`.
 */
import type { ScheduleSpec } from '../shared/experiment';

export function learningRateAt(lr0: number, s: ScheduleSpec, epoch: number): number {
  switch (s.name) {
    case 'constant':
      return lr0;
    case 'inverseTime':
      return lr0 / (1 + s.decay * epoch);
    case 'exponential':
      return lr0 * s.gamma ** epoch;
    case 'step':
      return lr0 / s.factor ** Math.floor(epoch / Math.max(1, s.every));
  }
}
