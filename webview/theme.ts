/**
 * Chart colours and fonts come from VS Code's CSS variables, read from the computed style so
 * canvas drawing (which cannot use var()) matches the theme. Re-read when VS Code switches the
 * theme: it swaps the body class (vscode-light | vscode-dark | vscode-high-contrast[-light]).
 */

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast';
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  /** Line width for data: thicker in high contrast. */
  lineWidth: number;
  /** Series colours, in order: blue, orange, green, purple, yellow, red. */
  palette: string[];
  red: string;
  green: string;
  blue: string;
  orange: string;
}

const FALLBACK = {
  foreground: '#cccccc',
  muted: '#9d9d9d',
  grid: 'rgba(128,128,128,0.25)',
  background: '#1e1e1e',
  blue: '#3794ff',
  orange: '#d18616',
  green: '#89d185',
  purple: '#b180d7',
  yellow: '#cca700',
  red: '#f14c4c',
};

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const cls = document.body.classList;
  const kind: Theme['kind'] = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light')
    ? 'high-contrast'
    : cls.contains('vscode-light')
      ? 'light'
      : 'dark';
  const blue = cssVar(style, '--vscode-charts-blue', FALLBACK.blue);
  const orange = cssVar(style, '--vscode-charts-orange', FALLBACK.orange);
  const green = cssVar(style, '--vscode-charts-green', FALLBACK.green);
  const purple = cssVar(style, '--vscode-charts-purple', FALLBACK.purple);
  const yellow = cssVar(style, '--vscode-charts-yellow', FALLBACK.yellow);
  const red = cssVar(style, '--vscode-charts-red', FALLBACK.red);
  const fontSize = parseFloat(cssVar(style, '--vscode-font-size', '13px'));
  return {
    kind,
    foreground: cssVar(style, '--vscode-charts-foreground', cssVar(style, '--vscode-foreground', FALLBACK.foreground)),
    muted: cssVar(style, '--vscode-descriptionForeground', FALLBACK.muted),
    grid: withAlpha(cssVar(style, '--vscode-charts-lines', FALLBACK.grid), kind === 'high-contrast' ? 0.6 : 0.35),
    background: cssVar(style, '--vscode-editor-background', FALLBACK.background),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? Math.max(10, fontSize - 1) : 12,
    lineWidth: kind === 'high-contrast' ? 2.5 : 1.5,
    palette: [blue, orange, green, purple, yellow, red],
    red,
    green,
    blue,
    orange,
  };
}

/** Calls `onChange` after VS Code switches theme (body class or inline variables change). */
export function watchTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  // VS Code also rewrites the CSS variables on <html style="..."> when colours change.
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return observer;
}

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour as [r, g, b, a(0..1)], resolved by the canvas itself. */
export function toRgba(color: string): [number, number, number, number] {
  if (probe === undefined) {
    const c = document.createElement('canvas');
    c.width = c.height = 1;
    probe = c.getContext('2d', { willReadFrequently: true });
  }
  if (!probe) return [128, 128, 128, 1];
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
}

export function withAlpha(color: string, alpha: number): string {
  const [r, g, b, a] = toRgba(color);
  return `rgba(${r}, ${g}, ${b}, ${(a * alpha).toFixed(3)})`;
}

/** The series colour for index i (layers); cycles hues beyond the palette. */
export function seriesColor(theme: Theme, i: number): string {
  if (i < theme.palette.length) return theme.palette[i];
  const hue = (i * 137.5) % 360;
  return `hsl(${hue.toFixed(0)}, 60%, ${theme.kind === 'light' ? 40 : 65}%)`;
}
