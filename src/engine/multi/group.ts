/**
 * One experiment file, several runs: the base experiment, then each `compare` variant, one after
 * the other in the same worker (same data, same seed: same initial weights). Each is an ordinary
 * run with its own RunInfo (runId `<base>~<i>`, shared `groupId` = the base's runId), its own
 * metrics and its own diagnoses. Every `finished` but the group's last carries `more: true`, so
 * the host keeps listening. Around the runs this adds what needs the whole file: the objective's
 * landscape grid (sent with the base run, refreshed on a run whose path left it), the search
 * trials (after the base run, before its `finished`) and the learning-rate range test.
 */
import type { Experiment } from '../../shared/experiment';
import type { BackendChoice, Diagnosis, EngineEvent, RunSummary } from '../../shared/protocol';
import { contains, extentFor, objectiveLandscape, type Extent } from '../landscape';
import type { RunOptions } from '../run';
import { describeVariant } from '../spec/multi';
import type { Problem } from '../train/problem';
import { runLrFind } from './lrFind';
import { bestTrialDiagnosis, runSearch } from './search';

export type SingleRun = (exp: Experiment, opts: RunOptions) => Promise<RunSummary>;
export type SetUp = (exp: Experiment, backend: BackendChoice) => { problem: Problem; trainSize?: number };

/** The experiment without what makes it several runs. */
export function single(exp: Experiment): Experiment {
  const { compare: _c, search: _s, lrFind: _l, ...rest } = exp;
  return rest as Experiment;
}

/** runId of member i of a group whose base run is `runId`. */
export function memberRunId(runId: string, i: number): string {
  return i === 0 ? runId : `${runId}~${i}`;
}

export async function runGroup(exp: Experiment, opts: RunOptions, runSingle: SingleRun, setUp: SetUp): Promise<RunSummary> {
  if (exp.lrFind) return runLrFind(single(exp), exp.lrFind, opts, setUp);
  const base = single(exp);
  const variants = exp.compare ?? [];
  const grouped = variants.length > 0;
  const members = [{ name: describeVariant(base, undefined), experiment: base }, ...variants];
  let extent: Extent | undefined;
  /** Every path point of the group so far: a refreshed grid must still hold the earlier paths. */
  const seen: [number, number][] = [];
  let baseSummary: RunSummary | undefined;

  for (let i = 0; i < members.length; i++) {
    if (i > 0 && opts.shouldStop()) break;
    const m = members[i];
    const runId = memberRunId(opts.runId, i);
    const e = m.experiment;
    let finished: Extract<EngineEvent, { type: 'finished' }> | undefined;
    let started = false;
    let diagnostics: Diagnosis[] = [];
    const path: [number, number][] = [];
    const emitLandscape = () => {
      if (e.kind !== 'objective' || !extent) return;
      opts.emit({ type: 'metrics', runId, batch: { steps: [], epochs: [], histograms: [], probes: [objectiveLandscape(e.objective, extent, path.length)] } });
    };
    const emit = (ev: EngineEvent): void => {
      switch (ev.type) {
        case 'started':
          started = true;
          opts.emit(grouped ? { ...ev, info: { ...ev.info, groupId: opts.runId, variant: m.name, variantIndex: i } } : ev);
          if (e.kind === 'objective' && extent === undefined) {
            extent = extentFor(e.objective, members.map((x) => (x.experiment.kind === 'objective' ? x.experiment.objective.start : e.objective.start)));
            emitLandscape();
          }
          return;
        case 'metrics':
          for (const s of ev.batch.steps) if (s.point) path.push(s.point);
          break;
        case 'diagnostics':
          diagnostics = ev.diagnostics;
          break;
        case 'finished':
          finished = ev;
          return;
        case 'failed':
          if (i > 0) {
            // A variant that cannot run must not end the group: say so and go on.
            opts.emit({ type: 'log', runId: opts.runId, level: 'error', message: `compare variant "${m.name}" failed: ${ev.message}` });
            if (started) finished = { type: 'finished', runId, summary: errorSummary(ev.message) };
            return;
          }
          break;
        default:
          break;
      }
      opts.emit(ev);
    };
    const summary = await runSingle(e, { ...opts, runId, emit });
    if (i === 0) {
      baseSummary = summary;
      if (!started) return summary; // the base could not start: its `failed` went out, nothing else runs
      if (exp.search && summary.reason === 'completed' && !opts.shouldStop()) {
        const record = await runSearch(exp.search, summary.steps, (t) => runSingle(t, { ...opts, runId: `${runId}-trial`, emit: () => undefined, flushMs: Infinity }), opts.shouldStop);
        opts.emit({ type: 'metrics', runId, batch: { steps: [], epochs: [], histograms: [], probes: [record] } });
        const best = bestTrialDiagnosis(record, summary.final.trainLoss);
        if (best) opts.emit({ type: 'diagnostics', runId, diagnostics: [...diagnostics.filter((d) => d.code !== best.code), best] });
      }
    }
    for (const q of path) seen.push(q); // push(...) overflows the stack on a 1M-step path
    if (extent && !contains(extent, path) && e.kind === 'objective') {
      extent = extentFor(e.objective, seen);
      emitLandscape();
    }
    if (finished) {
      const more = grouped && i < members.length - 1 && !opts.shouldStop();
      opts.emit(more ? { ...finished, more } : finished);
    }
  }
  return baseSummary ?? errorSummary('nothing ran');
}

function errorSummary(message: string): RunSummary {
  return { reason: 'error', steps: 0, final: { trainLoss: null, valLoss: null, accuracy: null }, durationMs: 0, message };
}
