import * as path from 'node:path';
import type { Experiment } from '../../../src/shared/experiment';
import type { HostToWorker, RunInfo, StepRecord } from '../../../src/shared/protocol';

export const fakeWorkerPath = path.join(__dirname, 'fixtures', 'fakeWorker.js');

export const dummyExperiment = {
  kind: 'objective',
  name: 'fake',
  seed: 1,
  objective: { function: 'sphere', start: [1, 1], condition: 10 },
} as unknown as Experiment;

export function startMessage(source: string, runId = 'r1'): HostToWorker {
  return { type: 'start', runId, experiment: dummyExperiment, baseDir: '.', source, backend: 'cpu', nodeModulesPaths: [] };
}

export function info(runId: string, startedAt = 1000): RunInfo {
  return {
    runId, name: runId, source: 'test', kind: 'network', optimizer: 'adam',
    backend: { name: 'wasm', label: 'wasm (SIMD)', reason: 'test' }, paramCount: 10, totalSteps: 100,
    layers: ['dense1 (4, relu)'], startedAt,
  };
}

export function steps(from: number, n: number): StepRecord[] {
  const out: StepRecord[] = [];
  for (let i = from; i < from + n; i++) {
    out.push({ step: i, epoch: 0, loss: 1 / (i + 1), lr: 0.01, gradNorm: 1, layerGradNorms: [1], updateRatios: [0.001] });
  }
  return out;
}
