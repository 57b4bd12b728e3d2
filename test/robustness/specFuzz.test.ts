/**
 * Property-based fuzzing of experiment files: at least 10,000 mutated files. Every one either
 * validates or yields located errors (a JSON pointer, and a range in the text for the editor);
 * the validator never throws. A sample of the valid ones runs a few steps headless; a sample of
 * all kinds goes through the real CLI, which must never print a stack trace.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runExperiment } from '../../src/engine/run';
import { parseExperiment } from '../../src/engine/spec/parse';
import { tf } from '../../src/engine/tf';
import { locatePointer } from '../../src/host/jsonPointer';
import type { Experiment } from '../../src/shared/experiment';
import type { EngineEvent } from '../../src/shared/protocol';
import { repoRoot } from './hooks';
import { baseDocuments, caseArb, caseText } from './mutate';
import { record } from './report';

const RUNS = 10_000;
const POINTER = /^(\/([^/~]|~[01])*)*$/;

interface Tally {
  cases: number;
  valid: number;
  invalid: number;
  syntax: number;
  errors: number;
  exact: number;
  ancestor: number;
  lineColumn: number;
  root: number;
}

/** A valid experiment cut down to a few steps of a small model, so hundreds run in seconds. */
function shrink(exp: Experiment): Experiment {
  const training = { ...exp.training, steps: Math.min(exp.training.steps, 4), epochs: 1, restarts: 0, gradientCheck: false, histogramEvery: 2 };
  if (exp.kind === 'objective') return { ...exp, training };
  const data = exp.data.kind === 'synthetic' ? { ...exp.data, samples: Math.min(exp.data.samples, 200) } : exp.data;
  const layers = exp.model.layers.slice(0, 3).map((l) => ({ ...l, units: Math.min(l.units, 16) }));
  return { ...exp, data, training, model: { ...exp.model, layers } };
}

