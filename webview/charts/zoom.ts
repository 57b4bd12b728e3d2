/**
 * The step charts share one x range: a drag on any of them zooms all (main.ts owns the range and
 * sets `request`; charts are built before it, so they call through this indirection).
 */
export const stepZoom = {
  request: (range: [number, number] | undefined): void => {
    void range;
  },
};

export const zoomSpec = { onZoom: (range: [number, number] | undefined) => stepZoom.request(range) };
