/** Detectors of the recap table, pure TypeScript over the run's measurements (no tfjs, no vscode). */
export { DiagnosisMonitor } from './monitor';
export { ALL_CODES, createDetectors } from './registry';
export type { ObjectiveValue } from './detectors/curvature';
