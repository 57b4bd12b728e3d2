/** Defaults of the learning-rate range test, tfjs-free so the extension host can import them. */
import type { LrFindSpec } from '../../shared/experiment';

/** α from 1e-6 to 10 over 100 updates: wide enough for SGD on a network and Adam on an objective. */
export const LR_FIND_DEFAULTS: LrFindSpec = { minLr: 1e-6, maxLr: 10, steps: 100 };
