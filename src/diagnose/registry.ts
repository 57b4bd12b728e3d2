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
import { IncorrectGradientDetector } from './detectors/gradientCheck';
import { LocalOptimumDetector } from './detectors/localOptimum';
import { SymmetryDetector } from './detectors/symmetry';

/** Fresh detector instances for one run (several keep running state). */
export function createDetectors(objective?: ObjectiveValue): Detector[] {
  return [
    new DivergenceDetector(),
    new InstabilityDetector(),
    new OscillationDetector(objective),
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
    new SymmetryDetector(),
    new LocalOptimumDetector(),
    new IncorrectGradientDetector(),
  ];
}

/** Every code of the recap table (shared/recap-table.md), each with a detector above. */
export const ALL_CODES = [
  'incorrect-gradient', 'local-optimum', 'symmetry', 'slow-progress', 'instability', 'divergence',
  'oscillation', 'fluctuation', 'dead-units', 'saturated-units', 'vanishing-gradient', 'exploding-gradient',
  'plateau', 'saddle-point', 'ill-conditioning', 'unnormalized-inputs',
] as const;
