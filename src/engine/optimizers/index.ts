/** Builds the optimizer an experiment names, from its hyper-parameters. */
import type { OptimizerSpec } from '../../shared/experiment';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { Averaged } from './averaging';
import { ConjugateGradient } from './cg';
import { Momentum } from './momentum';
import { Newton, checkNewtonSize } from './newton';
import { NormalizedGd } from './normalizedGd';
import { RmsProp } from './rmsprop';
import { SearchedDescent } from './searched';
import { Sgd } from './sgd';
import type { Optimizer } from './types';

export type { Optimizer, StepContext, StepOutcome } from './types';
export { NEWTON_MAX_PARAMS } from './newton';

/**
 * `paramCount`, when known, lets methods with a size limit (newton) fail before the run starts,
 * with a SpecError naming `/optimizer/name`.
 */
export function createOptimizer(spec: OptimizerSpec, paramCount?: number): Optimizer {
  const base = baseOptimizer(spec, paramCount);
  return spec.averaging ? new Averaged(base, spec.averaging) : base;
}

function baseOptimizer(spec: OptimizerSpec, paramCount: number | undefined): Optimizer {
  switch (spec.name) {
    case 'sgd':
      return spec.lineSearch ? new SearchedDescent(spec.lineSearch, false) : new Sgd();
    case 'normalizedGd':
      return spec.lineSearch ? new SearchedDescent(spec.lineSearch, true) : new NormalizedGd();
    case 'momentum':
      return new Momentum(spec.momentum);
    case 'nesterov':
      return new Momentum(spec.momentum, true);
    case 'adagrad':
      return new Adagrad(spec.epsilon);
    case 'rmsprop':
      return new RmsProp(spec.rho, spec.epsilon, spec.centered ?? false, spec.momentum);
    case 'adam':
      return new Adam(spec.beta1, spec.beta2, spec.epsilon, spec.amsgrad ?? false);
    case 'cg':
      return new ConjugateGradient(spec.beta ?? 'polakRibiere', spec.lineSearch ?? 'brent');
    case 'newton':
      if (paramCount !== undefined) checkNewtonSize(paramCount);
      return new Newton(spec.lineSearch);
  }
}
