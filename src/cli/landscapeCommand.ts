/**
 * `optimizer-debugger landscape`: train a network experiment (the base run of the file: no compare
 * variants, search or restarts), then evaluate its loss landscape from the initial and final
 * weights exactly as the extension's "Show Loss Landscape" does (engine/netLandscape/), and print
 * the line's values and the slice's range (`--json`: one object; `--out`: both grids as JSON).
 * Exit codes as `run`: 0 done, 1 internal failure, 2 invalid input, 130 interrupted.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseExperiment } from '../engine/spec/parse';
import type { EngineEvent, LandscapeRecord } from '../shared/protocol';
import type { Command } from './args';
import type { CliIO } from './io';
import { Progress } from './progress';
import { load, printIssues } from './runCommand';

type LandscapeArgs = Extract<Command, { kind: 'landscape' }>;
type ParamsEvent = Extract<EngineEvent, { type: 'parameters' }>;

export async function landscapeCommand(args: LandscapeArgs, io: CliIO): Promise<number> {
  const loaded = load(args.target, io);
  if (typeof loaded === 'number') return loaded;
  const parsed = parseExperiment(loaded.text);
  printIssues(loaded.label, parsed.issues, io);
  const parsedExp = parsed.experiment;
  if (!parsedExp) return 2;
  if (parsedExp.kind !== 'network') {
    io.stderr(`${loaded.label}: the loss landscape is for networks (data + model); a 2-D objective's contour plot is in \`run --trace\` and the panel\n`);
    return 2;
  }
  const { single } = await import('../engine/multi/group');
  const exp = single(parsedExp);
  const { runExperiment } = await import('../engine/run');
  const { runNetLandscape } = await import('../engine/netLandscape/job');
  const progress = new Progress({ write: io.stderr, isTTY: io.isTTY, columns: io.columns, now: io.now });
  const show = !args.quiet;
  let params: ParamsEvent | undefined;
  let failure: { message: string; path?: string } | undefined;
  let trainLoss: number | null = null;
  try {
    await runExperiment({ ...exp, training: { ...exp.training, restarts: 0 } }, {
      runId: `cli-landscape-${process.pid}`,
      source: loaded.source,
      baseDir: loaded.baseDir,
      backend: args.backend,
      blas: args.blas,
      shouldStop: () => io.interrupted(),
      emit: (e) => {
        if (e.type === 'parameters') params = e;
        else if (e.type === 'failed') failure = { message: e.message, path: e.path };
        else if (e.type === 'finished') trainLoss = e.summary.final.trainLoss;
        else if (e.type === 'started' && show) {
          io.stderr(`${e.info.name}: training ${e.info.paramCount} parameters, up to ${e.info.totalSteps} steps on ${e.info.backend.label}\n`);
          progress.start(e.info.totalSteps);
        } else if (e.type === 'metrics' && show && e.batch.steps.length) {
          const last = e.batch.steps[e.batch.steps.length - 1];
          progress.update(last.step, last.loss);
        } else if (e.type === 'log' && e.level !== 'info') {
          progress.end();
          io.stderr(`${e.level}: ${e.message}\n`);
        }
      },
    });
  } finally {
    progress.end();
  }
  if (failure) {
    io.stderr(failure.path !== undefined ? `${loaded.label}: ${failure.path || '(file)'}: ${failure.message}\n` : `error: ${failure.message}\n`);
    return failure.path !== undefined ? 2 : 1;
  }
  if (io.interrupted()) return 130;
  const p = params;
  if (!p) {
    io.stderr(`error: no weights to evaluate: the run diverged or has more than 200,000 parameters\n`);
    return 1;
  }
  if (show) {
    io.stderr(`landscape: evaluating 41 + 625 points\n`);
    progress.start(41 + 625);
  }
  let records: LandscapeRecord[] | undefined;
  try {
    records = await runNetLandscape(
      { experiment: exp, baseDir: loaded.baseDir, backend: args.backend, blas: args.blas, initial: p.initial, final: p.final, step: p.step },
      { shouldStop: () => io.interrupted(), progress: (done) => show && progress.update(done, undefined) },
    );
  } finally {
    progress.end();
  }
  if (!records) return 130;
  const line = records.find((r) => r.mode === 'line')!;
  const plane = records.find((r) => r.mode === 'plane')!;
  const finite = plane.values.filter((v): v is number => v !== null);
  const planeMin = finite.length ? Math.min(...finite) : null;
  const planeMax = finite.length ? Math.max(...finite) : null;
  if (args.out) writeFileSync(resolve(io.cwd, args.out), `${JSON.stringify({ experiment: exp.name, line, plane })}\n`);
  if (args.json) {
    io.stdout(`${JSON.stringify({ experiment: exp.name, steps: p.step, trainLoss, rows: line.rows ?? null, line: { t: line.xs, loss: line.values }, plane: { points: plane.xs.length, span: [plane.xs[0], plane.xs[plane.xs.length - 1]], min: planeMin, max: planeMax } })}\n`);
    return 0;
  }
  const fmt = (v: number | null) => (v === null ? 'n/a' : v.toPrecision(5));
  const lines = [`Loss landscape of "${exp.name}" after ${p.step} steps (training loss over ${line.rows ?? '?'} rows)`, '', 'Along θ₀ + t·(θ − θ₀):   t      loss'];
  line.xs.forEach((t, i) => lines.push(`${t.toFixed(2).padStart(27)}  ${fmt(line.values[i])}${t === 0 ? '  ← initial' : t === 1 ? '  ← final' : ''}`));
  lines.push('', `Slice θ + a·d₁ + b·d₂ (filter-normalized, ${plane.xs.length} × ${plane.xs.length}, a, b ∈ [${plane.xs[0]}, ${plane.xs[plane.xs.length - 1]}]):`);
  lines.push(`  min ${fmt(planeMin)}  max ${fmt(planeMax)}  at the final weights ${fmt(plane.values[(plane.values.length - 1) / 2] ?? null)}`);
  if (args.out) lines.push('', `Both grids written to ${args.out}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
