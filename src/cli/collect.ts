/**
 * What the CLI keeps of a run's events, per runId: a `compare` file makes several runs (one per
 * variant, sharing a groupId), and each needs its own summary, diagnoses and trace.
 */
import type { Diagnosis, EngineEvent, LrFindRecord, RestartsRecord, RunInfo, RunSummary, SearchRecord } from '../shared/protocol';

export interface TracePoint {
  step: number;
  loss: number;
  params?: [number, number];
}

export interface RunRecord {
  runId: string;
  info?: RunInfo;
  summary?: RunSummary;
  diagnostics: Diagnosis[];
  trace: TracePoint[];
  restarts?: RestartsRecord;
  search?: SearchRecord;
  lrFind?: LrFindRecord;
}

export class RunCollector {
  readonly runs = new Map<string, RunRecord>();
  /** Order in which runs started (base first). */
  readonly order: string[] = [];

  constructor(private readonly keepTrace: boolean) {}

  get(runId: string): RunRecord {
    let r = this.runs.get(runId);
    if (!r) {
      r = { runId, diagnostics: [], trace: [] };
      this.runs.set(runId, r);
    }
    return r;
  }

  /** Runs that started, in order. */
  started(): RunRecord[] {
    return this.order.map((id) => this.get(id));
  }

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'started':
        this.get(e.info.runId).info = e.info;
        if (!this.order.includes(e.info.runId)) this.order.push(e.info.runId);
        break;
      case 'metrics': {
        const r = this.get(e.runId);
        if (this.keepTrace) for (const s of e.batch.steps) r.trace.push(s.point ? { step: s.step, loss: s.loss, params: s.point } : { step: s.step, loss: s.loss });
        for (const p of e.batch.probes ?? []) {
          if (p.kind === 'restarts') r.restarts = p;
          else if (p.kind === 'search') r.search = p;
          else if (p.kind === 'lrFind') r.lrFind = p;
        }
        break;
      }
      case 'diagnostics':
        this.get(e.runId).diagnostics = e.diagnostics;
        break;
      case 'finished':
        this.get(e.runId).summary = e.summary;
        break;
      default:
        break;
    }
  }
}
