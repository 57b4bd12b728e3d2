/**
 * Memory over a long run: tensor count and RSS when the loop starts and when it ends, through
 * `runExperiment` (instruments and monitor on), read from inside `shouldStop`.
 */
import type { BackendPreference } from '../src/shared/protocol';
import { runExperiment } from '../src/engine/run';
import { tf } from '../src/engine/tf';
import { experimentFor, mnistIdxDir, type Workload } from './workloads';

export interface MemoryResult {
  steps: number;
  tensorsStart: number;
  tensorsEnd: number;
  tensorsAfter: number;
  rssStartMB: number;
  rssEndMB: number;
}

export async function longRun(w: Workload, backend: BackendPreference, steps: number): Promise<MemoryResult> {
  const exp = experimentFor(w);
  exp.training = { ...exp.training, epochs: 0, steps };
  let polls = 0;
  const r: MemoryResult = { steps, tensorsStart: 0, tensorsEnd: 0, tensorsAfter: 0, rssStartMB: 0, rssEndMB: 0 };
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  await runExperiment(exp, {
    runId: 'bench-memory',
    source: w.id,
    baseDir: mnistIdxDir(),
    backend,
    emit: () => undefined,
    shouldStop: () => {
      polls++;
      if (polls === 2) {
        r.tensorsStart = tf.memory().numTensors;
        r.rssStartMB = mb();
      }
      if (polls === steps) {
        r.tensorsEnd = tf.memory().numTensors;
        r.rssEndMB = mb();
      }
      return false;
    },
  });
  r.tensorsAfter = tf.memory().numTensors;
  return r;
}
