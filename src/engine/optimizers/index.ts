/** Builds the optimizer an experiment names, from its hyper-parameters. */
import type { OptimizerSpec } from '../../shared/experiment';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { Momentum } from './momentum';
import { RmsProp } from './rmsprop';
import { Sgd } from './sgd';
import type { Optimizer } from './types';

export type { Optimizer } from './types';

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.name) {
    case 'sgd':
      return new Sgd();
    case 'momentum':
      return new Momentum(spec.momentum);
    case 'nesterov':
      return new Momentum(spec.momentum, true);
    case 'adagrad':
      return new Adagrad(spec.epsilon);
    case 'rmsprop':
      return new RmsProp(spec.rho, spec.epsilon);
    case 'adam':
      return new Adam(spec.beta1, spec.beta2, spec.epsilon);
  }
}
