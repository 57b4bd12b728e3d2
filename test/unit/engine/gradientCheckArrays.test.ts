import * as assert from 'node:assert/strict';
import { gradientCheck } from '../../../src/engine/instruments/gradientCheck';
import { useNativeKernels, nativeKernels } from '../../../src/engine/native/kernels';
import { Rng } from '../../../src/engine/random';
import { tf } from '../../../src/engine/tf';
import type { ArrayGradients } from '../../../src/engine/train/problem';
import { networkProblem, type SmallNetPath } from '../../../src/engine/train/network';
import { BLAS_NETS, dataset, KERNELS } from './denseNetCases';
import { networkExp } from './fixtures';

/** The gradient the step gets, with parameter `param` scaled by `factor` (a bug in its backward pass). */
function scaled(g: ArrayGradients, param: number, factor: number): ArrayGradients {
  return {
    theta: () => g.theta(),
    gradientAt: (theta, step, grads) => {
      const loss = g.gradientAt(theta, step, grads);
      grads[param].forEach((v, i) => (grads[param][i] = v * factor));
      return loss;
    },
  };
}

describe('engine: gradient check on the array gradients the fast steps train with', () => {
  const previous = nativeKernels();
  before(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => useNativeKernels(previous));

  const cases: [string, SmallNetPath, (typeof KERNELS)[number] | undefined][] = [
    ['the small-net JS step', 'always', undefined],
    ...KERNELS.map((k): [string, SmallNetPath, (typeof KERNELS)[number]] => [`the BLAS step on ${k[0]}`, 'blas', k]),
  ];
  for (const [title, path, kernels] of cases) {
    it(`${title}: agrees with differences of its own loss; a backward pass off by 2× in one layer is caught there`, () => {
      useNativeKernels(kernels?.[1]);
      const { exp, kind } = path === 'blas' ? BLAS_NETS[0] : { exp: networkExp({ training: { batchSize: 32 } }), kind: 'classes' as const };
      const problem = networkProblem(exp, dataset(kind), false, path);
      try {
        assert.equal(problem.stepPath, path === 'blas' ? 'blas' : 'js');
        const g = problem.arrayGradients;
        assert.ok(g, 'the fast step has array gradients');
        const names = (p: number, i: number) => `p${p}[${i}]`;
        const ok = gradientCheck(problem, 3, new Rng(5), names);
        assert.equal(ok.checked, 24);
        assert.ok(ok.maxRelError < 1e-2, `healthy: ${ok.maxRelError} at ${ok.parameter}`);
        const broken = Object.create(problem, { arrayGradients: { value: scaled(g, 2, 2) } });
        const bad = gradientCheck(broken, 3, new Rng(5), names);
        assert.ok(bad.maxRelError > 0.3, `caught: ${bad.maxRelError}`);
        assert.match(bad.parameter, /^p2\[/, 'at the broken parameter');
        assert.ok(Math.abs(bad.analytic / bad.numeric - 2) < 0.05, `${bad.analytic} vs ${bad.numeric}`);
      } finally {
        problem.dispose();
      }
    });
  }
});
