import * as assert from 'node:assert/strict';
import { TimeBudget } from '../../../src/engine/instruments/schedule';

describe('engine: instrument time budget', () => {
  it('always allows the first call, then only what fits in share × elapsed', () => {
    const b = new TimeBudget(0.01);
    assert.equal(b.affordable(0), true);
    b.spend(80);
    // The next call is estimated at 80 ms: 160 ms spent needs 16 s elapsed.
    assert.equal(b.affordable(15_000), false);
    assert.equal(b.affordable(16_000), true);
    b.spend(40);
    // Estimated at the last call's 40 ms: 160 ms again.
    assert.equal(b.affordable(15_900), false);
    assert.equal(b.affordable(16_100), true);
  });
});
