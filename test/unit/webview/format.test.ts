import { strict as assert } from 'node:assert';
import { formatNumber, formatTick, logTickLabel } from '../../../webview/format';

describe('webview number formatting', () => {
  it('formats compactly, with exponents only for extreme magnitudes', () => {
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(8e-4), '8e-4');
    assert.equal(formatNumber(1.25e-5), '1.25e-5');
    assert.equal(formatNumber(123456), '1.235e5');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(null), '–');
  });

  it('labels step axes with k/M and log axes only at 1, 2, 5 per decade', () => {
    assert.equal(formatTick(20000), '20k');
    assert.equal(formatTick(100000), '100k');
    assert.equal(formatTick(1500000), '1.5M');
    assert.equal(formatTick(500), '500');
    assert.equal(logTickLabel(0.001), '0.001');
    assert.equal(logTickLabel(2e-4), '2e-4');
    assert.equal(logTickLabel(3e-4), '');
  });
});

describe('webview log-axis labels on a narrow range', () => {
  it('labels every tick when fewer than two 1-2-5 ticks exist', () => {
    const ticks = [1.05, 1.06, 1.08, 1.1, 1.12];
    assert.equal(logTickLabel(1.085, ticks), '1.085');
    const wide = [0.01, 0.02, 0.03, 0.05, 0.1];
    assert.equal(logTickLabel(0.03, wide), '');
    assert.equal(logTickLabel(0.05, wide), '0.05');
  });
});
