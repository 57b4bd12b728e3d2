/**
 * A very long headless run through the engine, its events fed to the host's RunStore as the
 * extension would: reports tensors (must stay flat), RSS and heap (must stay bounded) and how
 * many records the store holds (must stay bounded: it decimates). Used by longRun.test.ts and
 * runnable alone: `npx tsx test/robustness/longRun.ts [steps] [objective|network]`.
 */
import { runExperiment } from '../../src/engine/run';
import { parseExperiment } from '../../src/engine/spec/parse';
import { tf } from '../../src/engine/tf';
import { RunStore } from '../../src/host/runStore';
import type { RunSummary } from '../../src/shared/protocol';

export interface LongRunResult {
  steps: number;
  summary: RunSummary;
  seconds: number;
  stepsPerSecond: number;
  tensorsBefore: number;
  tensorsMaxDuring: number;
  tensorsAfter: number;
  /** MiB, sampled at every metrics batch. */
  rssStartMb: number;
  rssMaxMb: number;
  heapStartMb: number;
  heapMaxMb: number;
  heapEndMb: number;
  metricsMessages: number;
  stepRecordsReceived: number;
  storeStepsMax: number;
  storeStepsEnd: number;
}

const mb = (b: number) => b / (1024 * 1024);

export function longRunExperiment(steps: number, kind: 'objective' | 'network') {
  const text = kind === 'objective'
    ? `{"name":"long sphere","objective":{"function":"sphere","start":[10,0]},"optimizer":{"name":"sgd","learningRate":0.0000001},"training":{"steps":${steps},"histogramEvery":1000}}`
    : `{"name":"long tiny net","data":{"synthetic":"xor","samples":64},"model":{"layers":[{"units":4,"activation":"tanh"}]},"optimizer":{"name":"sgd","learningRate":0.01},"training":{"steps":${steps},"batchSize":8,"histogramEvery":5000}}`;
  const p = parseExperiment(text);
  if (!p.experiment) throw new Error(JSON.stringify(p.issues));
  return p.experiment;
}

export async function longRun(steps: number, kind: 'objective' | 'network' = 'objective', maxLiveSteps = 50_000): Promise<LongRunResult> {
  await tf.setBackend('cpu');
  await tf.ready();
  const store = new RunStore({ maxRuns: 2, maxLiveSteps });
  global.gc?.();
  const tensorsBefore = tf.memory().numTensors;
  const m0 = process.memoryUsage();
  let rssMax = m0.rss;
  let heapMax = m0.heapUsed;
  let tensorsMax = tensorsBefore;
  let messages = 0;
  let received = 0;
  let storeMax = 0;
  let runId = '';
  const t0 = performance.now();
  const summary = await runExperiment(longRunExperiment(steps, kind), {
    runId: 'long',
    source: 'long',
    baseDir: '.',
    backend: 'cpu',
    shouldStop: () => false,
    emit: (e) => {
      if (e.type === 'started') {
        runId = e.info.runId;
        store.begin(e.info);
      } else if (e.type === 'metrics') {
        messages++;
        received += e.batch.steps.length;
        store.appendMetrics(runId, e.batch);
        const snap = store.get(runId);
        storeMax = Math.max(storeMax, snap?.metrics.steps.length ?? 0);
        if (messages % 20 === 0) {
          const m = process.memoryUsage();
          rssMax = Math.max(rssMax, m.rss);
          heapMax = Math.max(heapMax, m.heapUsed);
          tensorsMax = Math.max(tensorsMax, tf.memory().numTensors);
        }
      } else if (e.type === 'finished') {
        store.finish(runId, e.summary);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const end = process.memoryUsage();
  return {
    steps,
    summary,
    seconds,
    stepsPerSecond: summary.steps / seconds,
    tensorsBefore,
    tensorsMaxDuring: tensorsMax,
    tensorsAfter: tf.memory().numTensors,
    rssStartMb: mb(m0.rss),
    rssMaxMb: mb(rssMax),
    heapStartMb: mb(m0.heapUsed),
    heapMaxMb: mb(heapMax),
    heapEndMb: mb(end.heapUsed),
    metricsMessages: messages,
    stepRecordsReceived: received,
    storeStepsMax: storeMax,
    storeStepsEnd: store.get(runId)?.metrics.steps.length ?? 0,
  };
}

if (require.main === module) {
  const steps = Number(process.argv[2] ?? 1_000_000);
  const kind = process.argv[3] === 'network' ? 'network' : 'objective';
  void longRun(steps, kind).then((r) => {
    process.stdout.write(`${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v), 2)}\n`);
    process.exit(0);
  });
}
