import { findExample, parseExperiment, runExperiment } from '../../../src/engine';
(async () => {
  const exp = parseExperiment(findExample('default')!.text).experiment!;
  const longer = { ...exp, training: { ...exp.training, epochs: 100 } };
  for (const backend of (process.argv[2] === 'cpu' ? ['cpu'] : ['wasm']) as ('cpu'|'wasm')[]) for (let i = 0; i < 3; i++) {
    const s = await runExperiment(longer, { runId: 'r', source: 'default', baseDir: '.', backend, shouldStop: () => false, emit: () => {} });
    console.log(backend, s.steps, Math.round(s.durationMs), 'ms', (s.steps / s.durationMs * 1000).toFixed(0), 'steps/s');
  }
})();
