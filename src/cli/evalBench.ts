/**
 * The labelled diagnostics benchmark (`benchmarks/*.optim.json` + `benchmarks/labels.json`): run
 * every experiment headless and score the diagnoses per code. Labels: `expect` lists the codes a
 * run must produce (healthy runs: none); `allow` lists codes that are also true of the run (a deep
 * sigmoid net is both vanishing and saturated) and count neither for nor against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CODES } from '../diagnose/registry';
import { parseExperiment } from '../engine/spec/parse';
import type { BackendPreference, Diagnosis } from '../shared/protocol';

export interface Label {
  expect: string[];
  allow: string[];
}

export interface CaseResult {
  file: string;
  label: Label;
  found: { code: string; step: number }[];
  totalSteps: number;
  durationMs: number;
  error?: string;
}

export interface CodeScore {
  code: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** Median over true positives of (step first held) / (steps in the run). */
  medianDetection: number | null;
}

export interface Score {
  perCode: CodeScore[];
  /** confusion[expected][reported]: in runs labelled `expected`, how often `reported` was (wrongly) reported too. */
  confusion: Record<string, Record<string, number>>;
  healthyRuns: number;
  healthyWithDiagnoses: string[];
  misses: string[];
  falseAlarms: string[];
}

export function readLabels(dir: string): Record<string, Label> {
  return JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, Label>;
}

export async function runCase(dir: string, file: string, label: Label, backend: BackendPreference = 'cpu'): Promise<CaseResult> {
  const { runExperiment } = await import('../engine/run');
  const parsed = parseExperiment(readFileSync(join(dir, file), 'utf8'));
  const exp = parsed.experiment;
  if (!exp) return { file, label, found: [], totalSteps: 0, durationMs: 0, error: parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  let diagnostics: Diagnosis[] = [];
  let totalSteps = 0;
  let error: string | undefined;
  const t0 = performance.now();
  await runExperiment(exp, {
    runId: file, source: join(dir, file), baseDir: dir, backend, shouldStop: () => false,
    emit: (e) => {
      if (e.type === 'started') totalSteps = e.info.totalSteps;
      else if (e.type === 'diagnostics') diagnostics = e.diagnostics;
      else if (e.type === 'failed') error = e.message;
    },
  });
  const r: CaseResult = { file, label, found: diagnostics.map((d) => ({ code: d.code, step: d.step })), totalSteps, durationMs: performance.now() - t0 };
  if (error) r.error = error;
  return r;
}

export function score(results: readonly CaseResult[]): Score {
  const perCode: CodeScore[] = [];
  const confusion: Record<string, Record<string, number>> = {};
  const misses: string[] = [];
  const falseAlarms: string[] = [];
  for (const code of ALL_CODES) {
    let tp = 0, fp = 0, fn = 0;
    const ttd: number[] = [];
    for (const r of results) {
      const hit = r.found.find((f) => f.code === code);
      const expected = r.label.expect.includes(code);
      if (expected && hit) {
        tp++;
        ttd.push(hit.step / Math.max(1, r.totalSteps));
      } else if (expected) {
        fn++;
        misses.push(`${r.file}: missed ${code}`);
      } else if (hit && !r.label.allow.includes(code)) {
        fp++;
        falseAlarms.push(`${r.file}: ${code} at step ${hit.step}`);
        for (const e of r.label.expect.length ? r.label.expect : ['(healthy)']) ((confusion[e] ??= {})[code] = (confusion[e][code] ?? 0) + 1);
      }
    }
    ttd.sort((a, b) => a - b);
    perCode.push({
      code, tp, fp, fn,
      precision: tp + fp > 0 ? tp / (tp + fp) : 1,
      recall: tp + fn > 0 ? tp / (tp + fn) : 1,
      medianDetection: ttd.length ? ttd[Math.floor((ttd.length - 1) / 2)] : null,
    });
  }
  const healthy = results.filter((r) => r.label.expect.length === 0);
  return {
    perCode, confusion,
    healthyRuns: healthy.length,
    healthyWithDiagnoses: healthy.filter((r) => r.found.some((f) => !r.label.allow.includes(f.code))).map((r) => `${r.file}: ${r.found.map((f) => f.code).join(', ')}`),
    misses, falseAlarms,
  };
}

export function scoreText(s: Score, results: readonly CaseResult[]): string {
  const lines = ['code                 TP  FP  FN  precision  recall  detection (median step/total)'];
  for (const c of s.perCode) {
    lines.push(`${c.code.padEnd(20)} ${String(c.tp).padStart(3)} ${String(c.fp).padStart(3)} ${String(c.fn).padStart(3)}  ${c.precision.toFixed(2).padStart(9)}  ${c.recall.toFixed(2).padStart(6)}  ${c.medianDetection === null ? '-' : c.medianDetection.toFixed(2)}`);
  }
  lines.push('', `healthy runs: ${s.healthyRuns}, with a diagnosis: ${s.healthyWithDiagnoses.length}`);
  for (const h of s.healthyWithDiagnoses) lines.push(`  ${h}`);
  const conf = Object.entries(s.confusion);
  lines.push('', 'confusion (labelled → also reported):', ...(conf.length ? conf.map(([e, m]) => `  ${e} → ${Object.entries(m).map(([c, n]) => `${c} ×${n}`).join(', ')}`) : ['  none']));
  lines.push('', 'misses:', ...(s.misses.length ? s.misses.map((m) => `  ${m}`) : ['  none']));
  lines.push('', 'false alarms:', ...(s.falseAlarms.length ? s.falseAlarms.map((m) => `  ${m}`) : ['  none']));
  const errors = results.filter((r) => r.error);
  if (errors.length) lines.push('', 'errors:', ...errors.map((r) => `  ${r.file}: ${r.error}`));
  const ms = results.reduce((a, r) => a + r.durationMs, 0);
  lines.push('', `${results.length} runs in ${(ms / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
