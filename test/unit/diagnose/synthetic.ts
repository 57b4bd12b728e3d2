import type { Experiment, NetworkExperiment, ObjectiveExperiment } from '../../../src/shared/experiment';
import type { HistogramRecord, MetricsBatch, RunInfo, StepRecord } from '../../../src/shared/protocol';

/** Builders of synthetic runs: the detectors are tested on series whose shape we choose. */

const optimizer = { name: 'sgd' as const, learningRate: 0.1, momentum: 0.9, beta1: 0.9, beta2: 0.999, rho: 0.99, epsilon: 1e-8, schedule: { name: 'constant' as const, decay: 0, gamma: 1, every: 1, factor: 10 } };

export function objectiveExperiment(over: Partial<ObjectiveExperiment['optimizer']> = {}, fn: ObjectiveExperiment['objective']['function'] = 'quadratic'): ObjectiveExperiment {
  return { kind: 'objective', name: 't', seed: 0, optimizer: { ...optimizer, ...over }, training: { steps: 200, histogramEvery: 0 }, objective: { function: fn, start: [1, 1], condition: 10 } };
}

export function networkExperiment(opts: { batchSize?: number; normalize?: boolean; layers?: NetworkExperiment['model']['layers']; bias?: number; scale?: number; lr?: number } = {}): NetworkExperiment {
  return {
    kind: 'network', name: 't', seed: 0,
    optimizer: { ...optimizer, learningRate: opts.lr ?? 0.1 },
    training: { steps: 1000, batchSize: opts.batchSize, histogramEvery: 0 },
    data: { kind: 'synthetic', synthetic: 'spiral', samples: 600, noise: 0.1, validation: 0.2, normalize: opts.normalize ?? false, classes: 3 },
    model: { layers: opts.layers ?? [{ units: 16, activation: 'relu' }], output: 'softmax', loss: 'crossentropy', init: { scheme: 'he', scale: opts.scale ?? 1, bias: opts.bias ?? 0 } },
  };
}

export function info(e: Experiment, extra: Partial<RunInfo> = {}): RunInfo {
  return {
    runId: 'r', name: e.name, source: 'test', kind: e.kind, optimizer: e.optimizer.name,
    backend: { name: 'cpu', label: 'cpu', reason: 'test' }, paramCount: 10, totalSteps: 1000,
    layers: e.kind === 'network' ? [...e.model.layers.map((_, i) => `dense${i + 1}`), 'output'] : [],
    startedAt: 0, trainSize: e.kind === 'network' ? 480 : undefined, ...extra,
  };
}

/** Step records from a loss function of the step index (and optional extra fields). */
export function steps(n: number, loss: (i: number) => number, extra: (i: number) => Partial<StepRecord> = () => ({})): StepRecord[] {
  const out: StepRecord[] = [];
  for (let i = 0; i < n; i++) out.push({ step: i, epoch: 0, loss: loss(i), lr: 0.1, gradNorm: 1, layerGradNorms: [], updateRatios: [], ...extra(i) });
  return out;
}

export function batch(s: StepRecord[], more: Partial<MetricsBatch> = {}): MetricsBatch {
  return { steps: s, epochs: [], histograms: [], ...more };
}

export function hist(step: number, layer: number, dead: number, saturated: number): HistogramRecord {
  const h = { min: -1, max: 1, counts: [1, 2, 3] };
  return { step, layer, pre: h, act: h, deadFraction: dead, saturatedFraction: saturated };
}

/** Deterministic noise in [-1, 1]. */
export function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}
