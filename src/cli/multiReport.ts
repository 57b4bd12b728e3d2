/**
 * The CLI's report of what one file ran besides its main run: the `compare` variants, the spread
 * of restarts' final losses and the search table (text and `--json` parts).
 */
import type { RestartsRecord, SearchRecord } from '../shared/protocol';
import type { RunRecord } from './collect';
import { num } from './format';

export interface Spread {
  seeds: number[];
  finalLosses: (number | null)[];
  min: number | null;
  median: number | null;
  max: number | null;
  /** max − min of the finite final losses. */
  spread: number | null;
}

export function restartsSpread(r: RestartsRecord): Spread {
  const ok = r.finalLosses.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  const mid = ok.length ? (ok.length % 2 ? ok[(ok.length - 1) / 2] : (ok[ok.length / 2 - 1] + ok[ok.length / 2]) / 2) : null;
  return {
    seeds: r.seeds,
    finalLosses: r.finalLosses,
    min: ok.length ? ok[0] : null,
    median: mid,
    max: ok.length ? ok[ok.length - 1] : null,
    spread: ok.length ? ok[ok.length - 1] - ok[0] : null,
  };
}

export function restartsText(r: RestartsRecord): string {
  const s = restartsSpread(r);
  const failed = r.finalLosses.filter((x) => x === null).length;
  return (
    `Restarts (${r.seeds.length} seeds: ${r.seeds.join(', ')})\n` +
    `  final losses  ${r.finalLosses.map(num).join(', ')}\n` +
    `  min ${num(s.min)} · median ${num(s.median)} · max ${num(s.max)} · spread ${num(s.spread)}${failed ? ` · ${failed} failed` : ''}\n`
  );
}

export function variantJson(r: RunRecord): Record<string, unknown> {
  const s = r.summary;
  return {
    name: r.info?.variant ?? r.info?.name ?? r.runId,
    optimizer: r.info?.optimizer ?? null,
    reason: s?.reason ?? 'error',
    steps: s?.steps ?? 0,
    final: s?.final ?? { trainLoss: null, valLoss: null, accuracy: null },
    ...(s?.point ? { point: s.point } : {}),
    ...(s?.message ? { message: s.message } : {}),
    diagnostics: r.diagnostics,
  };
}

export function compareText(runs: readonly RunRecord[]): string {
  const rows = runs.map((r) => {
    const s = r.summary;
    const point = s?.point ? `[${s.point.map(num).join(', ')}]` : '';
    const codes = r.diagnostics.map((d) => d.code).join(', ') || '-';
    return [r.info?.variant ?? r.runId, s?.reason ?? 'not run', String(s?.steps ?? 0), num(s?.final.trainLoss), point, codes];
  });
  return `Compare (same data and seed)\n${columns(['VARIANT', 'RESULT', 'STEPS', 'FINAL LOSS', 'POINT', 'DIAGNOSES'], rows)}\n`;
}

export function searchText(r: SearchRecord, limit = 20): string {
  const rows = r.trials.slice(0, limit).map((t, i) => [String(i + 1), ...r.space.map((k) => JSON.stringify(t.values[k] ?? null)), t.finalLoss === null ? t.reason : num(t.finalLoss)]);
  const more = r.trials.length > limit ? `\n  … ${r.trials.length - limit} more` : '';
  return `Search (${r.method}, ${r.trials.length} trials, best first)\n${columns(['#', ...r.space, 'FINAL LOSS'], rows)}${more}\n`;
}

/** Left-aligned columns with a header row. */
export function columns(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
