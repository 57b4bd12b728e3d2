import { Memo, type Detector, type DetectorContext, type Finding } from '../detector';

/**
 * `symmetry`: hidden units that stay exact copies of each other (same incoming weights, bias and
 * outgoing weights). Such units get identical gradients, so no update can ever tell them apart:
 * the layer behaves as if it had one unit per group (recap: "visualize W → initialize W randomly").
 *
 * Holds when, in the last two symmetry snapshots of a layer with at least 2 units, the later one
 * taken after training started, at least MIN_SHARE of the units belong to groups of copies. Random
 * initializations never produce copies (the engine's probe calls units copies at a relative
 * distance ≤ 1e-4), so one persistent group is already a real finding; MIN_SHARE only keeps a
 * single accidental pair in a wide layer (possible with dead, all-zero ReLUs) from counting.
 */
const MIN_SHARE = 0.25;

export class SymmetryDetector implements Detector {
  readonly code = 'symmetry';
  readonly supersededBy = ['divergence'];
  private readonly memo = new Memo<Finding | undefined>();

  check(ctx: DetectorContext): Finding | undefined {
    return this.memo.get(ctx.series.symmetry.length, () => this.judge(ctx));
  }

  private judge(ctx: DetectorContext): Finding | undefined {
    const e = ctx.experiment;
    if (e.kind !== 'network') return undefined;
    const recs = ctx.series.symmetry;
    const layers: { layer: number; units: number; largest: number; duplicated: number; step: number }[] = [];
    const byLayer = new Map<number, typeof recs>();
    for (const r of recs) byLayer.set(r.layer, [...(byLayer.get(r.layer) ?? []).slice(-1), r]);
    for (const [layer, [a, b]] of byLayer) {
      if (!b || b.step === 0 || b.units < 2) continue;
      if ([a, b].every((r) => r.duplicated >= Math.max(2, MIN_SHARE * r.units))) {
        layers.push({ layer, units: b.units, largest: b.largestGroup, duplicated: b.duplicated, step: a.step });
      }
    }
    if (layers.length === 0) return undefined;
    const init = e.model.init;
    const distinct = layers.map((l) => l.units - l.duplicated + Math.ceil(l.duplicated / Math.max(2, l.largest)));
    return {
      severity: layers.some((l) => l.largest === l.units) ? 'error' : 'warning',
      message: `Symmetry: ${layers.map((l) => `${l.duplicated} of ${l.units} units of layer ${l.layer + 1} are identical copies (largest group ${l.largest})`).join('; ')}. Copies get identical gradients and never differ, so the layer acts like ${distinct.join('/')} unit(s). The ${init.scheme} initialization gives every unit the same weights; initialize W randomly.`,
      path: '/model/init/scheme',
      evidence: { layers: layers.map((l) => l.layer + 1), units: layers.map((l) => l.units), largestGroup: layers.map((l) => l.largest), duplicatedUnits: layers.map((l) => l.duplicated), initScheme: init.scheme, initScale: init.scale },
      fixes: [{ path: '/model/init', value: { scheme: e.model.layers.every((l) => l.activation === 'relu' || l.activation === 'leakyRelu') ? 'he' : 'glorot', scale: 1, bias: 0 }, title: 'Initialize W randomly', why: 'Random weights break the symmetry: each unit starts different and learns a different feature.' }],
      step: Math.min(...layers.map((l) => l.step)),
    };
  }
}
