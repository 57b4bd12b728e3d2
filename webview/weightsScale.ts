/** The weight heat map's data side (DOM-free, so mocha tests it): snapshots of a layer and the diverging colour scale. */
import type { WeightsRecord } from '../src/shared/protocol';

/** The snapshots of `layer`, oldest first, and the largest |w| among them. */
export function layerSnapshots(all: readonly WeightsRecord[], layer: number): { snaps: WeightsRecord[]; maxAbs: number } {
  const snaps = all.filter((w) => w.layer === layer).sort((a, b) => a.step - b.step);
  let maxAbs = 0;
  for (const s of snaps) for (const v of s.values) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  return { snaps, maxAbs };
}

/** RGBA of one cell: the sign's colour with opacity |v|/maxAbs (non-finite: the grid colour, opaque). */
export function cellColor(v: number, maxAbs: number, neg: number[], pos: number[], bad: number[]): [number, number, number, number] {
  if (!Number.isFinite(v)) return [bad[0], bad[1], bad[2], 255];
  const t = maxAbs > 0 ? Math.min(1, Math.abs(v) / maxAbs) : 0;
  const c = v < 0 ? neg : pos;
  return [c[0], c[1], c[2], Math.round(255 * t)];
}
