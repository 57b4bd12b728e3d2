/**
 * The verdict of "Apply fix and re-run": compares the run a diagnosis came from with the re-run.
 * vscode-free.
 */
import type { FixVerdict, RunSnapshot } from '../shared/protocol';

/** The loss that best says how training ended: final validation, else final training loss. */
export function finalLoss(run: RunSnapshot): number | null {
  const f = run.summary?.final;
  if (f?.valLoss !== null && f?.valLoss !== undefined && Number.isFinite(f.valLoss)) return f.valLoss;
  if (f?.trainLoss !== null && f?.trainLoss !== undefined && Number.isFinite(f.trainLoss)) return f.trainLoss;
  const steps = run.metrics.steps;
  for (let i = steps.length - 1; i >= 0; i--) if (Number.isFinite(steps[i].loss)) return steps[i].loss;
  return null;
}

export function fixVerdict(before: RunSnapshot, after: RunSnapshot, code: string, fix: string): FixVerdict {
  const codes = after.diagnostics.map((d) => d.code);
  return {
    beforeRunId: before.info.runId,
    afterRunId: after.info.runId,
    code,
    fix,
    resolved: !codes.includes(code),
    beforeLoss: finalLoss(before),
    afterLoss: finalLoss(after),
    remaining: codes.filter((c) => c !== code),
  };
}

/** One line for notifications and the log: "dead-units is gone; final loss 1.10 → 0.21 (−81 %)". */
export function describeVerdict(v: FixVerdict): string {
  const head = v.resolved ? `${v.code} is gone` : `${v.code} is still reported`;
  let loss = '';
  if (v.beforeLoss !== null && v.afterLoss !== null) {
    const change = v.beforeLoss !== 0 ? ((v.afterLoss - v.beforeLoss) / Math.abs(v.beforeLoss)) * 100 : NaN;
    const pct = Number.isFinite(change) ? ` (${change <= 0 ? '−' : '+'}${Math.abs(change).toFixed(0)} %)` : '';
    loss = `; final loss ${fmt(v.beforeLoss)} → ${fmt(v.afterLoss)}${pct}`;
  } else if (v.afterLoss === null) {
    loss = '; the re-run has no final loss';
  }
  const others = v.remaining.length ? `; still reported: ${v.remaining.join(', ')}` : '';
  return `${head} after ${v.fix}${loss}${others}`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toPrecision(3);
}
