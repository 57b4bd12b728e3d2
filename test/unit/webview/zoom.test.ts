import * as assert from 'node:assert/strict';
import { keyZoom } from '../../../webview/charts/zoom';

describe('keyZoom (keyboard zoom of the step charts)', () => {
  const ext = [0, 1000] as const;

  it('+ halves the view around its centre, − doubles it back to everything (undefined)', () => {
    assert.deepEqual(keyZoom('+', undefined, ext), [250, 750]);
    assert.deepEqual(keyZoom('+', [250, 750], ext), [375, 625]);
    assert.deepEqual(keyZoom('=', undefined, ext), [250, 750], '= is + without Shift');
    assert.deepEqual(keyZoom('-', [375, 625], ext), [250, 750]);
    assert.equal(keyZoom('-', [250, 750], ext), undefined);
    assert.equal(keyZoom('-', undefined, ext), undefined);
  });

  it('arrows pan by a quarter of the view and stop at the ends', () => {
    assert.deepEqual(keyZoom('ArrowRight', [250, 750], ext), [375, 875]);
    assert.deepEqual(keyZoom('ArrowRight', [400, 900], ext), [500, 1000]);
    assert.deepEqual(keyZoom('ArrowLeft', [100, 300], ext), [50, 250]);
    assert.deepEqual(keyZoom('ArrowLeft', [20, 220], ext), [0, 200]);
    assert.equal(keyZoom('ArrowLeft', undefined, ext), undefined, 'nothing to pan when everything shows');
  });

  it('zooming out near an end slides the view inside the data', () => {
    assert.deepEqual(keyZoom('-', [0, 200], ext), [0, 400]);
    assert.deepEqual(keyZoom('-', [900, 1000], ext), [800, 1000]);
  });

  it('0 resets; other keys and empty data are not handled (null)', () => {
    assert.equal(keyZoom('0', [1, 2], ext), undefined);
    assert.equal(keyZoom('a', [1, 2], ext), null);
    assert.equal(keyZoom('Tab', undefined, ext), null);
    assert.equal(keyZoom('+', undefined, [5, 5]), null);
  });

  it('does not zoom in below two steps', () => {
    assert.deepEqual(keyZoom('+', [10, 12], ext), [10, 12]);
    assert.deepEqual(keyZoom('+', [10, 13], ext), [10.5, 12.5]);
  });
});
