/**
 * Random restarts (recap: "local optima: random restarts"): after the main run, the same
 * experiment runs again from other seeds, headless, and the final training losses are compared.
 * Objectives have no random initialization, so a restart jitters the start point instead.
 */
import type { Experiment } from '../../shared/experiment';
import type { RestartsRecord } from '../../shared/protocol';
import { streamFor } from '../random';

/** Objectives: each start coordinate moves by up to this fraction of max(1, |coordinate|). */
const JITTER = 0.5;

/** The experiment as restart k (1-based) runs it: another seed, and for objectives another start. */
export function restartExperiment(exp: Experiment, k: number): Experiment {
  const seed = exp.seed + 1000 * k;
  if (exp.kind === 'network') return { ...exp, seed, training: { ...exp.training, restarts: 0, gradientCheck: false } };
  const rng = streamFor(seed, 'restart');
  const start = exp.objective.start.map((c) => c + rng.uniform(-JITTER, JITTER) * Math.max(1, Math.abs(c))) as [number, number];
  return { ...exp, seed, objective: { ...exp.objective, start }, training: { ...exp.training, restarts: 0, gradientCheck: false } };
}

/**
 * Runs `count` restarts one after the other through `runOne` (which trains an experiment and
 * returns its final training loss, null if it failed) and gathers them with the main run's loss.
 */
export async function runRestarts(
  exp: Experiment,
  count: number,
  mainLoss: number | null,
  step: number,
  runOne: (e: Experiment) => Promise<number | null>,
  shouldStop: () => boolean,
): Promise<RestartsRecord> {
  const seeds = [exp.seed];
  const finalLosses: (number | null)[] = [mainLoss];
  for (let k = 1; k <= count && !shouldStop(); k++) {
    const e = restartExperiment(exp, k);
    seeds.push(e.seed);
    finalLosses.push(await runOne(e));
  }
  return { kind: 'restarts', step, seeds, finalLosses };
}
