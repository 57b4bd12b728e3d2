// Synthetic run data for the preview harness: shaped like the engine's messages (protocol.ts).

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function gauss(r) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function histogram(values, bins = 30) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array(bins).fill(0);
  const w = (max - min) / bins;
  for (const v of values) counts[w > 0 ? Math.min(bins - 1, Math.floor((v - min) / w)) : 0]++;
  return { min, max, counts };
}

export function networkInfo(runId, extra = {}) {
  return {
    runId,
    name: 'Spiral, healthy',
    source: 'examples/spiral-healthy.optim.json',
    kind: 'network',
    optimizer: 'adam (α=0.01)',
    backend: { name: 'wasm', label: 'wasm (SIMD)', reason: 'auto: @tensorflow/tfjs-node not installed; WASM loaded' },
    paramCount: 387,
    totalSteps: 600,
    layers: ['dense1 (16, relu)', 'dense2 (16, tanh)'],
    startedAt: Date.now(),
    ...extra,
  };
}

/** Batches of a 600-step network run: steps, an epoch every 60 steps, histograms every 20. */
export function networkBatches(total = 600, perBatch = 20, seed = 1) {
  const r = rng(seed);
  const batches = [];
  for (let start = 0; start < total; start += perBatch) {
    const steps = [];
    const epochs = [];
    const histograms = [];
    const probes = [];
    for (let s = start; s < Math.min(total, start + perBatch); s++) {
      const base = 1.05 * Math.exp(-s / 160) + 0.12;
      steps.push({
        step: s,
        epoch: Math.floor(s / 60),
        loss: base * (1 + 0.25 * gauss(r)),
        lr: 0.01 * Math.pow(0.95, Math.floor(s / 60)),
        gradNorm: (0.9 * Math.exp(-s / 250) + 0.05) * (1 + 0.3 * Math.abs(gauss(r))),
        layerGradNorms: [0.02 * Math.exp(-s / 300) + 0.004, 0.3 * Math.exp(-s / 200) + 0.03, 0.6 * Math.exp(-s / 200) + 0.05],
        updateRatios: s === total - 1 ? [] : [2e-3 * Math.exp(-s / 400), 1.2e-3 * Math.exp(-s / 400), 8e-4],
      });
      if ((s + 1) % 60 === 0) {
        const train = 1.05 * Math.exp(-(s + 1) / 160) + 0.12;
        epochs.push({ epoch: Math.floor(s / 60), step: s + 1, trainLoss: train, trainAccuracy: 1 - train / 1.4, valLoss: train * 1.08 + 0.01, valAccuracy: 1 - (train * 1.08) / 1.4 });
      }
      if (s % 100 === 0 || s === total - 1) probes.push(...weightSnapshots(s, total));
      if (s % 20 === 0) {
        for (const layer of [0, 1]) {
          const spread = 1 + s / 300 + layer * 0.5;
          const pre = Array.from({ length: 2000 }, () => gauss(r) * spread + (layer === 0 ? -0.3 : 0.1) - s / 1500);
          const act = pre.map((v) => (layer === 0 ? Math.max(0, v) : Math.tanh(v)));
          histograms.push({
            step: s,
            layer,
            pre: histogram(pre),
            act: histogram(act),
            deadFraction: layer === 0 ? Math.min(0.6, 0.05 + s / 2000) : 0,
            saturatedFraction: layer === 1 ? Math.min(0.3, s / 3000) : 0,
          });
        }
      }
    }
    batches.push({ steps, epochs, histograms, probes });
  }
  return batches;
}

/** W of a 2-16-16-3 net growing over training; units 5 and 6 of layer 1 are copies (symmetry). */
function weightSnapshots(step, total) {
  const shapes = [[2, 16], [16, 16], [16, 3]];
  return shapes.map(([fanIn, units], layer) => {
    const r = rng(100 + layer);
    const grow = 1 + step / total;
    const values = [];
    for (let i = 0; i < fanIn; i++) for (let j = 0; j < units; j++) values.push(Number((gauss(r) * 0.5 * grow).toPrecision(4)));
    if (layer === 1) for (let i = 0; i < fanIn; i++) values[i * units + 6] = values[i * units + 5];
    return { kind: 'weights', step, layer, fanIn, units, rows: fanIn, cols: units, values };
  });
}

export function objectiveInfo(runId) {
  return {
    runId,
    name: 'Rosenbrock, momentum',
    source: 'rosenbrock-momentum',
    kind: 'objective',
    optimizer: 'momentum (α=0.001, β=0.9)',
    backend: { name: 'cpu', label: 'cpu', reason: 'objectives run on the CPU backend' },
    paramCount: 2,
    totalSteps: 1500,
    layers: [],
    startedAt: Date.now(),
  };
}

/** Heavy-ball momentum on Rosenbrock from (-1.5, 2). */
export function objectiveBatches(total = 1500, perBatch = 100) {
  let x = -1.5;
  let y = 2;
  let vx = 0;
  let vy = 0;
  const a = 0.0008;
  const b = 0.9;
  const all = [];
  for (let s = 0; s < total; s++) {
    const f = (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const gx = -2 * (1 - x) - 400 * x * (y - x * x);
    const gy = 200 * (y - x * x);
    all.push({ step: s, epoch: 0, loss: f, lr: a, gradNorm: Math.hypot(gx, gy), layerGradNorms: [], updateRatios: [], point: [x, y] });
    vx = b * vx - a * gx;
    vy = b * vy - a * gy;
    x += vx;
    y += vy;
  }
  const batches = [];
  for (let i = 0; i < total; i += perBatch) batches.push({ steps: all.slice(i, i + perBatch), epochs: [], histograms: [] });
  return { batches, final: all[all.length - 1] };
}

export const sampleDiagnoses = [
  {
    code: 'dead-units',
    severity: 'warning',
    message: '52 % of the units of dense1 (16, relu) never activate on the probe batch.',
    step: 420,
    path: '/model/init/bias',
    evidence: { layer: 0, deadFraction: 0.52 },
    fixes: [
      { path: '/model/init/bias', value: 0.01, title: 'Set the initial bias to 0.01', why: 'a small positive bias keeps ReLUs active at the start' },
      { path: '/model/layers/0/activation', value: 'leakyRelu', title: 'Use leaky ReLU in layer 1', why: 'leaky units keep a gradient when negative' },
    ],
  },
  {
    code: 'fluctuation',
    severity: 'info',
    message: 'Minibatch noise dominates the trend over the last 100 steps (noise/trend 3.1).',
    step: 510,
    path: '/optimizer/learningRate',
    evidence: { ratio: 3.1 },
    fixes: [{ path: '/optimizer/schedule/name', value: 'inverseTime', title: 'Decay the learning rate (inverse time)', why: 'decaying α averages the noise out' }],
  },
];
