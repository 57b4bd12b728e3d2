import type { Detector } from './detector';
import { ObjectiveValue, IllConditioningDetector, SaddlePointDetector } from './detectors/curvature';
import { DivergenceDetector } from './detectors/divergence';
import { FluctuationDetector } from './detectors/fluctuation';
import { ExplodingGradientDetector, VanishingGradientDetector } from './detectors/gradientScale';
import { UnnormalizedInputsDetector } from './detectors/inputs';
import { InstabilityDetector } from './detectors/instability';
import { OscillationDetector } from './detectors/oscillation';
import { PlateauDetector } from './detectors/plateau';
import { SlowProgressDetector } from './detectors/slowProgress';
import { DeadUnitsDetector, SaturatedUnitsDetector } from './detectors/unitHealth';

/** Fresh detector instances for one run (several keep running state). */
export function createDetectors(objective?: ObjectiveValue): Detector[] {
  return [
    new DivergenceDetector(),
    new InstabilityDetector(),
    new OscillationDetector(),
    new FluctuationDetector(),
    new SlowProgressDetector(),
    new PlateauDetector(),
    new DeadUnitsDetector(),
    new SaturatedUnitsDetector(),
    new VanishingGradientDetector(),
    new ExplodingGradientDetector(),
    new UnnormalizedInputsDetector(),
    new IllConditioningDetector(objective),
    new SaddlePointDetector(objective),
  ];
}

/** Every code of the recap table (shared/recap-table.md); the ones without a detector yet are listed too. */
export const ALL_CODES = [
  'incorrect-gradient', 'local-optimum', 'symmetry', 'slow-progress', 'instability', 'divergence',
  'oscillation', 'fluctuation', 'dead-units', 'saturated-units', 'vanishing-gradient', 'exploding-gradient',
  'plateau', 'saddle-point', 'ill-conditioning', 'unnormalized-inputs',
] as const;
