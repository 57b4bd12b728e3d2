/** Experiments built directly in TS with defaults filled in, and a collecting runner. */
import type {
  NetworkExperiment,
  ObjectiveExperiment,
  ObjectiveSpec,
  OptimizerSpec,
  SyntheticData,
  ModelSpec,
  TrainingSpec,
} from '../../../src/shared/experiment';
import type { BackendPreference, EngineEvent, EpochRecord, HistogramRecord, RunInfo, RunSummary, StepRecord } from '../../../src/shared/protocol';
import { runExperiment } from '../../../src/engine/run';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

export function optimizer(o: Partial<OptimizerSpec> = {}): OptimizerSpec {
  return {
    name: 'sgd',
    learningRate: 0.01,
    momentum: 0.9,
    beta1: 0.9,
    beta2: 0.999,
    rho: 0.99,
    epsilon: 1e-8,
    schedule: { name: 'constant', decay: 0, gamma: 1, every: 1, factor: 1 },
    ...o,
  };
}

export function objectiveExp(
  objective: Partial<ObjectiveSpec> & Pick<ObjectiveSpec, 'function'>,
  opt: Partial<OptimizerSpec> = {},
  steps = 10,
): ObjectiveExperiment {
  return {
    kind: 'objective',
    name: `objective ${objective.function}`,
    seed: 1,
    objective: { start: [-1.5, 2], condition: 10, ...objective },
    optimizer: optimizer(opt),
    training: { steps, histogramEvery: 0 },
  };
}

export function networkExp(
  o: {
    data?: Partial<SyntheticData>;
    model?: DeepPartial<ModelSpec>;
    optimizer?: Partial<OptimizerSpec>;
    training?: Partial<TrainingSpec>;
    seed?: number;
  } = {},
): NetworkExperiment {
  const model = o.model ?? {};
  return {
    kind: 'network',
    name: 'network',
    seed: o.seed ?? 1,
    data: {
      kind: 'synthetic',
      synthetic: 'spiral',
      samples: 600,
      noise: 0.2,
      validation: 0.2,
      normalize: false,
      classes: 3,
      ...o.data,
    },
    model: {
      layers: (model.layers as ModelSpec['layers'] | undefined) ?? [
        { units: 16, activation: 'relu' },
        { units: 16, activation: 'relu' },
      ],
      output: model.output ?? 'softmax',
      loss: model.loss ?? 'crossentropy',
      init: { scheme: 'he', scale: 1, bias: 0, ...model.init },
    },
    optimizer: optimizer({ name: 'adam', learningRate: 0.01, ...o.optimizer }),
    training: { epochs: 20, steps: 0, batchSize: 32, histogramEvery: 0, ...o.training },
  };
}

export interface Collected {
  summary: RunSummary;
  info?: RunInfo;
  steps: StepRecord[];
  epochs: EpochRecord[];
  histograms: HistogramRecord[];
  events: EngineEvent[];
}

export async function collect(
  exp: NetworkExperiment | ObjectiveExperiment,
  extra: {
    backend?: BackendPreference;
    shouldStop?: (stepsSoFar: number) => boolean;
    baseDir?: string;
    onStep?: (r: StepRecord) => void;
    flushMs?: number;
  } = {},
): Promise<Collected> {
  const c: Omit<Collected, 'summary'> = { steps: [], epochs: [], histograms: [], events: [] };
  const summary = await runExperiment(exp, {
    runId: 'test',
    source: 'test',
    baseDir: extra.baseDir ?? process.cwd(),
    backend: extra.backend ?? 'cpu',
    shouldStop: () => (extra.shouldStop ? extra.shouldStop(c.steps.length) : false),
    flushMs: extra.flushMs ?? 0,
    emit: (e) => {
      c.events.push(e);
      if (e.type === 'started') c.info = e.info;
      if (e.type === 'metrics') {
        c.steps.push(...e.batch.steps);
        c.epochs.push(...e.batch.epochs);
        c.histograms.push(...e.batch.histograms);
        if (extra.onStep) e.batch.steps.forEach(extra.onStep);
      }
    },
  });
  return { summary, ...c };
}
