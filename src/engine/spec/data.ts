/** Validation of `data`: exactly one of the synthetic, csv and idx variants. */
import type { DataSpec, IdxData, SyntheticDataset } from '../../shared/experiment';
import { Checker, Obj, child, describe, get, has, isObject, readBoolean, readEnum, readNumber, readString, warnUnknown } from './checker';
import { DEFAULTS, LIMITS } from './defaults';
import { REGRESSION_DATASETS, SYNTHETIC_DATASETS } from './names';

const VARIANTS = ['synthetic', 'csv', 'idx'] as const;
const SYNTHETIC_KEYS = ['synthetic', 'samples', 'noise', 'validation', 'normalize', 'classes'];
const CSV_KEYS = ['csv', 'target', 'normalize', 'validation'];
const IDX_KEYS = ['idx', 'normalize', 'validation', 'limit'];

const VALIDATION_RULE = { min: 0, max: LIMITS.validationMax };

/** Classes each dataset really has when the user cannot choose (regression: one real target). */
const FIXED_CLASSES: Partial<Record<SyntheticDataset, number>> = { circles: 2, xor: 2, ravine: 1, linear: 1 };

export function isRegressionData(data: DataSpec): boolean {
  return data.kind === 'synthetic' && REGRESSION_DATASETS.includes(data.synthetic);
}

export function validateData(c: Checker, data: Obj, base: string): DataSpec | undefined {
  const present = VARIANTS.filter((k) => has(data, k));
  if (present.length === 0) {
    c.error(base, `must have one of ${VARIANTS.map((v) => `'${v}'`).join(', ')} (a synthetic dataset, a CSV file or IDX files)`);
    warnUnknown(c, data, base, [...new Set([...SYNTHETIC_KEYS, ...CSV_KEYS, ...IDX_KEYS])]);
    return undefined;
  }
  if (present.length > 1) {
    c.error(child(base, present[1]), `use only one of ${present.map((p) => `'${p}'`).join(' and ')} in data`);
    return undefined;
  }
  switch (present[0]) {
    case 'synthetic':
      return synthetic(c, data, base);
    case 'csv':
      return csv(c, data, base);
    default:
      return idx(c, data, base);
  }
}

function synthetic(c: Checker, data: Obj, base: string): DataSpec | undefined {
  warnUnknown(c, data, base, SYNTHETIC_KEYS);
  const name = readEnum(c, data, 'synthetic', base, SYNTHETIC_DATASETS, 'dataset');
  const samples = readNumber(c, data, 'samples', base, { integer: true, min: 1, max: LIMITS.samplesMax }, DEFAULTS.samples);
  const noise = readNumber(c, data, 'noise', base, { min: 0, max: LIMITS.noiseMax }, DEFAULTS.noise);
  const validation = readNumber(c, data, 'validation', base, VALIDATION_RULE, DEFAULTS.validation);
  const normalize = readBoolean(c, data, 'normalize', base, false);
  let classes: number = DEFAULTS.classes;
  const fixed = name !== undefined ? FIXED_CLASSES[name] : undefined;
  if (fixed !== undefined) {
    classes = fixed;
    if (has(data, 'classes') && get(data, 'classes') !== fixed) {
      c.warn(child(base, 'classes'), `ignored: '${name}' always has ${fixed === 1 ? 'one real-valued target' : `${fixed} classes`}`);
    }
  } else {
    classes = readNumber(c, data, 'classes', base, { integer: true, min: LIMITS.classesMin, max: LIMITS.classesMax }, DEFAULTS.classes);
  }
  if (Math.round(samples * (1 - validation)) < 1) {
    c.error(child(base, 'samples'), `leaves no training example (${samples} samples, validation ${validation})`);
  }
  if (name === undefined) return undefined;
  return { kind: 'synthetic', synthetic: name, samples, noise, validation, normalize, classes };
}

function csv(c: Checker, data: Obj, base: string): DataSpec | undefined {
  warnUnknown(c, data, base, CSV_KEYS);
  const file = readString(c, data, 'csv', base, true);
  const target = readString(c, data, 'target', base, true);
  if (!has(data, 'target')) c.error(child(base, 'target'), 'missing: name the CSV column to predict, e.g. "target": "species"');
  const normalize = readBoolean(c, data, 'normalize', base, false);
  const validation = readNumber(c, data, 'validation', base, VALIDATION_RULE, DEFAULTS.validation);
  if (file === undefined || target === undefined) return undefined;
  return { kind: 'csv', csv: file, target, normalize, validation };
}

function idx(c: Checker, data: Obj, base: string): DataSpec | undefined {
  warnUnknown(c, data, base, IDX_KEYS);
  const files = get(data, 'idx');
  const idxPath = child(base, 'idx');
  let images: string | undefined;
  let labels: string | undefined;
  if (!isObject(files)) {
    c.error(idxPath, `must be an object { "images": "<file>", "labels": "<file>" }, got ${describe(files)}`);
  } else {
    warnUnknown(c, files, idxPath, ['images', 'labels']);
    images = readString(c, files, 'images', idxPath, true);
    labels = readString(c, files, 'labels', idxPath, true);
    if (!has(files, 'images')) c.error(child(idxPath, 'images'), 'missing: the IDX images file (e.g. "train-images-idx3-ubyte")');
    if (!has(files, 'labels')) c.error(child(idxPath, 'labels'), 'missing: the IDX labels file (e.g. "train-labels-idx1-ubyte")');
  }
  const normalize = readBoolean(c, data, 'normalize', base, true);
  const validation = readNumber(c, data, 'validation', base, VALIDATION_RULE, DEFAULTS.validation);
  const limit = readNumber(c, data, 'limit', base, { integer: true, min: 1, max: LIMITS.idxLimitMax });
  if (images === undefined || labels === undefined) return undefined;
  const spec: IdxData = { kind: 'idx', idx: { images, labels }, normalize, validation };
  if (limit !== undefined) spec.limit = limit;
  return spec;
}

/** Input features and output units as far as they are known before loading (for size checks). */
export function dataShape(data: DataSpec, inputsEstimate: { synthetic: number; idx: number }): { inputs: number; outputs: number } {
  if (data.kind === 'synthetic') return { inputs: inputsEstimate.synthetic, outputs: data.classes };
  if (data.kind === 'idx') return { inputs: inputsEstimate.idx, outputs: 10 };
  return { inputs: 1, outputs: 1 };
}
