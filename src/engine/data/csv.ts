/**
 * CSV loader: a header row, one example per line. The `target` column is the label; every other
 * column must be numeric. String labels (or any label with a softmax/sigmoid output) make a
 * classification task with classes in sorted order; numeric labels with a linear output make a
 * regression task.
 *
 * Documented handling of missing values: a row with an empty, "NaN" or "NA" cell (in a feature,
 * or in a numeric regression target) is dropped and a warning reports how many were. Any other
 * non-numeric cell is an error naming its line and column.
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

export function loadCsv(opts: CsvOptions): RawData {
  let text: string;
  try {
    text = fs.readFileSync(opts.file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    const what = code === 'ENOENT' ? 'file not found' : (e as Error).message;
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
    throw new SpecError('/data/target', `column "${opts.target}" not found in ${where} (columns: ${header.join(', ')})`);
  }
  const featureCols = header.map((_, i) => i).filter((i) => i !== targetCol);
  const featureNames = featureCols.map((i) => header[i]);

  const rows: number[][] = [];
  const labels: string[] = [];
  let dropped = 0;
  for (let li = headerIdx + 1; li < lines.length; li++) {
    if (lines[li].trim() === '') continue;
    const lineNo = li + 1;
    const cells = splitLine(lines[li]).map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new SpecError('/data/csv', `${where} line ${lineNo}: expected ${header.length} cells, found ${cells.length}`);
    }
    let missing = false;
    const row: number[] = [];
    for (const c of featureCols) {
      const v = parseCell(cells[c]);
      if (v === 'missing') {
        missing = true;
      } else if (v === 'bad') {
        throw new SpecError(
          '/data/csv',
          `${where} line ${lineNo}, column "${header[c]}": "${cells[c]}" is not a number`,
        );
      } else row.push(v);
    }
    const label = cells[targetCol];
    if (MISSING.has(label.toLowerCase())) missing = true;
    if (missing) {
      dropped++;
      continue;
    }
    rows.push(row);
    labels.push(label);
  }
  if (dropped > 0) {
    opts.warn(`${where}: dropped ${dropped} row${dropped === 1 ? '' : 's'} with missing or NaN values`);
  }
  if (rows.length === 0) throw new SpecError('/data/csv', `${where} has no usable data rows`);

  const n = rows.length;
  const f = featureCols.length;
  const x = new Float32Array(n * f);
  rows.forEach((r, i) => x.set(r, i * f));
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
  if (MISSING.has(cell.toLowerCase())) return 'missing';
  const v = Number(cell);
  if (Number.isNaN(v)) return 'bad';
  if (!Number.isFinite(v)) return 'missing';
  return v;
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
