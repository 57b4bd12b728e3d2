/** Command-line parsing for `optimizer-debugger`: small enough not to need a library. */
import type { BackendPreference } from '../shared/protocol';
import { closest } from '../engine/spec/suggest';

export const BACKENDS: readonly BackendPreference[] = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'];

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'examples'; json: boolean }
  | { kind: 'run'; target: string; json: boolean; trace?: string; backend: BackendPreference; blas: boolean; quiet: boolean; failOn?: FailOn }
  | { kind: 'lr-find'; target: string; json: boolean; backend: BackendPreference; blas: boolean; quiet: boolean; minLr: number; maxLr: number; steps: number }
  | { kind: 'landscape'; target: string; json: boolean; out?: string; backend: BackendPreference; blas: boolean; quiet: boolean };

/** `--fail-on`: the least severe diagnosis that makes the exit code non-zero (CI use). */
export type FailOn = 'warning' | 'error';
const FAIL_ON: readonly FailOn[] = ['warning', 'error'];

export class UsageError extends Error {}

export const USAGE = `Usage:
  optimizer-debugger run <file.optim.json | example-id> [options]
  optimizer-debugger lr-find <file.optim.json | example-id> [--min A] [--max B] [--steps N] [--json] [--backend B] [--no-blas]
  optimizer-debugger landscape <file.optim.json | example-id> [--json] [--out FILE] [--backend B] [--no-blas]
  optimizer-debugger examples [--json]
  optimizer-debugger --help | --version

Run options:
  --json               print exactly one JSON object (the run summary) on stdout
  --trace FILE         write every step's loss (and, for objectives, the point) to FILE as JSON;
                       a compare file adds "variants": [{ "name", "steps" }] (one trace per variant)
  --backend B          auto | node-gpu | node | wasm | cpu (default auto)
  --no-blas            dense layers on tfjs only, not on the machine's BLAS (OpenBLAS, MKL, ...)
                       through the native addon; OPTIMIZER_DEBUGGER_BLAS=off does the same
  --quiet, -q          no progress output
  --fail-on LEVEL      warning | error: exit with code 3 when a diagnosis at least this severe is found

lr-find options (learning-rate range test: α grows exponentially, one update each):
  --min A, --max B     the range of α (default 1e-6 to 10)
  --steps N            updates (default 100); stops early when the loss explodes (> 4× its minimum)

landscape (networks): trains the experiment, then evaluates the training loss (mean over the
first 2,000 rows of the training split at most) on 41 points of the line from the initial to the
final weights, t in [-0.5, 1.5], and on a 25 x 25 slice along two filter-normalized random
directions around the final weights (Li et al. 2018), a and b in [-1, 1]
  --out FILE           write both grids ({ "line", "plane" } landscape records) to FILE as JSON

Exit codes: 0 run ended (completed, stopped or diverged), 1 internal failure,
            2 invalid input (bad file, unknown example, bad flags), 3 a diagnosis at or
            above --fail-on, 130 interrupted.`;

const COMMANDS = ['run', 'lr-find', 'landscape', 'examples', 'help'];

