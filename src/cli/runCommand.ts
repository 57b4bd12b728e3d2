/**
 * `optimizer-debugger run`: load and validate the experiment, run it in-process on the same
 * engine as the extension's worker, and report. Exit codes: 0 the run ended (completed, stopped
 * or diverged: a diverged run is a diagnosis, not a CLI failure), 1 internal failure, 2 invalid
 * input, 130 interrupted by the user.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { findExample, listExamples } from '../engine/examples';
import { parseExperiment } from '../engine/spec/parse';
import { closest } from '../engine/spec/suggest';
import type { LrFindSpec, SpecIssue } from '../shared/experiment';
import type { BackendPreference, EngineEvent, RunSummary } from '../shared/protocol';
import { RunCollector } from './collect';
import { lrFindJson, lrFindText } from './lrFindReport';
import { compareText, restartsSpread, restartsText, searchText, variantJson } from './multiReport';
import type { FailOn } from './args';
import type { CliIO } from './io';
import { Progress } from './progress';
import { RunReport, reportJson, reportText } from './report';

export interface RunArgs {
  target: string;
  json: boolean;
  trace?: string;
  backend: BackendPreference;
  /** Dense layers on the native BLAS when available (`--no-blas`: false); absent: true. */
  blas?: boolean;
  quiet: boolean;
  failOn?: FailOn;
}

/** Exit code when `--fail-on` matched a diagnosis (distinct from failures, 1, and bad input, 2). */
export const EXIT_DIAGNOSED = 3;

interface Loaded {
  /** How messages name the file: the path as typed, or `<id>.optim.json` for an example. */
  label: string;
  source: string;
  baseDir: string;
  text: string;
}

export async function runCommand(args: RunArgs, io: CliIO, lrFind?: LrFindSpec): Promise<number> {
  const loaded = load(args.target, io);
  if (typeof loaded === 'number') return loaded;

  const parsed = parseExperiment(loaded.text);
  printIssues(loaded.label, parsed.issues, io);
  const exp = parsed.experiment;
  if (!exp) return 2;

  const { runExperiment } = await import('../engine/run');
  const progress = new Progress({ write: io.stderr, isTTY: io.isTTY, columns: io.columns, now: io.now });
  const showProgress = !args.quiet;
  const runs = new RunCollector(args.trace !== undefined);
  const runId = `cli-${process.pid}-${Date.now()}`;
  let failure: { message: string; path?: string } | undefined;

  const onEvent = (e: EngineEvent): void => {
    runs.onEvent(e);
    switch (e.type) {
      case 'started':
        if (showProgress) {
          const what = e.info.variant !== undefined ? `${exp.name} [${e.info.variant}]` : e.info.name;
          io.stderr(`${what}: ${e.info.paramCount} parameters, up to ${e.info.totalSteps} steps on ${e.info.backend.label}\n`);
          progress.start(e.info.totalSteps);
        }
        break;
      case 'metrics': {
        const steps = e.batch.steps;
        if (steps.length === 0) break;
        const last = steps[steps.length - 1];
        if (showProgress) progress.update(last.step, last.loss);
        if (e.runId === runId && last.avgLoss !== undefined) averagedLoss = last.avgLoss;
        break;
      }
      case 'log':
        // Info lines repeat what the summary says (backend); warnings matter even when quiet.
        if (e.level !== 'info') {
          progress.end();
          io.stderr(`${e.level}: ${e.message}\n`);
        }
        break;
      case 'failed':
        if (e.runId === runId) failure = { message: e.message, path: e.path };
        break;
      case 'finished':
        if (showProgress) progress.end();
        break;
      default:
        break;
    }
  };

  /** Loss at the averaged parameters in the last step record (`optimizer.averaging`). */
  let averagedLoss: number | undefined;
  let summary: RunSummary;
  try {
    summary = await runExperiment(lrFind ? { ...exp, lrFind } : exp, {
      runId,
      source: loaded.source,
      baseDir: loaded.baseDir,
      backend: args.backend,
      blas: args.blas,
      shouldStop: () => io.interrupted(),
      emit: onEvent,
    });
  } finally {
    progress.end();
  }

  if (failure) {
    if (failure.path !== undefined) {
      io.stderr(`${loaded.label}: ${failure.path || '(file)'}: ${failure.message}\n`);
      return 2;
    }
    io.stderr(`error: ${failure.message}\n`);
    return 1;
  }

  const main = runs.get(runId);
  const diagnostics = main.diagnostics;
  const variants = runs.started().filter((r) => r.info?.groupId !== undefined);
  if (lrFind) {
    if (args.json) io.stdout(`${JSON.stringify(lrFindJson(exp.name, loaded.source, main, summary))}\n`);
    else io.stdout(lrFindText(exp.name, args.target, main, summary));
  } else {
    const report: RunReport = { source: loaded.source, shownAs: args.target, experiment: exp.name, kind: exp.kind, info: main.info, summary, diagnostics, averagedLoss };
    if (args.json) {
      const out = reportJson(report);
      if (variants.length > 0) out.variants = variants.map(variantJson);
      if (main.restarts) out.restarts = restartsSpread(main.restarts);
      if (main.search) out.search = main.search;
      io.stdout(`${JSON.stringify(out)}\n`);
    } else {
      io.stdout(reportText(report));
      if (variants.length > 0) io.stdout(`\n${compareText(variants)}`);
      if (main.restarts) io.stdout(`\n${restartsText(main.restarts)}`);
      if (main.search) io.stdout(`\n${searchText(main.search)}`);
    }
  }

  if (args.trace) {
    const file = resolve(io.cwd, args.trace);
    // One file: `steps` is the main run's (as for a single run); a compare file adds every variant's.
    const body: Record<string, unknown> = { experiment: exp.name, kind: exp.kind, steps: main.trace };
    if (variants.length > 0) body.variants = variants.map((r) => ({ name: r.info?.variant ?? r.runId, optimizer: r.info?.optimizer, steps: r.trace }));
    try {
      writeFileSync(file, `${JSON.stringify(body)}\n`);
      if (!args.quiet && !args.json) {
        const n = variants.length > 0 ? `${variants.length} variants (${variants.map((v) => v.trace.length).join(' + ')} steps)` : `${main.trace.length} steps`;
        io.stderr(`trace: ${n} written to ${args.trace}\n`);
      }
    } catch (err) {
      io.stderr(`${args.trace}: cannot write the trace: ${errorText(err)}\n`);
      return 2;
    }
  }

  if (summary.reason === 'stopped' && io.interrupted()) return 130;
  if (args.failOn && diagnostics.some((d) => d.severity === 'error' || (args.failOn === 'warning' && d.severity === 'warning'))) {
    if (!args.json && !args.quiet) io.stderr(`--fail-on ${args.failOn}: diagnoses found; exit code ${EXIT_DIAGNOSED}\n`);
    return EXIT_DIAGNOSED;
  }
  return summary.reason === 'completed' || summary.reason === 'stopped' || summary.reason === 'diverged' ? 0 : 1;
}