describe('robustness: experiment files (fast-check)', function () {
  this.timeout(240_000);
  const bases = baseDocuments();
  const validSample: Array<{ text: string; exp: Experiment }> = [];
  const cliSample: string[] = [];

  it(`${RUNS} mutated files: validate or located errors, never a throw`, () => {
    const t: Tally = { cases: 0, valid: 0, invalid: 0, syntax: 0, errors: 0, exact: 0, ancestor: 0, lineColumn: 0, root: 0 };
    fc.assert(
      fc.property(caseArb, (c) => {
        const text = caseText(bases, c);
        t.cases++;
        const result = parseExperiment(text); // a throw fails the property
        const errors = result.issues.filter((i) => i.severity === 'error');
        for (const i of result.issues) {
          assert.match(i.path, POINTER, `not a JSON pointer: ${JSON.stringify(i.path)}`);
          assert.ok(typeof i.message === 'string' && i.message.length > 0, 'an issue without a message');
        }
        if (result.experiment) {
          assert.equal(errors.length, 0, 'an experiment was returned alongside errors');
          assert.ok(result.experiment.kind === 'network' || result.experiment.kind === 'objective');
          t.valid++;
          if (validSample.length < 150 && t.valid % 7 === 1) validSample.push({ text, exp: result.experiment });
        } else {
          assert.ok(errors.length > 0, 'rejected without an error');
          t.invalid++;
          if (errors.some((e) => e.message.startsWith('syntax error'))) t.syntax++;
        }
        for (const e of errors) {
          t.errors++;
          const span = locatePointer(text, e.path);
          assert.ok(span.offset >= 0 && span.length >= 0 && span.offset + span.length <= text.length, `span out of the text for ${e.path}`);
          if (span.exact) t.exact++;
          else if (e.path !== '') t.ancestor++;
          else if (/^syntax error at line \d+:\d+: /.test(e.message)) t.lineColumn++;
          else {
            // Only whole-file problems may sit at the root: not an object, empty, missing sections.
            assert.match(e.message, /(JSON object|empty|missing|could not validate)/, `an unlocated error: ${e.message}`);
            t.root++;
          }
        }
        if (cliSample.length < 40 && t.cases % 250 === 3) cliSample.push(text);
        return true;
      }),
      { numRuns: RUNS, seed: 20250606, endOnFailure: false },
    );
    record(
      'spec',
      'mutated files: experiment or located errors',
      t.cases,
      t.cases,
      `${t.valid} valid, ${t.invalid} rejected (${t.syntax} with syntax errors); ${t.errors} errors located: ${t.exact} on the field, ${t.ancestor} on the nearest parent (missing field), ${t.lineColumn} at a line:column, ${t.root} whole-file`,
    );
    assert.ok(t.cases >= RUNS);
    assert.ok(t.valid > 200 && t.invalid > 2000, `a useful mix: ${t.valid} valid, ${t.invalid} invalid`);
  });

  it('a sample of the valid ones runs a few steps headless, tensors freed', async () => {
    assert.ok(validSample.length >= 50, `sample of ${validSample.length}`);
    await tf.ready();
    let held = 0;
    let finished = 0;
    let failedLocated = 0;
    const problems: string[] = [];
    const failures = new Set<string>();
    for (const { exp } of validSample) {
      const before = tf.memory().numTensors;
      const events: EngineEvent[] = [];
      try {
        const summary = await runExperiment(shrink(exp), {
          runId: 'fuzz',
          source: 'fuzz',
          baseDir: repoRoot,
          backend: 'cpu',
          shouldStop: () => false,
          emit: (e) => events.push(e),
          flushMs: 0,
        });
        const end = events[events.length - 1];
        const leaked = tf.memory().numTensors - before;
        if (end?.type === 'finished') finished++;
        if (end?.type === 'failed' && typeof end.message === 'string' && end.message.length > 0) {
          failedLocated++;
          failures.add(end.path !== undefined ? `${end.path}: ${end.message.replace(/\/[^\s:]*\//g, '…/')}` : `(no path) ${end.message}`);
        }
        if ((end?.type === 'finished' || end?.type === 'failed') && leaked === 0 && typeof summary.reason === 'string') held++;
        else problems.push(`${exp.name}: last event ${end?.type}, leaked ${leaked}`);
      } catch (err) {
        problems.push(`${exp.name}: threw ${String(err)}`);
      }
    }
    if (process.env.OPTDBG_VERBOSE) console.log([...failures].join('\n'));
    // A failure must come from the experiment (a located data problem), not from an engine bug.
    const unlocated = [...failures].filter((f) => f.startsWith('(no path)'));
    record('spec', 'valid sample runs ≤4 steps headless', validSample.length, held, `${finished} finished, ${failedLocated} failed cleanly (e.g. data file missing); tensors flat`);
    assert.deepEqual(problems, []);
    assert.deepEqual(unlocated, [], 'engine failures without a JSON path');
  });

  it('the CLI answers a sample with exit 0 or 2 and never a stack trace', async function () {
    this.timeout(300_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'optdbg-fuzz-'));
    try {
      const files = cliSample.map((text, i) => {
        const f = path.join(dir, `case${i}.optim.json`);
        writeFileSync(f, text);
        return f;
      });
      // Valid ones too, shrunk to a few steps, so the run path of the CLI is covered.
      validSample.slice(0, 8).forEach(({ exp }, i) => {
        const f = path.join(dir, `valid${i}.optim.json`);
        const s = shrink(exp);
        const doc = s.kind === 'objective'
          ? { name: s.name, objective: s.objective, optimizer: { name: s.optimizer.name, learningRate: s.optimizer.learningRate }, training: { steps: s.training.steps } }
          : { name: s.name, data: s.data.kind === 'synthetic' ? { synthetic: s.data.synthetic, samples: s.data.samples } : { synthetic: 'xor', samples: 50 }, model: { layers: s.model.layers }, optimizer: { name: s.optimizer.name, learningRate: s.optimizer.learningRate }, training: { steps: 3 } };
        writeFileSync(f, JSON.stringify(doc));
        files.push(f);
      });
      const results: Array<{ file: string; code: number | null; stdout: string; stderr: string }> = [];
      const queue = [...files];
      const workers = Array.from({ length: 2 }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) results.push({ file: f, ...(await cli(['run', f, '--json', '--backend', 'cpu'])) });
      });
      await Promise.all(workers);
      let held = 0;
      const bad: string[] = [];
      const codes = new Map<string, number>();
      for (const r of results) {
        codes.set(String(r.code), (codes.get(String(r.code)) ?? 0) + 1);
        const stack = /^\s+at .*(:\d+:\d+|\(native\))/m.test(r.stderr) || /^\s+at /m.test(r.stdout);
        let ok = !stack && (r.code === 0 || r.code === 2);
        if (r.code === 2) ok &&= /(\/[^\s:]*: |syntax error|empty|must hold|missing)/.test(r.stderr);
        if (r.code === 0) {
          try {
            const out = JSON.parse(r.stdout) as { experiment?: unknown };
            ok &&= typeof out.experiment === 'string';
          } catch {
            ok = false;
          }
        }
        if (ok) held++;
        else bad.push(`${path.basename(r.file)}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
      }
      record('cli', 'spawned `cli.js run --json`: no stack trace', results.length, held, `exit codes ${[...codes].map(([c, n]) => `${c}×${n}`).join(', ')}`);
      assert.deepEqual(bad, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
