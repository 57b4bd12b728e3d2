/**
 * The panel's HTML shell. The webview builds its own DOM from `dist/webview/main.js`, so the
 * shell is only the CSP, the stylesheet and one nonce'd script: no inline code, no data pasted in.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlParts {
  /** `webview.cspSource` */
  cspSource: string;
  /** `asWebviewUri` of the webview bundle. */
  scriptUri: string;
  /** `asWebviewUri` of the bundle's stylesheet, when there is one. */
  styleUri?: string;
  nonce: string;
}

/** 128 random bits, hex: valid in a CSP nonce source and in an HTML attribute without escaping. */
export function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function escapeAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function buildPanelHtml(p: PanelHtmlParts): string {
  const style = p.styleUri ? `\n  <link rel="stylesheet" href="${escapeAttr(p.styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(panelCsp(p.cspSource, p.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">${style}
  <title>Optimizer Debugger</title>
</head>
<body>
  <div id="root"></div>
  <script nonce="${escapeAttr(p.nonce)}" src="${escapeAttr(p.scriptUri)}"></script>
</body>
</html>
`;
}
