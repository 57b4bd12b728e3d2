/** Turns an experiment's `data` section into a shuffled, split (and maybe standardized) Dataset. */
import type { DataSpec, OutputActivation } from '../../shared/experiment';
import { streamFor } from '../random';
import { loadCsv, resolveDataPath } from './csv';
import { prepareDataset, type Dataset, type RawData } from './dataset';
import { loadIdx } from './idx';
import { generateSynthetic } from './synthetic';

export interface LoadOptions {
  seed: number;
  baseDir: string;
  /** The model's output decides whether a numeric CSV target is regression or class labels. */
  output: OutputActivation;
  warn: (message: string) => void;
}

export function loadDataset(spec: DataSpec, opts: LoadOptions): Dataset {
  const raw = loadRaw(spec, opts);
  return prepareDataset(raw, streamFor(opts.seed, 'shuffle'), spec.validation, spec.normalize);
}

function loadRaw(spec: DataSpec, opts: LoadOptions): RawData {
  switch (spec.kind) {
    case 'synthetic':
      return generateSynthetic(spec, streamFor(opts.seed, 'data'));
    case 'csv':
      return loadCsv({
        file: resolveDataPath(opts.baseDir, spec.csv),
        shownAs: spec.csv,
        target: spec.target,
        regression: opts.output === 'linear',
        warn: opts.warn,
      });
    case 'idx':
      return loadIdx({
        imagesFile: resolveDataPath(opts.baseDir, spec.idx.images),
        labelsFile: resolveDataPath(opts.baseDir, spec.idx.labels),
        limit: spec.limit,
      });
  }
}
