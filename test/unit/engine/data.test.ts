import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { prepareDataset } from '../../../src/engine/data/dataset';
import { loadCsv } from '../../../src/engine/data/csv';
import { loadIdx } from '../../../src/engine/data/idx';
import { loadDataset } from '../../../src/engine/data/load';
import { generateSynthetic } from '../../../src/engine/data/synthetic';
import { SpecError } from '../../../src/engine/errors';
import { Rng } from '../../../src/engine/random';
import type { SyntheticData, SyntheticDataset } from '../../../src/shared/experiment';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'optdbg-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

function csv(name: string, text: string, regression = false, warnings: string[] = []) {
  return loadCsv({ file: write(name, text), shownAs: `data/${name}`, target: 'species', regression, warn: (m) => warnings.push(m) });
}

function specError(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SpecError, `expected a SpecError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a SpecError');
}

function synth(synthetic: SyntheticDataset, o: Partial<SyntheticData> = {}): SyntheticData {
  return { kind: 'synthetic', synthetic, samples: 300, noise: 0.1, validation: 0.2, normalize: false, classes: 3, ...o };
}

describe('engine: CSV loader', () => {
  const good = 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n"6.3",6.0,virginica\n4.9,1.5,setosa\n';

  it('loads a good file: features, sorted classes, labels', () => {
    const d = csv('good.csv', good);
    assert.strictEqual(d.n, 4);
    assert.deepStrictEqual(d.featureNames, ['sepal', 'petal']);
    assert.deepStrictEqual(d.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepStrictEqual(Array.from(d.y), [0, 1, 2, 0]);
    assert.deepStrictEqual(Array.from(d.x).map((v) => +v.toFixed(3)), [5.1, 1.4, 7, 4.7, 6.3, 6, 4.9, 1.5]);
  });

  it('a numeric target is regression with a linear output, classes otherwise', () => {
    const text = 'a,species\n1,0.5\n2,1.5\n3,1\n';
    assert.strictEqual(csv('num.csv', text, true).classes, undefined);
    assert.deepStrictEqual(Array.from(csv('num2.csv', text, true).y), [0.5, 1.5, 1]);
    assert.deepStrictEqual(csv('num3.csv', text, false).classes, ['0.5', '1', '1.5']);
  });

  it('a ragged row names the file and line', () => {
    const e = specError(() => csv('ragged.csv', 'a,b,species\n1,2,x\n3,4,y\n5,z\n'));
    assert.strictEqual(e.path, '/data/csv');
    assert.strictEqual(e.message, 'data/ragged.csv line 4: expected 3 cells, found 2');
  });

  it('a non-numeric cell names line and column', () => {
    const e = specError(() => csv('text.csv', 'a,b,species\n1,2,x\n3,abc,y\n'));
    assert.strictEqual(e.path, '/data/csv');
    assert.match(e.message, /data\/text\.csv line 3, column "b": "abc" is not a number/);
  });

  it('rows with NaN or empty cells are dropped with a warning', () => {
    const warnings: string[] = [];
    const d = csv('nan.csv', 'a,b,species\n1,2,x\n3,NaN,y\n,4,y\n5,6,\n7,8,y\n', false, warnings);
    assert.strictEqual(d.n, 2);
    assert.deepStrictEqual(Array.from(d.x), [1, 2, 7, 8]);
    assert.deepStrictEqual(warnings, ['data/nan.csv: dropped 3 rows with missing, NaN or infinite values (lines 3, 4, 5)']);
  });

  it('a missing file names the resolved path; a missing target column lists the columns', () => {
    const missing = specError(() =>
      loadCsv({ file: path.join(tmp, 'nope.csv'), shownAs: 'nope.csv', target: 't', regression: false, warn: () => {} }),
    );
    assert.strictEqual(missing.path, '/data/csv');
    assert.ok(missing.message.includes(path.join(tmp, 'nope.csv')));
    const noTarget = specError(() =>
      loadCsv({ file: write('t.csv', 'a,b\n1,2\n'), shownAs: 't.csv', target: 'label', regression: false, warn: () => {} }),
    );
    assert.strictEqual(noTarget.path, '/data/target');
    assert.match(noTarget.message, /columns: a, b/);
  });

  it('resolves relative paths against baseDir through loadDataset', () => {
    write('iris.csv', good);
    const ds = loadDataset(
      { kind: 'csv', csv: 'iris.csv', target: 'species', normalize: false, validation: 0.25 },
      { seed: 1, baseDir: tmp, output: 'softmax', warn: () => {} },
    );
    assert.strictEqual(ds.nTrain, 3);
    assert.strictEqual(ds.nVal, 1);
    assert.strictEqual(ds.nOutputs, 3);
  });
});

function idxImages(n: number, rows: number, cols: number, fill: (i: number) => number, magic = 0x803): Buffer {
  const b = Buffer.alloc(16 + n * rows * cols);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(n, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  for (let i = 0; i < n * rows * cols; i++) b[16 + i] = fill(i);
  return b;
}

function idxLabels(labels: number[], magic = 0x801): Buffer {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
}

describe('engine: IDX loader', () => {
  it('loads a tiny generated pair, pixels scaled to [0, 1], limit applied', () => {
    const images = write('img-idx3-ubyte', idxImages(5, 2, 3, (i) => (i * 17) % 256));
    const labels = write('lab-idx1-ubyte', idxLabels([3, 1, 4, 1, 5]));
    const d = loadIdx({ imagesFile: images, labelsFile: labels });
    assert.strictEqual(d.n, 5);
    assert.strictEqual(d.nFeatures, 6);
    assert.deepStrictEqual(Array.from(d.y), [3, 1, 4, 1, 5]);
    assert.deepStrictEqual(d.classes, ['0', '1', '2', '3', '4', '5']);
    assert.ok(Math.abs(d.x[1] - 17 / 255) < 1e-7);
    assert.ok(Array.from(d.x).every((v) => v >= 0 && v <= 1));
    assert.strictEqual(loadIdx({ imagesFile: images, labelsFile: labels, limit: 2 }).n, 2);
  });

  it('reads .gz files', () => {
    const images = write('img.gz', zlib.gzipSync(idxImages(2, 2, 2, (i) => i)));
    const labels = write('lab.gz', zlib.gzipSync(idxLabels([0, 1])));
    const d = loadIdx({ imagesFile: images, labelsFile: labels });
    assert.deepStrictEqual(Array.from(d.x).map((v) => Math.round(v * 255)), [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a wrong magic number is an error at byte offset 0 naming the file', () => {
    const images = write('bad-images', idxLabels([1, 2])); // a labels file where images belong
    const labels = write('ok-labels', idxLabels([1, 2]));
    const e = specError(() => loadIdx({ imagesFile: images, labelsFile: labels }));
    assert.strictEqual(e.path, '/data/idx/images');
    assert.ok(e.message.startsWith(`${images}: byte offset 0: magic number 0x00000801, expected 0x00000803`), e.message);
  });

  it('truncated data and count mismatches are reported', () => {
    const full = idxImages(4, 2, 2, () => 1);
    const images = write('trunc', full.subarray(0, 20));
    const labels = write('labels4', idxLabels([1, 2, 3, 4]));
    const t = specError(() => loadIdx({ imagesFile: images, labelsFile: labels }));
    assert.match(t.message, /truncated at byte offset 20/);
    const m = specError(() => loadIdx({ imagesFile: write('img4', full), labelsFile: write('labels3', idxLabels([1, 2, 3])) }));
    assert.strictEqual(m.path, '/data/idx/labels');
  });
});

describe('engine: synthetic data and preparation', () => {
  it('every generator gives the requested rows, features and classes, deterministically', () => {
    const expect: Record<SyntheticDataset, [number, number | undefined]> = {
      spiral: [2, 3],
      circles: [2, 2],
      xor: [2, 2],
      blobs: [2, 3],
      linear: [1, undefined],
      ravine: [2, undefined],
    };
    for (const [name, [f, k]] of Object.entries(expect) as [SyntheticDataset, [number, number | undefined]][]) {
      const a = generateSynthetic(synth(name), new Rng(5));
      const b = generateSynthetic(synth(name), new Rng(5));
      assert.strictEqual(a.n, 300, name);
      assert.strictEqual(a.nFeatures, f, name);
      assert.strictEqual(a.classes?.length, k, name);
      assert.deepStrictEqual(a.x, b.x, `${name} deterministic`);
      if (k) for (let c = 0; c < k; c++) assert.ok(Array.from(a.y).filter((y) => y === c).length >= 300 / k - 1, `${name} balanced`);
    }
  });

  it('ravine reproduces the lecture table ranges', () => {
    const d = generateSynthetic(synth('ravine', { samples: 1000 }), new Rng(1));
    for (let i = 0; i < d.n; i++) {
      assert.ok(d.x[2 * i] >= 100 && d.x[2 * i] <= 340);
      assert.ok(d.x[2 * i + 1] >= 0.0018 && d.x[2 * i + 1] <= 0.0033);
    }
    const ys = Array.from(d.y);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    assert.ok(mean > 3 && mean < 5, `mean target ${mean}`);
  });

  it('splits after one shuffle and standardizes with the training statistics', () => {
    const raw = generateSynthetic(synth('ravine', { samples: 500 }), new Rng(2));
    const ds = prepareDataset(raw, new Rng(3), 0.2, true);
    assert.strictEqual(ds.nTrain, 400);
    assert.strictEqual(ds.nVal, 100);
    for (let j = 0; j < 2; j++) {
      let m = 0;
      let s = 0;
      for (let i = 0; i < ds.nTrain; i++) m += ds.xTrain[2 * i + j];
      m /= ds.nTrain;
      for (let i = 0; i < ds.nTrain; i++) s += (ds.xTrain[2 * i + j] - m) ** 2;
      assert.ok(Math.abs(m) < 1e-4, `feature ${j} mean ${m}`);
      assert.ok(Math.abs(Math.sqrt(s / ds.nTrain) - 1) < 1e-3);
    }
    // Validation uses the same (training) statistics, so its values come from the raw rows.
    const { mean, std } = ds.normalization!;
    const rawRows = new Set(Array.from({ length: raw.n }, (_, i) => raw.x[2 * i].toFixed(2)));
    assert.ok(rawRows.has((ds.xVal[0] * std[0] + mean[0]).toFixed(2)));
    // Same seed ⇒ same split.
    assert.deepStrictEqual(prepareDataset(raw, new Rng(3), 0.2, true).yVal, ds.yVal);
  });
});
