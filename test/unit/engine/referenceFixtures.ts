/**
 * Loading the PyTorch reference fixtures (test/fixtures/reference/*.json, written by
 * tools/reference/generate.py) and turning their optimizer settings into validated specs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/engine/examples';
import { validateExperiment } from '../../../src/engine/spec/parse';
import type { ObjectiveExperiment, ObjectiveName, OptimizerSpec } from '../../../src/shared/experiment';

export interface ObjectiveCase {
  objective: { function: ObjectiveName; start: [number, number]; condition: number };
  optimizer: Record<string, unknown>;
  steps: number;
  points: [number, number][];
  losses: number[];
  avgLosses?: number[];
}

export interface MlpCase {
  optimizer: Record<string, unknown>;
  steps: number;
  losses: number[];
  final: number[][];
}

export interface MlpFixture {
  x: number[][];
  y: number[];
  classes: number;
  layers: { units: number; activation: 'tanh' }[];
  init: number[][];
  cases: MlpCase[];
}

export interface ScheduleCase {
  torch: string;
  schedule: Record<string, unknown>;
  lrs: number[];
}

export function loadFixture<T>(name: 'objectives' | 'mlp' | 'schedules'): T & { torch: string } {
  return JSON.parse(readFileSync(join(packageRoot(), 'test', 'fixtures', 'reference', `${name}.json`), 'utf8')) as T & { torch: string };
}

/** A fixture case as our own experiment file would say it, through the real validator. */
export function objectiveExperiment(c: Pick<ObjectiveCase, 'objective' | 'optimizer' | 'steps'>): ObjectiveExperiment {
  const r = validateExperiment({ name: 'reference', objective: c.objective, optimizer: c.optimizer, training: { steps: c.steps } });
  if (!r.experiment || r.experiment.kind !== 'objective') throw new Error(`invalid fixture: ${JSON.stringify(r.issues)}`);
  return r.experiment;
}

export function optimizerSpec(optimizer: Record<string, unknown>): OptimizerSpec {
  return objectiveExperiment({ objective: { function: 'sphere', start: [1, 1], condition: 10 }, optimizer, steps: 1 }).optimizer;
}

/** "adam lr=0.05 amsgrad", "rmsprop lr=0.001 momentum=0.5 centered" (only the settings the method reads). */
export function label(optimizer: Record<string, unknown>): string {
  const name = String(optimizer.name);
  const usesMomentum = ['momentum', 'nesterov', 'rmsprop'].includes(name);
  const parts = [name];
  if (optimizer.learningRate !== undefined) parts.push(`lr=${String(optimizer.learningRate)}`);
  if (usesMomentum && typeof optimizer.momentum === 'number' && optimizer.momentum > 0) parts.push(`momentum=${optimizer.momentum}`);
  if (name === 'rmsprop' && optimizer.rho !== undefined && optimizer.rho !== 0.99) parts.push(`rho=${String(optimizer.rho)}`);
  for (const flag of ['centered', 'amsgrad'] as const) if (optimizer[flag] === true) parts.push(flag);
  if (optimizer.averaging !== undefined) parts.push(`averaging=${JSON.stringify(optimizer.averaging)}`);
  return parts.join(' ');
}
