/**
 * `npm run bench`: training steps/s of the engine per backend (diagnostics off and on), on tfjs
 * alone and with the native BLAS kernels (engine/native/) when the addon loads, beside PyTorch CPU
 * on the same workloads, the panel pipeline at 1,000 steps/s, and memory over a long run.
 * Alternatives are interleaved round by round (so drift on a shared machine hits all of them
 * alike) and each figure is the median of the rounds. A benchmark, not a test: nothing asserts.
 *
 *   npm run bench                      # everything, 5 rounds
 *   npm run bench -- --rounds 3 --budget 0.3 --backends wasm --only mnist
 *   npm run bench -- --breakdown --backends wasm --only mnist   # what diagnostics cost, per component
 */
import type { BackendPreference } from '../src/shared/protocol';
import { blasShortName, tryCandidate } from '../src/engine/backend';
import { FusedStepper } from '../src/engine/fused/step';
import { loadNativeKernels } from '../src/engine/native/load';
import { breakdown, breakdownRows } from './breakdown';
import { bareTrial, instrumentedTrial, type Trial } from './engineTrial';
import { activation } from './activation';
import { longRun } from './memory';
import { panelPipeline } from './panel';
import { fmt, median, table } from './stats';
import { TorchReference } from './torch';
import { cleanUpData, stepsPerEpoch, WORKLOADS, type Workload } from './workloads';

interface Args {
  rounds: number;
  budget: number;
  backends: BackendPreference[];
  only?: string;
  skip: Set<string>;
  /** Per-component cost of diagnostics (bench/breakdown.ts) instead of the steps/s table. */
  breakdown: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { rounds: 5, budget: 0.5, backends: ['node', 'wasm', 'cpu'], skip: new Set(), breakdown: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--rounds') (a.rounds = Number(v)), i++;
    else if (argv[i] === '--budget') (a.budget = Number(v)), i++;
    else if (argv[i] === '--backends') (a.backends = v.split(',') as BackendPreference[]), i++;
    else if (argv[i] === '--only') (a.only = v), i++;
    else if (argv[i] === '--breakdown') a.breakdown = true;
    else if (argv[i] === '--skip') (v.split(',').forEach((s) => a.skip.add(s)), i++); // torch, panel, activation, memory, steps
  }
  return a;
}

const rate = (t: Trial) => t.steps / t.seconds;

/** One engine configuration of the table: a tfjs backend, with or without the native BLAS kernels. */
interface Engine {
  backend: BackendPreference;
  blas: boolean;
  label: string;
}

