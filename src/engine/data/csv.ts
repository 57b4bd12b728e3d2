/**
 * CSV loader: a header row, one example per line. The `target` column is the label; every other
 * column must be numeric. String labels (or any label with a softmax/sigmoid output) make a
 * classification task with classes in sorted order; numeric labels with a linear output make a
 * regression task.
 *
 * Documented handling of bad values: a row with an empty, "NaN" or "NA" cell, or a value that is
 * not finite as a 32-bit float ("Infinity", "inf", 1e39), in a feature or in the target, is
 * dropped, and a warning says how many rows were dropped and on which lines. Any other
 * non-numeric cell is an error naming its line and column, as is a row with the wrong number of
 * cells. Files over `MAX_CSV_BYTES` are refused before they are read: the whole file is held in
 * memory (twice, as text and as numbers) inside the training worker.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SpecError } from '../errors';
import type { RawData } from './dataset';

export interface CsvOptions {
  /** Resolved path of the file. */
  file: string;
  /** Path as the experiment wrote it (used in messages). */
  shownAs: string;
  target: string;
  /** True when the model's output is linear and the target is numeric. */
  regression: boolean;
  warn: (message: string) => void;
}

const MISSING = new Set(['', 'nan', 'na', 'n/a', 'null']);
const NON_FINITE = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);
/** Largest finite float32: bigger values would become ±Infinity in the tensors. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Largest CSV file loaded (200 MiB: MNIST as CSV, about 110 MB, fits). */
export const MAX_CSV_BYTES = 200 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function loadCsv(opts: CsvOptions, maxBytes = MAX_CSV_BYTES): RawData {
  let text: string;
  try {
    const size = fs.statSync(opts.file).size;
    if (size > maxBytes) {
      throw new SpecError(
        '/data/csv',
        `${opts.shownAs} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for CSV files (the whole file is loaded into memory): use a sample of the rows`,
      );
    }
    text = fs.readFileSync(opts.file, 'utf8');
  } catch (e) {
    if (e instanceof SpecError) throw e;
    const code = (e as { code?: string }).code;
    const what = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new SpecError('/data/csv', `cannot read ${opts.file}: ${what}`);
  }
  return parseCsv(text, opts);
}

export function parseCsv(text: string, opts: CsvOptions): RawData {
  const where = opts.shownAs;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIdx = lines.findIndex((l) => l.trim() !== '');
  if (headerIdx < 0) throw new SpecError('/data/csv', `${where} is empty`);
  const header = splitLine(lines[headerIdx]).map((h) => h.trim());
  const targetCol = header.indexOf(opts.target);
  if (targetCol < 0) {
    const shown = header.slice(0, 20).map(clip).join(', ') + (header.length > 20 ? `, … (${header.length} in all)` : '');
    throw new SpecError('/data/target', `column "${opts.target}" not found in ${where} (columns: ${shown})`);
  }
  const featureCols = header.map((_, i) => i).filter((i) => i !== targetCol);
  const featureNames = featureCols.map((i) => header[i]);

  if (featureCols.length === 0) {
    throw new SpecError('/data/csv', `${where} has no feature columns besides the target "${opts.target}"`);
  }

  const f = featureCols.length;
  // Numbers go straight into a growing Float32Array: a number[] per row costs ~10× the memory.
  let x = new Float32Array(f * 1024);
  let n = 0;
  const labels: string[] = [];
  const droppedLines: number[] = [];
  let dropped = 0;
  for (let li = headerIdx + 1; li < lines.length; li++) {
    if (lines[li].trim() === '') continue;
    const lineNo = li + 1;
    const cells = splitLine(lines[li]).map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new SpecError('/data/csv', `${where} line ${lineNo}: expected ${header.length} cells, found ${cells.length}`);
    }
    if ((n + 1) * f > x.length) {
      const grown = new Float32Array(x.length * 2);
      grown.set(x);
      x = grown;
    }
    let missing = false;
    for (let j = 0; j < f; j++) {
      const c = featureCols[j];
      const v = parseCell(cells[c]);
      if (v === 'missing') {
        missing = true;
      } else if (v === 'bad') {
        throw new SpecError(
          '/data/csv',
          `${where} line ${lineNo}, column "${header[c]}": "${clip(cells[c])}" is not a number`,
        );
      } else x[n * f + j] = v;
    }
    const label = cells[targetCol];
    if (MISSING.has(label.toLowerCase()) || NON_FINITE.has(label.toLowerCase())) missing = true;
    else if (opts.regression && parseCell(label) === 'missing') missing = true;
    if (missing) {
      dropped++;
      if (droppedLines.length < 5) droppedLines.push(lineNo);
      continue;
    }
    n++;
    labels.push(label);
  }
  if (dropped > 0) {
    const lines5 = droppedLines.join(', ') + (dropped > droppedLines.length ? ', …' : '');
    opts.warn(`${where}: dropped ${dropped} row${dropped === 1 ? '' : 's'} with missing, NaN or infinite values (line${dropped === 1 ? '' : 's'} ${lines5})`);
  }
  if (n === 0) throw new SpecError('/data/csv', `${where} has no usable data rows`);
  x = x.slice(0, n * f);
  const y = new Float32Array(n);

  const numericLabels = labels.every((l) => typeof parseCell(l) === 'number');
  if (opts.regression && numericLabels) {
    labels.forEach((l, i) => (y[i] = Number(l)));
    return { x, y, n, nFeatures: f, featureNames, classes: undefined };
  }
  const classes = [...new Set(labels)].sort(numericLabels ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classes.map((c, i) => [c, i]));
  labels.forEach((l, i) => (y[i] = index.get(l) ?? 0));
  return { x, y, n, nFeatures: f, featureNames, classes };
}

function parseCell(cell: string): number | 'missing' | 'bad' {
  const lower = cell.toLowerCase();
  if (MISSING.has(lower) || NON_FINITE.has(lower)) return 'missing';
  const v = Number(cell);
  if (Number.isNaN(v)) return 'bad';
  // Also catches 1e39: finite in JavaScript, Infinity once stored as float32.
  if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) return 'missing';
  return v;
}

/** Cell text quoted in an error, cut short (a binary file may have megabyte-long "cells"). */
function clip(cell: string): string {
  return cell.length > 40 ? `${cell.slice(0, 40)}…` : cell;
}

/** Splits one CSV line on commas, honouring double-quoted fields ("a, b" and "" escapes). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Relative paths in an experiment resolve against the experiment file's folder. */
export function resolveDataPath(baseDir: string, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(baseDir, p);
}
