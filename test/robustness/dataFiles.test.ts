/**
 * Bad data files: every malformed CSV or IDX file gives a clear error naming the file and the
 * line, column or byte offset, or the documented handling (rows with NaN/Inf dropped, counted).
 * Also fuzzes the CSV parser with random text: an error or data, never a crash or a NaN.
 */
import * as assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { loadCsv, MAX_CSV_BYTES, parseCsv } from '../../src/engine/data/csv';
import { loadIdx } from '../../src/engine/data/idx';
import { SpecError } from '../../src/engine/errors';
import { record } from './report';

function idxImages(n: number, rows: number, cols: number): Buffer {
  const b = Buffer.alloc(16 + n * rows * cols, 7);
  b.writeUInt32BE(0x803, 0);
  b.writeUInt32BE(n, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  return b;
}

function idxLabels(n: number): Buffer {
  const b = Buffer.alloc(8 + n, 1);
  b.writeUInt32BE(0x801, 0);
  b.writeUInt32BE(n, 4);
  return b;
}

describe('robustness: data files', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'optdbg-data-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    const f = path.join(dir, name);
    writeFileSync(f, content);
    return f;
  };
  const csv = (name: string, content: string, warnings: string[] = [], regression = false) =>
    loadCsv({ file: write(name, content), shownAs: name, target: 'y', regression, warn: (m) => warnings.push(m) });
  const specError = (fn: () => unknown): SpecError => {
    try {
      fn();
    } catch (e) {
      if (e instanceof SpecError) return e;
      throw new Error(`not a SpecError: ${String(e)}`);
    }
    throw new Error('no error');
  };

  it('malformed CSV: an error naming file and line (and column)', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['ragged.csv', 'a,b,y\n1,2,x\n3,4,5,y\n', /ragged\.csv line 3: expected 3 cells, found 4/],
      ['short.csv', 'a,b,y\n1,2,x\n3\n', /short\.csv line 3: expected 3 cells, found 1/],
      ['text.csv', 'a,b,y\n1,2,x\n3,four,y\n', /text\.csv line 3, column "b": "four" is not a number/],
      ['empty.csv', '', /empty\.csv is empty/],
      ['blank.csv', '\n\n  \n', /blank\.csv is empty/],
      ['header-only.csv', 'a,b,y\n', /header-only\.csv has no usable data rows/],
      ['no-target.csv', 'a,b,c\n1,2,3\n', /column "y" not found in no-target\.csv/],
      ['only-target.csv', 'y\n1\n2\n', /only-target\.csv has no feature columns/],
      ['binary.csv', '\u0000\u0001\u0002PK\u0003\u0004,y\n\u00ff\u00fe,1\n', /binary\.csv line 2, column .* is not a number/],
      ['all-nan.csv', 'a,y\nNaN,1\n,2\n', /all-nan\.csv has no usable data rows/],
    ];
    let held = 0;
    for (const [name, content, want] of cases) {
      const e = specError(() => csv(name, content));
      assert.match(e.message, want, name);
      assert.match(e.path, /^\/data\/(csv|target)$/);
      held++;
    }
    record('data', 'malformed CSV: error with file and line', cases.length, held);
  });

  it('NaN / Inf / float32 overflow in CSV: rows dropped with a count and the lines', () => {
    const warnings: string[] = [];
    const d = csv('nan.csv', 'a,b,y\n1,2,x\nNaN,2,x\n1,Infinity,x\n1,-inf,y\n1,1e39,y\n3,4,\n5,6,y\n', warnings);
    assert.equal(d.n, 2);
    assert.ok(Array.from(d.x).every(Number.isFinite), 'only finite values reach the tensors');
    assert.deepEqual(warnings, ['nan.csv: dropped 5 rows with missing, NaN or infinite values (lines 3, 4, 5, 6, 7)']);
    const reg: string[] = [];
    const r = csv('reg.csv', 'a,y\n1,0.5\n2,Infinity\n3,NaN\n4,1.5\n', reg, true);
    assert.deepEqual(Array.from(r.y), [0.5, 1.5]);
    assert.match(reg[0], /dropped 2 rows/);
    record('data', 'NaN/Inf/1e39 cells: rows dropped, counted', 2, 2, 'documented in csv.ts');
  });

  it('a 1 GB CSV (sparse file) is refused before it is read', () => {
    const f = path.join(dir, 'huge.csv');
    const fd = openSync(f, 'w');
    ftruncateSync(fd, 1024 ** 3); // sparse: no disk space used
    closeSync(fd);
    const t0 = process.hrtime.bigint();
    const e = specError(() => loadCsv({ file: f, shownAs: 'huge.csv', target: 'y', regression: false, warn: () => undefined }));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(e.path, '/data/csv');
    assert.match(e.message, /huge\.csv is 1\.0 GiB, over the 200\.0 MiB limit for CSV files/);
    assert.equal(MAX_CSV_BYTES, 200 * 1024 * 1024);
    record('data', '1 GiB sparse CSV refused by size', 1, 1, `refused in ${ms.toFixed(1)} ms, nothing read`);
  });

  it('IDX: wrong magic, truncated bodies, empty headers, zip bombs: errors with byte offsets', () => {
    const labels = write('labels', idxLabels(4));
    const images = write('images', idxImages(4, 2, 2));
    const gzBomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const cases: Array<[string, Buffer, 'images' | 'labels', RegExp]> = [
      ['swapped', idxLabels(4), 'images', /byte offset 0: magic number 0x00000801, expected 0x00000803 .*\(this is a labels file\)/],
      ['random-magic', Buffer.from('GIF89a....................'), 'images', /byte offset 0: magic number 0x47494638/],
      ['tiny', Buffer.from([0, 0]), 'images', /truncated at byte offset 2 while reading the magic number/],
      ['no-header', idxImages(4, 2, 2).subarray(0, 10), 'images', /truncated at byte offset 10 while reading the header/],
      ['cut-body', idxImages(4, 2, 2).subarray(0, 20), 'images', /truncated at byte offset 20 while reading 4 images of 2×2 pixels starting at byte offset 16/],
      ['huge-count', (() => { const b = idxImages(1, 2, 2); b.writeUInt32BE(0xffffffff, 4); return b; })(), 'images', /truncated at byte offset 20 while reading 4294967295 images/],
      ['zero-images', idxImages(0, 2, 2), 'images', /byte offset 4: the header declares 0 images/],
      ['zero-pixels', idxImages(3, 0, 5), 'images', /byte offset 8: the header declares images of 0×5 pixels/],
      ['cut-labels', idxLabels(4).subarray(0, 9), 'labels', /truncated at byte offset 9 while reading 4 labels starting at byte offset 8/],
      ['corrupt.gz', Buffer.concat([zlib.gzipSync(idxLabels(4)).subarray(0, 12), Buffer.from('garbage')]), 'labels', /gzip data is corrupt/],
      ['bomb.gz', gzBomb, 'labels', /inflated, it holds more than 4\.0 MiB, over the 4\.0 MiB limit/],
    ];
    let held = 0;
    for (const [name, content, which, want] of cases) {
      const f = write(name, content);
      const e = specError(() => loadIdx(which === 'images' ? { imagesFile: f, labelsFile: labels } : { imagesFile: images, labelsFile: f }, 4 * 1024 * 1024));
      assert.match(e.message, want, name);
      assert.ok(e.message.includes(f), `${name}: names the file`);
      assert.equal(e.path, `/data/idx/${which}`);
      held++;
    }
    const mismatch = specError(() => loadIdx({ imagesFile: images, labelsFile: write('three', idxLabels(3)) }));
    assert.match(mismatch.message, /3 labels but .* has 4 images/);
    held++;
    record('data', 'bad IDX: error with file and byte offset', cases.length + 1, held);
  });

  it('random CSV text: data with finite values, or a located error — never anything else (fast-check)', () => {
    let tried = 0;
    let data = 0;
    let errors = 0;
    const cell = fc.oneof(fc.double({ noNaN: false }).map(String), fc.constantFrom('', 'NaN', 'inf', 'x', '"1,5"', '1e39', '-0', '0x1f', ' 3 '), fc.string({ maxLength: 4 }));
    const numeric = fc.oneof({ weight: 6, arbitrary: fc.double({ min: -1e6, max: 1e6 }).map(String) }, { weight: 1, arbitrary: cell });
    const row = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(numeric, numeric, fc.oneof(fc.constantFrom('a', 'b', '1', '2.5'), cell)).map((cs) => cs.join(',')) },
      { weight: 1, arbitrary: fc.array(cell, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(',')) },
    );
    const text = fc.oneof(
      fc.array(row, { maxLength: 12 }).map((rows) => ['a,b,y', ...rows].join('\n')),
      fc.string({ maxLength: 300 }),
    );
    fc.assert(
      fc.property(text, fc.boolean(), (t, regression) => {
        tried++;
        try {
          const d = parseCsv(t, { file: 'f.csv', shownAs: 'f.csv', target: 'y', regression, warn: () => undefined });
          data++;
          return d.n > 0 && d.x.length === d.n * d.nFeatures && Array.from(d.x).every(Number.isFinite) && Array.from(d.y).every(Number.isFinite);
        } catch (e) {
          errors++;
          return e instanceof SpecError && e.message.includes('f.csv') && /^\/data\/(csv|target)$/.test(e.path);
        }
      }),
      { numRuns: 3000, seed: 6 },
    );
    record('data', 'random CSV text: data or located error', tried, tried, `${data} loaded, ${errors} refused`);
  });
});
