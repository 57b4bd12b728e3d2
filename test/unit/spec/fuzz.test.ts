import { strict as assert } from 'node:assert';
import { validateExperiment } from '../../../src/engine/spec/parse';
import { exampleValues } from './fixtures';

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE: unknown[] = [null, NaN, Infinity, -Infinity, -1, 0, 1e300, 0.5, -0.0, 2.5, 'x', '', 'adam', [], [1], [1, 2], [1, 'a'], {}, { a: 1 }, true, false, 1e9, 4097, 33];

/** Every container path (as keys) in a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function mutate(value: unknown, r: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const n = 1 + Math.floor(r() * 3);
  let root = copy;
  for (let m = 0; m < n; m++) {
    const all = paths(root);
    const target = all[Math.floor(r() * all.length)];
    const garbage = structuredClone(GARBAGE[Math.floor(r() * GARBAGE.length)]);
    if (target.length === 0) {
      if (r() < 0.1) root = garbage;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const k of target.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const key = target[target.length - 1];
    const op = r();
    if (op < 0.3 && !Array.isArray(parent)) delete parent[key];
    else if (op < 0.9) parent[key] = garbage;
    else parent[`${String(key)}x`] = garbage; // an unknown sibling property
  }
  return root;
}

/** Does a JSON pointer name a value in `root` (or a missing child of an existing object)? */
function resolves(root: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  const keys = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = root;
  for (let i = 0; i < keys.length; i++) {
    if (typeof node !== 'object' || node === null) return false;
    const has = Object.prototype.hasOwnProperty.call(node, keys[i]);
    if (!has) return i === keys.length - 1; // a missing field is reported at its own path
    node = (node as Record<string, unknown>)[keys[i]];
  }
  return true;
}

describe('spec: randomized mutations of the examples', () => {
  it('never throws, and every issue points into the input', () => {
    const examples = exampleValues();
    assert.ok(examples.length >= 10);
    const r = rng(12345);
    let withErrors = 0;
    for (let i = 0; i < 4000; i++) {
      const base = examples[i % examples.length].value;
      const input = mutate(base, r);
      const result = validateExperiment(input);
      const errs = result.issues.filter((x) => x.severity === 'error');
      if (errs.length > 0) withErrors++;
      assert.equal(result.experiment === undefined, errs.length > 0, `experiment iff no errors: ${JSON.stringify(input)}`);
      for (const issue of result.issues) {
        assert.ok(issue.message.length > 0);
        assert.ok(resolves(input, issue.path), `path ${issue.path} not in input ${JSON.stringify(input)} (${issue.message})`);
      }
    }
    // The mutations must actually exercise the error paths.
    assert.ok(withErrors > 1000, `only ${withErrors} mutated inputs had errors`);
  });
});
