import * as assert from 'node:assert/strict';
import { buildPanelHtml, makeNonce, panelCsp } from '../../../src/host/html';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const base = 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview';

function cspOf(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  const out = new Map<string, string[]>();
  for (const d of m[1].split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    out.set(name, values);
  }
  return out;
}

describe('panel HTML', () => {
  const nonce = makeNonce();
  const html = buildPanelHtml({ cspSource, nonce, scriptUri: `${base}/main.js`, styleUri: `${base}/main.css` });

  it('locks the webview down with a strict CSP', () => {
    const csp = cspOf(html);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(csp.get('style-src'), [cspSource]);
    assert.deepEqual(csp.get('img-src'), [cspSource, 'data:']);
    assert.deepEqual(csp.get('font-src'), [cspSource]);
    for (const values of csp.values()) {
      assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'"), 'no unsafe sources');
    }
  });

  it('puts the nonce on every script and has no inline code', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, new RegExp(`nonce="${nonce}"`));
      assert.match(attrs, /src="[^"]+"/);
      assert.equal(body.trim(), '', 'no inline script body');
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /<style/i, 'no inline style blocks');
    assert.doesNotMatch(html, /style="/i, 'no inline style attributes');
  });

  it('loads only from the webview resource origin', () => {
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(urls.sort(), [`${base}/main.css`, `${base}/main.js`]);
    const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
    const remote = [...withoutCsp.matchAll(/https?:\/\/[^"'\s>]+/g)].map((m) => m[0]).filter((u) => !u.startsWith(base));
    assert.deepEqual(remote, []);
    assert.match(html, /<div id="root"><\/div>/);
  });

  it('omits the stylesheet link when there is no stylesheet', () => {
    const noCss = buildPanelHtml({ cspSource, nonce, scriptUri: `${base}/main.js` });
    assert.doesNotMatch(noCss, /<link/);
  });

  it('makes a fresh, attribute-safe nonce each time', () => {
    const a = makeNonce();
    const b = makeNonce();
    assert.notEqual(a, b);
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(panelCsp('x', a).includes(`'nonce-${a}'`), true);
  });
});