export function parseArgs(argv: readonly string[]): Command {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set(['--trace', '--backend', '--fail-on', '--min', '--max', '--steps', '--out']);
  const known = new Set(['--json', '--quiet', '-q', '--no-blas', '--help', '-h', '--version', '-V', ...valued]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (!known.has(name)) {
      const guess = closest(name.replace(/^-+/, ''), [...known].filter((k) => k.startsWith('--')).map((k) => k.slice(2)));
      throw new UsageError(`unknown option '${name}'${guess ? `; did you mean '--${guess}'?` : ''}`);
    }
    if (valued.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`option ${name} needs a value`);
      flags.set(name, value);
    } else {
      if (eq > 0) throw new UsageError(`option ${name} takes no value`);
      flags.set(name, true);
    }
  }

  if (flags.has('--help') || flags.has('-h') || positional[0] === 'help') return { kind: 'help' };
  if (flags.has('--version') || flags.has('-V')) return { kind: 'version' };
  const [command, ...rest] = positional;
  if (command === undefined) throw new UsageError('missing command: run or examples');
  const json = flags.has('--json');

  if (command === 'examples') {
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    for (const f of ['--trace', '--backend', '--fail-on', '--no-blas']) if (flags.has(f)) throw new UsageError(`option ${f} only applies to 'run'`);
    return { kind: 'examples', json };
  }
  if (command === 'lr-find') return lrFindCommand(rest, flags, json);
  if (command === 'landscape') return landscapeCommand(rest, flags, json);
  if (flags.has('--out')) throw new UsageError(`option --out only applies to 'landscape'`);
  for (const f of ['--min', '--max', '--steps']) if (flags.has(f)) throw new UsageError(`option ${f} only applies to 'lr-find'`);
  if (command !== 'run') {
    const guess = closest(command, COMMANDS);
    throw new UsageError(`unknown command '${command}'${guess ? `; did you mean '${guess}'?` : '; expected run or examples'}`);
  }
  if (rest.length === 0) throw new UsageError('run needs an experiment file or an example id (see `optimizer-debugger examples`)');
  if (rest.length > 1) throw new UsageError(`unexpected argument '${rest[1]}': run takes one experiment`);

  const backend = backendOf(flags);
  const failFlag = flags.get('--fail-on');
  if (typeof failFlag === 'string' && !(FAIL_ON as readonly string[]).includes(failFlag)) {
    throw new UsageError(`unknown --fail-on level '${failFlag}'; expected warning or error`);
  }
  const trace = flags.get('--trace');
  return {
    kind: 'run',
    target: rest[0],
    json,
    trace: typeof trace === 'string' ? trace : undefined,
    backend,
    blas: !flags.has('--no-blas'),
    quiet: flags.has('--quiet') || flags.has('-q'),
    ...(typeof failFlag === 'string' ? { failOn: failFlag as FailOn } : {}),
  };
}

function backendOf(flags: Map<string, string | true>): BackendPreference {
  const backendFlag = flags.get('--backend');
  if (typeof backendFlag !== 'string') return 'auto';
  if (!(BACKENDS as readonly string[]).includes(backendFlag)) {
    throw new UsageError(`unknown backend '${backendFlag}'; expected one of ${BACKENDS.join(', ')}`);
  }
  return backendFlag as BackendPreference;
}

function landscapeCommand(rest: string[], flags: Map<string, string | true>, json: boolean): Command {
  if (rest.length !== 1) throw new UsageError('landscape takes one experiment file or example id');
  for (const f of ['--trace', '--fail-on', '--min', '--max', '--steps']) if (flags.has(f)) throw new UsageError(`option ${f} does not apply to 'landscape'`);
  const out = flags.get('--out');
  return { kind: 'landscape', target: rest[0], json, backend: backendOf(flags), blas: !flags.has('--no-blas'), quiet: flags.has('--quiet') || flags.has('-q'), ...(typeof out === 'string' ? { out } : {}) };
}

function lrFindCommand(rest: string[], flags: Map<string, string | true>, json: boolean): Command {
  if (rest.length !== 1) throw new UsageError('lr-find takes one experiment file or example id');
  for (const f of ['--trace', '--fail-on']) if (flags.has(f)) throw new UsageError(`option ${f} only applies to 'run'`);
  const number = (flag: string, fallback: number, ok: (v: number) => boolean, what: string): number => {
    const v = flags.get(flag);
    if (typeof v !== 'string') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`${flag} must be ${what}, got '${v}'`);
    return n;
  };
  const minLr = number('--min', 1e-6, (v) => v > 0, 'a number > 0');
  const maxLr = number('--max', 10, (v) => v > minLr, `a number > --min (${minLr})`);
  const steps = number('--steps', 100, (v) => Number.isInteger(v) && v >= 5 && v <= 100_000, 'an integer in [5, 100000]');
  return { kind: 'lr-find', target: rest[0], json, backend: backendOf(flags), blas: !flags.has('--no-blas'), quiet: flags.has('--quiet') || flags.has('-q'), minLr, maxLr, steps };
}
