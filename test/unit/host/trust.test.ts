import * as assert from 'node:assert/strict';
import { usesCustomModule } from '../../../src/host/trust';

describe('usesCustomModule', () => {
  it('spots model.module, comments and trailing commas allowed', () => {
    assert.equal(usesCustomModule('// c\n{ "model": { "module": "./net.js", }, }'), true);
    assert.equal(usesCustomModule('{ "model": { "layers": [] } }'), false);
    assert.equal(usesCustomModule('{ "module": "x" }'), false);
    assert.equal(usesCustomModule('not json'), false);
  });
});
