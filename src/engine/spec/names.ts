/**
 * The closed vocabularies of the experiment file, as runtime lists. The `satisfies` clauses and
 * the `Exhaustive` checks below make the compiler fail if `src/shared/experiment.ts` gains a name
 * that is missing here (or the other way round), so the validator, the schema test and the types
 * cannot drift apart silently.
 */
import type {
  Activation,
  InitScheme,
  LossName,
  ObjectiveName,
  OptimizerName,
  OutputActivation,
  ScheduleName,
  SyntheticDataset,
} from '../../shared/experiment';

export const SYNTHETIC_DATASETS = ['spiral', 'circles', 'xor', 'blobs', 'ravine', 'linear'] as const satisfies readonly SyntheticDataset[];
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear', 'leakyRelu'] as const satisfies readonly Activation[];
export const OUTPUTS = ['softmax', 'sigmoid', 'linear'] as const satisfies readonly OutputActivation[];
export const LOSSES = ['crossentropy', 'mse'] as const satisfies readonly LossName[];
export const INIT_SCHEMES = ['he', 'glorot', 'normal', 'uniform', 'zeros', 'constant'] as const satisfies readonly InitScheme[];
export const OBJECTIVES = ['rosenbrock', 'beale', 'quadratic', 'saddle', 'himmelblau', 'sphere'] as const satisfies readonly ObjectiveName[];
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'normalizedGd', 'cg', 'newton'] as const satisfies readonly OptimizerName[];
export const SCHEDULES = ['constant', 'inverseTime', 'exponential', 'step', 'warmupCosine'] as const satisfies readonly ScheduleName[];

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
// Each line fails to compile when the list above misses a member of the type.
export const EXHAUSTIVE: readonly true[] = [
  true satisfies Exhaustive<SyntheticDataset, (typeof SYNTHETIC_DATASETS)[number]>,
  true satisfies Exhaustive<Activation, (typeof ACTIVATIONS)[number]>,
  true satisfies Exhaustive<OutputActivation, (typeof OUTPUTS)[number]>,
  true satisfies Exhaustive<LossName, (typeof LOSSES)[number]>,
  true satisfies Exhaustive<InitScheme, (typeof INIT_SCHEMES)[number]>,
  true satisfies Exhaustive<ObjectiveName, (typeof OBJECTIVES)[number]>,
  true satisfies Exhaustive<OptimizerName, (typeof OPTIMIZERS)[number]>,
  true satisfies Exhaustive<ScheduleName, (typeof SCHEDULES)[number]>,
];

/** Synthetic datasets whose target is a real number (the rest are classification). */
export const REGRESSION_DATASETS: readonly SyntheticDataset[] = ['ravine', 'linear'];
/** ReLU-family activations: they get He initialization by default. */
export const RELU_FAMILY: readonly Activation[] = ['relu', 'leakyRelu'];
