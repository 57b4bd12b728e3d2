import { listExamples, parseExperiment, runExperiment } from '../../../src/engine';
(async () => {
  for (const backend of ['wasm', 'cpu'] as const) for (const ex of listExamples()) {
    if (backend === 'cpu' && ex.id !== 'default') continue;
    const p = parseExperiment(ex.text);
    if (!p.experiment) { console.log(ex.id, 'PARSE', p.issues); continue; }
    let steps = 0, hist = 0, epochs = 0, batches = 0; let info: any; const logs: string[] = [];
    const s = await runExperiment(p.experiment, { runId: ex.id, source: ex.id, baseDir: '.', backend, shouldStop: () => false,
      emit: (e) => { if (e.type === 'metrics') { batches++; steps += e.batch.steps.length; hist += e.batch.histograms.length; epochs += e.batch.epochs.length; } if (e.type === 'started') info = e.info; if (e.type === 'log') logs.push(e.message); if (e.type==='failed') console.log('FAILED', e); } });
    console.log(backend, ex.id.padEnd(26), s.reason, 'steps', s.steps, '/', info?.totalSteps, 'recs', steps, 'hist', hist, 'evals', epochs, 'batches', batches,
      'final', JSON.stringify(s.final), s.point ? 'pt ' + s.point.map(v => v.toPrecision(4)) : '', s.message ?? '', (s.steps / s.durationMs * 1000).toFixed(0) + ' steps/s', Math.round(s.durationMs) + 'ms');
  }
})();
