/**
 * Checks an already-parsed experiment value and fills the defaults (table in `./defaults.ts`).
 * Never throws, whatever the input: every problem becomes a `SpecIssue` with a JSON pointer, and
 * the typed `Experiment` is returned only when there is no error (warnings are fine).
 */
import type { DataSpec, Experiment, SpecIssue } from '../../shared/experiment';
import { Checker, describe, get, has, isObject, readNumber, readObject, readString, warnUnknown } from './checker';
import { validateData } from './data';
import { DEFAULTS } from './defaults';
import { validateModel } from './model';
import { validateObjective } from './objective';
import { validateOptimizer } from './optimizer';
import { validateTraining } from './training';
import { validateMulti } from './multi';

export interface ParseResult {
  experiment?: Experiment;
  issues: SpecIssue[];
}

/** `$schema` lets users point editors at the schema; `description` is shown for built-in examples. */
export const TOP_LEVEL_KEYS = ['$schema', 'name', 'description', 'seed', 'data', 'model', 'objective', 'optimizer', 'training', 'restarts', 'compare', 'search'];

export function validateExperiment(value: unknown): ParseResult {
  const c = new Checker();
  let experiment: Experiment | undefined;
  try {
    experiment = validateRoot(c, value);
    // Variants and trials are whole experiments: validated like the root, issues re-pointed into /compare and /search.
    if (experiment && isObject(value)) experiment = validateMulti(c, value, experiment, validateRoot);
  } catch (err) {
    // Only reachable through exotic inputs (throwing getters, proxies): report, don't crash the host.
    c.error('', `could not validate the experiment: ${err instanceof Error ? err.message : String(err)}`);
  }
  return c.errorCount === 0 && experiment !== undefined ? { experiment, issues: c.issues } : { issues: c.issues };
}

export function validateRoot(c: Checker, root: unknown): Experiment | undefined {
  if (!isObject(root)) {
    c.error('', `an experiment file must hold a JSON object, got ${describe(root)}`);
    return undefined;
  }
  warnUnknown(c, root, '', TOP_LEVEL_KEYS);
  const name = readString(c, root, 'name', '', false) ?? DEFAULTS.name;
  readString(c, root, 'description', '', false);
  readString(c, root, '$schema', '', false);
  const seed = readNumber(c, root, 'seed', '', { integer: true }, DEFAULTS.seed);

  const hasData = has(root, 'data');
  const hasModel = has(root, 'model');
  const hasObjective = has(root, 'objective');
  if (hasObjective && (hasData || hasModel)) {
    c.error('/objective', `an experiment has either "data" + "model" (a network) or "objective" (a test function), not both`);
    return undefined;
  }
  if (!hasObjective && !hasData && !hasModel) {
    c.error('', 'missing "data" + "model" (train a network) or "objective" (minimize a 2-D test function)');
    return undefined;
  }

  if (hasObjective) {
    const objective = readObject(c, root, 'objective', '');
    const spec = objective && validateObjective(c, objective, '/objective');
    const optimizer = validateOptimizer(c, root, 'objective');
    const training = validateTraining(c, root, 'objective', undefined);
    if (!spec || !optimizer || !training) return undefined;
    return { kind: 'objective', name, seed, objective: spec, optimizer, training };
  }

  if (!hasData) c.error('/data', 'missing: a network needs data, e.g. { "synthetic": "spiral" }');
  if (!hasModel) c.error('/model', 'missing: a network needs a model, e.g. { "layers": [{ "units": 16, "activation": "relu" }] }');
  const dataObj = readObject(c, root, 'data', '');
  const data: DataSpec | undefined = dataObj && validateData(c, dataObj, '/data');
  const modelObj = readObject(c, root, 'model', '');
  const model = modelObj && validateModel(c, modelObj, '/model', data);
  const optimizer = validateOptimizer(c, root, 'network');
  const training = validateTraining(c, root, 'network', data);
  if (!data || !model || !optimizer || !training) return undefined;
  return { kind: 'network', name, seed, data, model, optimizer, training };
}

/** The optional top-level `description` (not part of `Experiment`: only examples and tools show it). */
export function readDescription(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const d = get(value, 'description');
  return typeof d === 'string' ? d : undefined;
}

