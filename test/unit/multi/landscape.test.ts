import * as assert from 'node:assert/strict';
import { contains, extentFor, objectiveLandscape } from '../../../src/engine/landscape';
import { objectiveValue } from '../../../src/engine/objectives';
import { band, bandImage, contourLevels, sample } from '../../../webview/charts/landscapeContours';

const rosen = { function: 'rosenbrock' as const, start: [-1.5, 2] as [number, number], condition: 10 };

describe('landscape grid and contours', () => {
  it('the extent holds the start, the minimum and given points, padded', () => {
    const e = extentFor(rosen);
    assert.ok(e.x0 < -1.5 && e.x1 > 1 && e.y0 < 1 && e.y1 > 2);
    assert.ok(contains(e, [[-1.5, 2], [1, 1]]));
    assert.ok(!contains(e, [[5, 5]]));
    const wider = extentFor(rosen, [[5, 5], [NaN, 1], [1e9, 0]]);
    assert.ok(contains(wider, [[5, 5]]) && wider.x1 < 100, 'far-off and NaN points are ignored');
  });

  it('the grid holds f at its nodes and marks the minima', () => {
    const r = objectiveLandscape(rosen, extentFor(rosen), 0, 20);
    assert.equal(r.values.length, 400);
    assert.deepEqual(r.minima, [[1, 1]]);
    const ys = r.ys!;
    assert.equal(r.values[3 * 20 + 7], objectiveValue('rosenbrock', r.xs[7], ys[3]));
  });

  it('levels are log-spaced above the minimum; bands count the levels below', () => {
    const levels = contourLevels([0, 1, 10, 10000], 5);
    assert.equal(levels.length, 5);
    const ratios = levels.slice(2).map((l, i) => l / levels[i + 1]);
    ratios.forEach((q) => assert.ok(Math.abs(q - 10) < 1e-9));
    assert.equal(band(-1, levels), 0);
    assert.equal(band(levels[2], levels), 3);
    assert.equal(band(1e9, levels), 5);
    assert.deepEqual(contourLevels([3, 3, null]), []);
  });

  it('bilinear sampling is exact on a plane and NaN outside the grid; the band image has one band per pixel', () => {
    const xs = [0, 1, 2];
    const ys = [0, 1];
    const values = ys.flatMap((y) => xs.map((x) => 2 * x + 3 * y));
    const r = { kind: 'landscape' as const, step: 0, mode: 'objective' as const, xs, ys, values };
    assert.ok(Math.abs(sample(r, 1.25, 0.5) - 4) < 1e-12);
    assert.ok(Number.isNaN(sample(r, 3, 0)));
    const img = bandImage(r, 4, 2, contourLevels(values, 4));
    assert.equal(img.length, 8);
    assert.ok(img[4] <= img[0], 'row 0 is the top (larger y, larger value)');
  });
});
