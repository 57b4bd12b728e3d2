import { strict as assert } from 'node:assert';
import { reportJson, reportText, type RunReport } from '../../../src/cli/report';

const base: RunReport = {
  source: 'x', shownAs: 'x', experiment: 'avg', kind: 'network', diagnostics: [],
  summary: { reason: 'completed', steps: 10, final: { trainLoss: 0.5, valLoss: 0.6, accuracy: 0.8 }, durationMs: 100 },
};

describe('CLI report: iterate averaging', () => {
  it('prints an "Averaged loss" line and JSON key only when the run averaged its iterates', () => {
    const text = reportText({ ...base, averagedLoss: 0.25 });
    assert.match(text, /Averaged loss\s+0\.25/);
    assert.equal(reportJson({ ...base, averagedLoss: 0.25 }).averagedLoss, 0.25);
    assert.doesNotMatch(reportText(base), /Averaged loss/);
    assert.equal('averagedLoss' in reportJson(base), false);
  });
});
