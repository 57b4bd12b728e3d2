/**
 * The run history on disk: any content of runs.json loads without a throw (garbage is copied
 * aside, never silently overwritten), and saves are atomic: a reader racing many saves only ever
 * sees a complete file.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { RunStore } from '../../src/host/runStore';
import { info, steps } from '../unit/host/helpers';
import { record } from './report';

describe('robustness: run history on disk', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'optdbg-hist-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('any file content: loads without a throw; unreadable content is copied aside first', async () => {
    let tried = 0;
    let asides = 0;
    const valid = JSON.stringify({ version: 1, runs: [{ info: info('ok'), metrics: { steps: steps(0, 3), epochs: [], histograms: [] }, diagnostics: [] }] });
    const content = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.integer({ min: 0, max: valid.length }).map((n) => valid.slice(0, n)),
      fc.record({ version: fc.constantFrom(1, 2, '1'), runs: fc.array(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(JSON.parse(valid).runs[0])), { maxLength: 3 }) }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(content, async (text) => {
        tried++;
        const sub = mkdtempSync(path.join(dir, 'c-'));
        const file = path.join(sub, 'runs.json');
        writeFileSync(file, text);
        const warnings: string[] = [];
        const s = new RunStore({ maxRuns: 10, file, onWarning: (m) => warnings.push(m) });
        await s.load(); // a rejection fails the property
        const copies = readdirSync(sub).filter((f) => f.startsWith('runs.json.corrupt-'));
        if (copies.length > 0) {
          asides++;
          assert.equal(readFileSync(path.join(sub, copies[0]), 'utf8'), text, 'the copy is byte-identical');
          assert.equal(warnings.length, 1);
        }
        const ok = text === valid || copies.length === 1;
        for (const r of s.snapshots()) assert.ok(Array.isArray(r.metrics.steps) && typeof r.info.runId === 'string');
        return ok || (warnings.length === 0 && isClean(text));
      }),
      { numRuns: 400, seed: 11 },
    );
    record('history', 'random runs.json content: load, never throw', tried, tried, `${asides} copied aside as runs.json.corrupt-<time>`);
  });

  it('saves are atomic: a reader racing 200 saves never sees a partial file', async () => {
    const file = path.join(dir, 'runs.json');
    const s = new RunStore({ maxRuns: 10, file });
    s.begin(info('big'));
    s.appendMetrics('big', { steps: steps(0, 20_000), epochs: [], histograms: [] });
    let reads = 0;
    let complete = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        if (existsSync(file)) {
          reads++;
          try {
            JSON.parse(readFileSync(file, 'utf8'));
            complete++;
          } catch {
            // counted as not complete
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 200; i++) {
      s.appendMetrics('big', { steps: steps(20_000 + i, 1), epochs: [], histograms: [] });
      await s.persist();
    }
    stop = true;
    await reader;
    assert.ok(reads > 20, `only ${reads} reads`);
    assert.equal(complete, reads);
    assert.deepEqual(readdirSync(dir), ['runs.json'], 'no temp files left');
    record('history', 'atomic save (temp + rename) under a racing reader', reads, complete, '200 saves');
  });
});

/** Content a store may treat as "no history" without a copy: valid, empty of runs, or whitespace-free nothing. */
function isClean(text: string): boolean {
  try {
    const v = JSON.parse(text) as { version?: unknown; runs?: unknown };
    return v?.version === 1 && Array.isArray(v.runs);
  } catch {
    return false;
  }
}
