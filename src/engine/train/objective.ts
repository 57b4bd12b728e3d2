/** A 2-D test function as a Problem: one [2] variable, the point (x, y). */
import type { ObjectiveExperiment } from '../../shared/experiment';
import { objectiveTensor } from '../objectives';
import { makeVariable, tf } from '../tf';
import type { Problem } from './problem';

export function objectiveProblem(exp: ObjectiveExperiment): Problem {
  const theta = makeVariable(() => tf.tensor1d(exp.objective.start));
  return {
    params: [theta],
    layerGroups: [],
    layerLabels: [],
    paramCount: 2,
    totalSteps: Math.max(0, Math.floor(exp.training.steps)),
    stepsPerEpoch: 1,
    tracksPoint: true,
    loss: () => objectiveTensor(exp.objective, theta),
    dispose: () => theta.dispose(),
  };
}
