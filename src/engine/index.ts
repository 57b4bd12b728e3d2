/**
 * The engine's public surface, used by the training worker and the CLI. Pure TypeScript on
 * TensorFlow.js: no `vscode`, no DOM.
 */
export { runExperiment } from './run';
export type { RunOptions } from './run';
export { selectBackend } from './backend';
export { parseExperiment, validateExperiment } from './spec/parse';
export type { ParseResult } from './spec/parse';
export { listExamples, findExample, examplesDir } from './examples';
export type { ExampleInfo } from './examples';
