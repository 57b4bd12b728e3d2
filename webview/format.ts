/** Number and time formatting shared by the header, cards, tooltips and axes. DOM-free. */

/** Compact, readable number: 4 significant digits, exponent form for very small/large values. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    return v
      .toExponential(Math.max(0, digits - 1))
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  }
  return String(Number(v.toPrecision(digits)));
}

/** Linear-axis tick: step counts read better as 20k / 1.5M than in exponent form. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6 && Number.isInteger(v / 1e5)) return `${v / 1e6}M`;
  if (a >= 1e4 && Number.isInteger(v / 100)) return `${v / 1e3}k`;
  return formatNumber(v, 3);
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.01 ? 1 : 0)} %`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function isNiceLogTick(v: number): boolean {
  if (!(v > 0)) return false;
  const mantissa = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6 * m);
}

/**
 * Tick label for a log axis: only 1·10ⁿ, 2·10ⁿ and 5·10ⁿ get a label so the axis stays legible,
 * unless the axis spans so little that fewer than two such ticks exist: then every tick.
 */
export function logTickLabel(v: number, all: readonly number[] = []): string {
  if (!(v > 0)) return '';
  if (all.length > 0 && all.filter(isNiceLogTick).length < 2) return formatNumber(v, 4);
  return isNiceLogTick(v) ? formatNumber(v, 3) : '';
}
