/** What `optimizer-debugger lr-find` prints: the suggestion and the loss against α (text or `--json`). */
import type { RunSummary } from '../shared/protocol';
import type { RunRecord } from './collect';
import { num } from './format';
import { lrFindMessage } from '../engine/multi/lrFind';
import { columns } from './multiReport';

/** Rows shown in the terminal: enough to see the dip and the blow-up. */
const ROWS = 16;

export function lrFindJson(experiment: string, source: string, r: RunRecord, s: RunSummary): Record<string, unknown> {
  const f = r.lrFind;
  return {
    experiment,
    source,
    backend: r.info?.backend.label ?? null,
    reason: s.reason,
    steps: s.steps,
    suggested: f?.suggested ?? null,
    minLossLr: f?.minLossLr ?? null,
    tenthOfMin: f?.minLossLr != null ? f.minLossLr / 10 : null,
    exploded: f?.exploded ?? false,
    points: f ? f.lrs.map((lr, i) => ({ lr, loss: f.losses[i], smoothed: f.smoothed[i] ?? null })) : [],
  };
}

export function lrFindText(experiment: string, shownAs: string, r: RunRecord, s: RunSummary): string {
  const f = r.lrFind;
  if (!f) return `Learning-rate range test of ${experiment} (${shownAs}): ${s.reason}${s.message ? `: ${s.message}` : ''}\n`;
  const n = f.lrs.length;
  const pick = n <= ROWS ? f.lrs.map((_, i) => i) : Array.from({ length: ROWS }, (_, k) => Math.round((k * (n - 1)) / (ROWS - 1)));
  const rows = pick.map((i) => [num(f.lrs[i]), num(f.losses[i]), num(f.smoothed[i] ?? null), f.lrs[i] === f.suggested ? '← suggested' : '']);
  return (
    `Learning-rate range test: ${experiment} (${shownAs}), ${n} steps, α from ${num(f.lrs[0])} to ${num(f.lrs[n - 1])}\n` +
    `${columns(['α', 'LOSS', 'SMOOTHED', ''], rows)}\n\n` +
    `Suggested learning rate: ${f.suggested !== null ? num(f.suggested) : 'none'}\n  ${lrFindMessage(f)}\n`
  );
}
