/** Validation of `model`: hidden layers, output, loss and initialization. */
import type { DataSpec, InitScheme, LayerSpec, LossName, ModelSpec, OutputActivation } from '../../shared/experiment';
import { Checker, Obj, checkEnum, child, describe, get, has, isObject, readEnum, readNumber, readObject, readString, warnUnknown } from './checker';
import { dataShape, isRegressionData } from './data';
import { DEFAULTS, IDX_FEATURES_ESTIMATE, LIMITS, SYNTHETIC_FEATURES } from './defaults';
import { ACTIVATIONS, INIT_SCHEMES, LOSSES, OUTPUTS, RELU_FAMILY } from './names';

const MODEL_KEYS = ['layers', 'output', 'loss', 'init', 'module'];
/** What a model module replaces: these describe the built-in MLP only. */
const BUILT_IN_ONLY = ['layers', 'loss', 'init'];
const LAYER_KEYS = ['units', 'activation'];
const INIT_KEYS = ['scheme', 'scale', 'bias'];

/** `data` is undefined when it was invalid: output-dependent defaults then assume classification. */
export function validateModel(c: Checker, model: Obj, base: string, data: DataSpec | undefined): ModelSpec | undefined {
  warnUnknown(c, model, base, MODEL_KEYS);
  const module = readModule(c, model, base);
  const layers = readLayers(c, model, base);
  const regression = data !== undefined && isRegressionData(data);

  const outputGiven = readEnum(c, model, 'output', base, OUTPUTS, 'output activation');
  const output: OutputActivation = outputGiven ?? (regression ? 'linear' : 'softmax');
  if (regression && outputGiven !== undefined && outputGiven !== 'linear' && data?.kind === 'synthetic') {
    c.error(child(base, 'output'), `'${data.synthetic}' is a regression dataset (real-valued target): use "output": "linear"`);
  }
  const lossGiven = readEnum(c, model, 'loss', base, LOSSES, 'loss');
  const loss: LossName = lossGiven ?? (output === 'linear' ? 'mse' : 'crossentropy');
  if (lossGiven === 'crossentropy' && output === 'linear') {
    c.error(child(base, 'loss'), 'crossentropy needs a softmax or sigmoid output; use "loss": "mse" or change "output"');
  }

  const init = readInit(c, model, base, layers);
  if (layers === undefined) return undefined;
  if (module !== undefined) return { layers, output, loss, init, module };

  if (data !== undefined) {
    const { inputs, outputs } = dataShape(data, { synthetic: SYNTHETIC_FEATURES, idx: IDX_FEATURES_ESTIMATE });
    const params = parameterCount(inputs, layers.map((l) => l.units), outputs);
    if (params > LIMITS.paramsMax) {
      c.error(child(base, 'layers'), `model too large: ${params} parameters (limit ${LIMITS.paramsMax})`);
    }
  }
  return { layers, output, loss, init };
}

/**
 * `module`: a CommonJS file (path relative to the experiment) with the model's parameters, loss
 * and optionally its gradient (`engine/model/custom.ts`). The file is only read when the run
 * starts (in the worker, in a trusted workspace), so here it is a non-empty string (or null:
 * none). `output` still says whether a numeric CSV target is regression; the MLP-only fields
 * are ignored.
 */
function readModule(c: Checker, model: Obj, base: string): string | undefined {
  // null is "no module" (the incorrect-gradient quick fix's "use the built-in model").
  if (!has(model, 'module') || get(model, 'module') === null) return undefined;
  const module = readString(c, model, 'module', base, true);
  if (module === undefined) return undefined;
  for (const key of BUILT_IN_ONLY) {
    if (has(model, key)) c.warn(child(base, key), `ignored: the model module "${module}" defines the model`);
  }
  return module;
}

/** Weights and biases of a stack of dense layers. */
export function parameterCount(inputs: number, hidden: readonly number[], outputs: number): number {
  let total = 0;
  let fanIn = inputs;
  for (const units of [...hidden, outputs]) {
    total += (fanIn + 1) * units;
    fanIn = units;
  }
  return total;
}

function readLayers(c: Checker, model: Obj, base: string): LayerSpec[] | undefined {
  if (!has(model, 'layers')) return [];
  const raw = get(model, 'layers');
  const path = child(base, 'layers');
  if (!Array.isArray(raw)) {
    c.error(path, `must be an array of layers like { "units": 16, "activation": "relu" }, got ${describe(raw)}`);
    return undefined;
  }
  if (raw.length > LIMITS.layersMax) {
    c.error(path, `at most ${LIMITS.layersMax} hidden layers, got ${raw.length}`);
    return undefined;
  }
  const layers: LayerSpec[] = [];
  let ok = true;
  raw.forEach((layer: unknown, i) => {
    const lp = child(path, i);
    if (!isObject(layer)) {
      c.error(lp, `must be a layer object like { "units": 16, "activation": "relu" }, got ${describe(layer)}`);
      ok = false;
      return;
    }
    warnUnknown(c, layer, lp, LAYER_KEYS);
    const units = readNumber(c, layer, 'units', lp, { integer: true, min: 1, max: LIMITS.unitsMax });
    if (!has(layer, 'units')) c.error(child(lp, 'units'), `missing: the number of units, an integer in [1, ${LIMITS.unitsMax}]`);
    let activation = readEnum(c, layer, 'activation', lp, ACTIVATIONS, 'activation');
    if (!has(layer, 'activation')) {
      c.error(child(lp, 'activation'), `missing: one of ${ACTIVATIONS.join(', ')}`);
      activation = undefined;
    }
    if (units === undefined || activation === undefined) {
      ok = false;
      return;
    }
    layers.push({ units, activation });
  });
  return ok ? layers : undefined;
}

function readInit(c: Checker, model: Obj, base: string, layers: LayerSpec[] | undefined) {
  const reluOnly = layers !== undefined && layers.length > 0 && layers.every((l) => RELU_FAMILY.includes(l.activation));
  const fallbackScheme: InitScheme = reluOnly ? 'he' : 'glorot';
  const init = readObject(c, model, 'init', base);
  if (init === undefined) return { scheme: fallbackScheme, scale: DEFAULTS.initScale, bias: DEFAULTS.initBias };
  const path = child(base, 'init');
  warnUnknown(c, init, path, INIT_KEYS);
  const scheme = has(init, 'scheme') ? checkEnum(c, get(init, 'scheme'), child(path, 'scheme'), INIT_SCHEMES, 'init scheme') : undefined;
  return {
    scheme: scheme ?? fallbackScheme,
    scale: readNumber(c, init, 'scale', path, { min: 0 }, DEFAULTS.initScale),
    bias: readNumber(c, init, 'bias', path, {}, DEFAULTS.initBias),
  };
}
