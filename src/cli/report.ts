/** What the CLI prints after a run: the terminal summary and the `--json` object. */
import type { Diagnosis, RunInfo, RunSummary } from '../shared/protocol';
import { duration, num, percent, table } from './format';

export interface RunReport {
  /** File path (absolute) or example id. */
  source: string;
  /** How the user named it on the command line. */
  shownAs: string;
  experiment: string;
  kind: 'network' | 'objective';
  info?: RunInfo;
  summary: RunSummary;
  diagnostics: Diagnosis[];
  /** Iterate averaging: the loss at θ̄ on the last step's batch (absent without `optimizer.averaging`). */
  averagedLoss?: number;
}

/** The `--json` object: one line, stable keys (users script against them). */
export function reportJson(r: RunReport): Record<string, unknown> {
  const out: Record<string, unknown> = {
    experiment: r.experiment,
    source: r.source,
    kind: r.kind,
    backend: r.info?.backend.label ?? null,
    backendReason: r.info?.backend.reason ?? null,
    steps: r.summary.steps,
    totalSteps: r.info?.totalSteps ?? null,
    reason: r.summary.reason,
    final: r.summary.final,
    durationMs: Math.round(r.summary.durationMs),
    diagnostics: r.diagnostics,
  };
  if (r.summary.point) out.point = r.summary.point;
  if (r.averagedLoss !== undefined) out.averagedLoss = r.averagedLoss;
  if (r.summary.message) out.message = r.summary.message;
  if (r.info) out.paramCount = r.info.paramCount;
  return out;
}

export function reportText(r: RunReport): string {
  const s = r.summary;
  const rows: [string, string][] = [
    ['Experiment', `${r.experiment}  (${r.shownAs})`],
    ['Backend', r.info ? `${r.info.backend.label}: ${r.info.backend.reason}` : 'n/a'],
    ['Steps', r.info ? `${s.steps} of ${r.info.totalSteps}` : String(s.steps)],
    ['Result', !s.message ? s.reason : s.message.startsWith(s.reason) ? s.message : `${s.reason}: ${s.message}`],
    ['Train loss', num(s.final.trainLoss)],
  ];
  if (r.averagedLoss !== undefined) rows.push(['Averaged loss', `${num(r.averagedLoss)}  (at the averaged parameters θ̄, last batch)`]);
  if (r.kind === 'network') {
    rows.push(['Val loss', num(s.final.valLoss)]);
    rows.push(['Accuracy', percent(s.final.accuracy)]);
  }
  if (s.point) rows.push(['Final point', `[${s.point.map(num).join(', ')}]`]);
  const rate = s.durationMs > 0 ? ` (${Math.round((s.steps * 1000) / s.durationMs)} steps/s)` : '';
  rows.push(['Duration', duration(s.durationMs) + rate]);
  return `Summary\n${table(rows)}\n\nDiagnosis\n${diagnosisText(r.diagnostics)}\n`;
}

function diagnosisText(ds: readonly Diagnosis[]): string {
  if (ds.length === 0) return '  no problems detected';
  return ds
    .map((d) => {
      const head = `  ${d.severity.toUpperCase().padEnd(7)} ${d.code} (step ${d.step}${d.path ? `, ${d.path}` : ''}): ${d.message}`;
      const fixes = d.fixes.map((f) => `          fix: ${f.title} (${f.path} = ${JSON.stringify(f.value)}): ${f.why}`);
      return [head, ...fixes].join('\n');
    })
    .join('\n');
}
