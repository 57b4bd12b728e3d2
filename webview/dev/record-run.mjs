// Records a real engine run as the host would post it to the panel (runStarted, metrics...,
// diagnostics, runFinished), for replay in the preview harness.
// Usage: npx tsx webview/dev/record-run.mjs <example-id> [out.json]
import { writeFileSync } from 'node:fs';
import { findExample, parseExperiment, runExperiment } from '../../src/engine/index.ts';

const id = process.argv[2] ?? 'spiral-healthy';
const outFile = process.argv[3] ?? `.test-output/webview/run-${id}.json`;
const ex = findExample(id);
if (!ex) throw new Error(`no example ${id}`);
const { experiment, issues } = parseExperiment(ex.text);
if (!experiment) throw new Error(JSON.stringify(issues));
const messages = [];
const t0 = Date.now();
await runExperiment(experiment, {
  runId: `${id}-1`,
  source: id,
  baseDir: process.cwd(),
  backend: 'cpu',
  shouldStop: () => false,
  emit: (e) => {
    if (e.type === 'started') messages.push({ type: 'runStarted', info: e.info });
    else if (e.type === 'metrics') messages.push({ type: 'metrics', runId: e.runId, batch: e.batch });
    else if (e.type === 'diagnostics') messages.push({ type: 'diagnostics', runId: e.runId, diagnostics: e.diagnostics });
    else if (e.type === 'finished') messages.push({ type: 'runFinished', runId: e.runId, summary: e.summary });
    else if (e.type === 'failed') console.error('failed:', e.message);
  },
});
writeFileSync(outFile, JSON.stringify(messages));
console.log(`${messages.length} messages in ${Date.now() - t0} ms -> ${outFile}`);
