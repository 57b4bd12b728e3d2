/**
 * "Show Loss Landscape" as a job of its own, for the worker and the CLI: choose the backend, load
 * the run's data again (same seed ⇒ same shuffle and split), build the problem with batch 0 = the
 * first `rows` rows of the training split (at most 2,000: every grid point is one forward pass on
 * them, 666 in all), put the saved weights in and evaluate the grids (grid.ts).
 */
import type { Experiment } from '../../shared/experiment';
import type { BackendPreference, LandscapeRecord } from '../../shared/protocol';
import { selectBackend } from '../backend';
import { SpecError } from '../errors';
import { single } from '../multi/group';
import { setUp } from '../run';
import { netLandscape, type NetGridOptions } from './grid';

/** Training rows the landscape's loss is averaged over, at most. */
export const LANDSCAPE_ROWS = 2000;

export interface NetLandscapeJob {
  experiment: Experiment;
  baseDir: string;
  backend: BackendPreference;
  nodeModulesPaths?: string[];
  /** Dense layers on the native BLAS when available (default true). */
  blas?: boolean;
  /** Weights per parameter (the `parameters` event of the run). */
  initial: number[][];
  final: number[][];
  /** Step of the final weights. */
  step: number;
  grid?: Partial<NetGridOptions>;
}

export interface NetLandscapeHooks {
  progress?: (done: number, total: number) => void;
  shouldStop?: () => boolean;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** The line and plane records; undefined when stopped. Throws SpecError for an objective. */
export async function runNetLandscape(job: NetLandscapeJob, hooks: NetLandscapeHooks = {}): Promise<LandscapeRecord[] | undefined> {
  const base = single(job.experiment);
  if (base.kind !== 'network') throw new SpecError('/objective', 'the network loss landscape needs a network experiment (data + model)');
  const backend = await selectBackend(job.backend, job.nodeModulesPaths ?? [], job.blas ?? true);
  hooks.log?.('info', `landscape backend: ${backend.label}`);
  const exp: Experiment = { ...base, training: { ...base.training, batchSize: LANDSCAPE_ROWS } };
  const { problem, dataset } = setUp(exp, { baseDir: job.baseDir }, backend, (m) => hooks.log?.('warn', m));
  try {
    const rows = Math.min(LANDSCAPE_ROWS, dataset?.nTrain ?? LANDSCAPE_ROWS);
    return await netLandscape(problem, job.initial, job.final, { seed: base.seed, step: job.step, rows, progress: hooks.progress, shouldStop: hooks.shouldStop }, job.grid);
  } finally {
    problem.dispose();
  }
}