/** A path (has a separator or ends in .json, or exists) is a file; anything else an example id. */
export function load(target: string, io: CliIO): Loaded | number {
  const looksLikeFile = /[\\/]/.test(target) || target.endsWith('.json');
  const path = resolve(io.cwd, target);
  if (looksLikeFile || fileExists(path)) {
    try {
      return { label: target, source: path, baseDir: dirname(path), text: readFileSync(path, 'utf8') };
    } catch (err) {
      io.stderr(`${target}: cannot read the experiment file: ${errorText(err)}\n`);
      return 2;
    }
  }
  const example = findExample(target);
  if (!example) {
    const guess = closest(target, listExamples().map((e) => e.id));
    io.stderr(
      `unknown example '${target}'${guess ? `; did you mean '${guess}'?` : ''} (and no such file). ` +
        'Run `optimizer-debugger examples` for the list.\n',
    );
    return 2;
  }
  return { label: basename(example.path), source: example.id, baseDir: dirname(example.path), text: example.text };
}

export function printIssues(label: string, issues: readonly SpecIssue[], io: CliIO): void {
  const errors = issues.filter((i) => i.severity === 'error');
  for (const i of issues) {
    const where = i.path === '' ? '' : `${i.path}: `;
    io.stderr(`${label}: ${where}${i.severity === 'warning' ? 'warning: ' : ''}${i.message}\n`);
  }
  if (errors.length > 0) io.stderr(`${label}: ${errors.length} error${errors.length > 1 ? 's' : ''}; nothing was run\n`);
}

function fileExists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && (err as { code?: unknown }).code === 'ENOENT') return 'no such file';
  if (err && typeof err === 'object' && 'code' in err && (err as { code?: unknown }).code === 'EISDIR') return 'is a folder';
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}
