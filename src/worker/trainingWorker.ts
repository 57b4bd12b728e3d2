/**
 * Entry of the training worker (`dist/worker.js`): runs one experiment on the engine and posts
 * every engine event to the host. Stopping is the shared flag in `workerData`, read on every
 * step, so a stop needs no message round-trip while the loop is busy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runExperiment } from '../engine';
import { runNetLandscape } from '../engine/netLandscape/job';
import type { EngineEvent, HostToWorker, LandscapeJobEvent, StartLandscape, WorkerData } from '../shared/protocol';

const port = parentPort;
if (!port) throw new Error('trainingWorker must run inside a worker thread');

const stopFlag = new Int32Array((workerData as WorkerData).stopFlag);
const shouldStop = (): boolean => Atomics.load(stopFlag, 0) !== 0;
let runId = '';
let ended = false;

function post(e: EngineEvent): void {
  if (ended) return;
  // A compare group's runs but the last finish with `more`: the worker goes on.
  if ((e.type === 'finished' && e.more !== true) || e.type === 'failed') ended = true;
  port!.postMessage(e);
}

function fail(err: unknown): void {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  post({ type: 'failed', runId, message });
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

/** The loss-landscape job (netLandscape/job.ts): progress, then the records, or `failed`. */
function landscape(msg: StartLandscape): void {
  runId = msg.runId;
  const send = (e: LandscapeJobEvent | EngineEvent) => port!.postMessage(e);
  runNetLandscape(msg, {
    shouldStop,
    progress: (done, total) => {
      // Coalesced: a few messages a second are plenty for a progress bar.
      if (done === total || done % 25 === 0) send({ type: 'landscapeProgress', runId, done, total });
    },
    log: (level, message) => send({ type: 'log', runId, level, message }),
  })
    .then((records) => send(records ? { type: 'landscapeResult', runId, records } : { type: 'landscapeResult', runId, records: [], stopped: true }))
    .catch(fail)
    .finally(() => port!.close());
}

port.once('message', (msg: HostToWorker) => {
  if (msg?.type === 'landscape') {
    landscape(msg);
    return;
  }
  if (msg?.type !== 'start') {
    fail(new Error(`Unexpected first message: ${String((msg as { type?: unknown })?.type)}`));
    return;
  }
  runId = msg.runId;
  runExperiment(msg.experiment, {
    runId: msg.runId,
    source: msg.source,
    baseDir: msg.baseDir,
    backend: msg.backend,
    nodeModulesPaths: msg.nodeModulesPaths,
    blas: msg.blas,
    shouldStop,
    emit: post,
  })
    .then((summary) => {
      // runExperiment emits `finished` itself; this covers an engine that only returns.
      post({ type: 'finished', runId, summary });
    })
    .catch(fail)
    .finally(() => port.close());
});
