/**
 * The step charts share one x range: a drag on any of them zooms all (main.ts owns the range and
 * sets `request`; charts are built before it, so they call through this indirection). The same
 * range is driven from the keyboard (see `keyZoom`) when a step chart has focus.
 */
export type ZoomRange = [number, number] | undefined;

export const stepZoom = {
  /** `viaKeyboard`: the chart keeps the focus (a drag moves it to the Reset button). */
  request: (range: ZoomRange, viaKeyboard?: boolean): void => {
    void range;
    void viaKeyboard;
  },
};

export const zoomSpec = { onZoom: (range: ZoomRange, viaKeyboard?: boolean) => stepZoom.request(range, viaKeyboard) };

/** Keys a focused step chart answers to (aria-keyshortcuts). */
export const ZOOM_KEYS = '+ - ArrowLeft ArrowRight 0';
/** Help text read with the chart's name. */
export const ZOOM_HELP = 'Plus and minus zoom the steps around the centre, left and right arrows pan, 0 resets.';

/** Each + halves the visible steps, each − doubles them; an arrow moves a quarter of the view. */
const ZOOM_STEP = 2;
const PAN_FRACTION = 0.25;
/** No closer than this many steps across the view. */
const MIN_SPAN = 2;

/**
 * The range after a key on a focused step chart, `current` being the visible range (undefined:
 * everything) and `extent` the data's [first, last] step. Returns null for keys it does not use,
 * undefined when the result is the whole extent (= reset), else the new range inside the extent.
 */
export function keyZoom(key: string, current: ZoomRange, extent: readonly [number, number]): ZoomRange | null {
  const [lo, hi] = extent;
  if (!(hi > lo)) return null;
  const [a, b] = current ?? [lo, hi];
  const span = b - a;
  const mid = (a + b) / 2;
  let next: [number, number];
  switch (key) {
    case '+':
    case '=':
    case 'Add': {
      const s = Math.max(MIN_SPAN, span / ZOOM_STEP);
      if (s >= span) return current ?? null;
      next = [mid - s / 2, mid + s / 2];
      break;
    }
    case '-':
    case '_':
    case 'Subtract': {
      const s = span * ZOOM_STEP;
      next = [mid - s / 2, mid + s / 2];
      break;
    }
    case 'ArrowLeft':
      next = [a - span * PAN_FRACTION, b - span * PAN_FRACTION];
      break;
    case 'ArrowRight':
      next = [a + span * PAN_FRACTION, b + span * PAN_FRACTION];
      break;
    case '0':
    case 'Home':
      return undefined;
    default:
      return null;
  }
  return clampRange(next, extent);
}

/** Slides a range back inside the extent (keeping its width when it fits); the whole extent is undefined. */
function clampRange([a, b]: [number, number], [lo, hi]: readonly [number, number]): ZoomRange {
  const span = b - a;
  if (span >= hi - lo) return undefined;
  if (a < lo) return [lo, lo + span];
  if (b > hi) return [hi - span, hi];
  return [a, b];
}