/** Small nets take the fused JS step whatever the kernels: a BLAS row would repeat the plain one. */
function takesBlas(w: Workload): boolean {
  const layers = w.sizes.slice(1).map((nOut, i) => ({ nIn: w.sizes[i], nOut, activation: 'relu' as const }));
  return !FusedStepper.worthIt(layers, w.batch);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const notes: string[] = [];
  // Only backends that really load here: asking for 'node' without tfjs-node would fall back.
  const backends: BackendPreference[] = [];
  for (const b of args.backends) {
    const attempt = await tryCandidate(b as 'node' | 'wasm' | 'cpu');
    if (attempt.ok) backends.push(b);
    else notes.push(`backend ${b}: skipped (${attempt.why})`);
  }
  let torch: TorchReference | undefined;
  if (!args.skip.has('torch')) {
    const t = await TorchReference.start();
    if (typeof t === 'string') notes.push(`PyTorch reference: skipped (${t})`);
    else {
      torch = t;
      notes.push(`PyTorch reference: torch ${t.version}, BLAS ${t.blas}, 1 thread`);
    }
  }
  const native = loadNativeKernels();
  if (native.kernels) notes.push(`native BLAS: ${native.kernels.library}, 1 thread (rows "<backend> + ${blasShortName(native.kernels.library)}")`);
  else notes.push(`native BLAS: skipped (${native.why ?? 'unknown reason'})`);
  // OpenBLAS picks its kernels by CPU unless these say otherwise; PyTorch and the addon load the
  // same libopenblas in this process tree, so both run with whatever is set here.
  const pinned = Object.entries(process.env).filter(([k]) => k.startsWith('OPENBLAS_')).map(([k, v]) => `${k}=${v}`);
  if (pinned.length) notes.push(`OpenBLAS settings from the environment (apply to PyTorch and the addon alike): ${pinned.join(' ')}`);
  notes.push(`node ${process.version}, ${require('os').cpus()[0]?.model ?? '?'} ×${require('os').cpus().length}`);
  console.log(notes.join('\n'));
  const engines: Engine[] = backends.flatMap((b) => [
    { backend: b, blas: false, label: b },
    ...(native.kernels ? [{ backend: b, blas: true, label: `${b} + ${blasShortName(native.kernels.library)}` }] : []),
  ]);
  const enginesFor = (w: Workload) => engines.filter((e) => !e.blas || takesBlas(w));

  const workloads = WORKLOADS.filter((w) => !args.only || w.id.includes(args.only));
  if (args.breakdown) {
    torch?.stop();
    for (const b of backends) {
      const rows = [['component', 'ms/call', 'calls/run', 'ms/step', '% of bare step']];
      for (const w of workloads) rows.push(...breakdownRows(w.id, await breakdown(w, b, args.budget)));
      console.log(`\nDiagnostics cost per component on ${b}, amortized over a run (${args.budget} s of steps per workload; epoch evaluations excluded)\n`);
      console.log(table(rows));
    }
    cleanUpData();
    return;
  }
  const results = new Map<string, number[]>();
  const record = (key: string, t: Trial) => results.set(key, [...(results.get(key) ?? []), rate(t)]);
  if (!args.skip.has('steps')) {
    for (let round = 1; round <= args.rounds; round++) {
      process.stderr.write(`round ${round}/${args.rounds}…\n`);
      for (const w of workloads) {
        if (torch) record(`${w.id}|torch`, await torch.trial(w, args.budget, stepsPerEpoch(w) - 1));
        for (const e of enginesFor(w)) {
          record(`${w.id}|${e.label}|off`, await bareTrial(w, e.backend, args.budget, e.blas));
          record(`${w.id}|${e.label}|on`, await instrumentedTrial(w, e.backend, args.budget, e.blas));
        }
      }
    }
    torch?.stop();
    const rows = [['workload', 'engine', 'off steps/s', 'on steps/s', 'overhead', 'on / torch']];
    for (const w of workloads) {
      const ref = median(results.get(`${w.id}|torch`) ?? []);
      if (torch) rows.push([w.id, 'pytorch cpu', fmt(ref), '', '', '1.00×']);
      for (const e of enginesFor(w)) {
        const off = median(results.get(`${w.id}|${e.label}|off`) ?? []);
        const on = median(results.get(`${w.id}|${e.label}|on`) ?? []);
        rows.push([w.id, e.label, fmt(off), fmt(on), `${fmt((off / on - 1) * 100, 1)} %`, torch ? `${fmt(on / ref, 2)}×` : '–']);
      }
    }
    console.log(`\nTraining steps/s, median of ${args.rounds} interleaved rounds (off: bare loop; on: runExperiment with every instrument and the diagnosis monitor; overhead = extra time per step; "+ <BLAS>": dense layers on the native BLAS, off = its step without statistics; small nets take the fused JS step either way, so they have no BLAS row)\n`);
    console.log(table(rows));
  } else torch?.stop();

  if (!args.skip.has('panel')) {
    const p = panelPipeline(1000, 1000);
    console.log(`\nPanel pipeline at 1,000 steps/s over ${fmt(p.simulatedSeconds)} s of run time (${fmt(p.steps)} steps, simulated clock)\n`);
    console.log(table([
      ['measure', 'value'],
      ['webview messages/s', fmt(p.webviewMessagesPerSecond, 1)],
      ['step records retained by the host run store', fmt(p.hostRetained)],
      ['points per series retained by the webview store', fmt(p.webviewRetained)],
      ['JS heap growth', `${fmt(p.heapGrowthMB, 1)} MB`],
    ]));
  }

  if (!args.skip.has('activation')) {
    const a = activation();
    if (typeof a === 'string') console.log(`\nExtension activation: skipped (${a})`);
    else {
      console.log('\nExtension activation (built bundle in a fresh Node process, stand-in vscode API; median of 7)\n');
      console.log(table([
        ['measure', 'value'],
        ['require(dist/extension.js)', `${a.requireMs.toFixed(1)} ms`],
        ['activate()', `${a.activateMs.toFixed(1)} ms`],
        ['TensorFlow.js modules loaded', String(a.tfjsModulesLoaded)],
      ]));
    }
  }
  if (!args.skip.has('memory')) {
    const rows = [['long run', 'backend', 'steps', 'tensors start → end (after)', 'RSS start → end']];
    for (const b of backends.filter((x) => x !== 'cpu')) {
      for (const w of [WORKLOADS[1], WORKLOADS[4]]) {
        const m = await longRun(w, b, w.sizes[0] === 784 ? 1500 : 5000);
        rows.push([w.id, b, fmt(m.steps), `${m.tensorsStart} → ${m.tensorsEnd} (${m.tensorsAfter})`, `${fmt(m.rssStartMB)} → ${fmt(m.rssEndMB)} MB`]);
      }
    }
    console.log('\nMemory over a long run (runExperiment, instruments on)\n');
    console.log(table(rows));
  }
  cleanUpData();
}

main().catch((e) => {
  cleanUpData();
  console.error(e);
  process.exit(1);
});
