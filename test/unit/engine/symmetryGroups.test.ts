import * as assert from 'node:assert/strict';
import { groups } from '../../../src/engine/instruments/symmetry';
import { Rng } from '../../../src/engine/random';

/** The definition groups() implements: every pair compared, each ungrouped unit leading a group. */
function allPairs(vectors: number[][]): { largestGroup: number; duplicated: number } {
  const n = vectors.length;
  const group = new Array<number>(n).fill(-1);
  const sizes: number[] = [];
  const norms = vectors.map((u) => Math.sqrt(u.reduce((a, x) => a + x * x, 0)));
  for (let i = 0; i < n; i++) {
    if (group[i] >= 0) continue;
    group[i] = sizes.length;
    sizes.push(1);
    for (let j = i + 1; j < n; j++) {
      if (group[j] >= 0) continue;
      let d = 0;
      for (let k = 0; k < vectors[i].length; k++) d += (vectors[i][k] - vectors[j][k]) ** 2;
      if (Math.sqrt(d) <= 1e-4 * Math.max(norms[i], norms[j]) + 1e-9) {
        group[j] = group[i];
        sizes[group[i]]++;
      }
    }
  }
  return { largestGroup: Math.max(1, ...sizes), duplicated: sizes.filter((s) => s > 1).reduce((a, b) => a + b, 0) };
}

describe('engine: symmetry groups', () => {
  it('finds the same groups as comparing every pair: copies, near copies either side of the tolerance, zeros, NaN and ∞', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const width = 1 + (trial % 9) * 7;
      const base = Array.from({ length: 6 }, () => Array.from({ length: width }, () => rng.normal()));
      const units: number[][] = [];
      for (let j = 0; j < 48; j++) {
        const b = base[rng.int(base.length)];
        const kind = rng.int(8);
        if (kind === 0) units.push(Array.from({ length: width }, () => rng.normal()));
        else if (kind === 1) units.push(new Array<number>(width).fill(0));
        else if (kind === 2) units.push(b.map((x, k) => (k === 0 ? NaN : x)));
        else if (kind === 3) units.push(b.map((x, k) => (k === 0 ? Infinity : x)));
        else {
          // Copies scaled by (1 + ε) with ε around the 1e-4 tolerance: some are copies, some not.
          const e = [0, 2e-5, 9e-5, 1.1e-4, 3e-4][kind - 4] ?? 0;
          units.push(b.map((x) => x * (1 + e * (rng.next() < 0.5 ? -1 : 1))));
        }
      }
      assert.deepEqual(groups(units), allPairs(units), `trial ${trial}`);
    }
  });

  it('a whole layer of copies is one group; distinct random units none', () => {
    const rng = new Rng(3);
    const u = Array.from({ length: 30 }, () => rng.normal());
    assert.deepEqual(groups(Array.from({ length: 64 }, () => Float64Array.from(u))), { largestGroup: 64, duplicated: 64 });
    assert.deepEqual(groups(Array.from({ length: 64 }, () => Array.from({ length: 30 }, () => rng.normal()))), { largestGroup: 1, duplicated: 0 });
  });
});
