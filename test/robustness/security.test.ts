/**
 * Security properties: the webview shell (CSP, nonces, no inline code, no remote sources,
 * resource roots limited to the bundle), workspace trust, validation of webview messages, and
 * data paths outside the workspace.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseExperiment } from '../../src/engine/spec/parse';
import { pathsOutside } from '../../src/host/dataPaths';
import { buildPanelHtml, makeNonce } from '../../src/host/html';
import { isWebviewToHost } from '../../src/host/messages';
import { usesCustomModule } from '../../src/host/trust';
import type { Experiment } from '../../src/shared/experiment';
import { repoRoot } from './hooks';
import { record } from './report';

interface Tag {
  name: string;
  attrs: Map<string, string>;
  body: string;
}

/** A small HTML tokenizer: enough for the shell, strict enough that odd markup fails the test. */
function tags(html: string): Tag[] {
  const out: Tag[] = [];
  const re = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const attrs = new Map<string, string>();
    for (const a of m[2].matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) attrs.set(a[1].toLowerCase(), a[2] ?? '');
    const name = m[1].toLowerCase();
    let body = '';
    if (name === 'script' || name === 'style') {
      const close = html.indexOf(`</${name}>`, re.lastIndex);
      assert.ok(close >= 0, `unclosed <${name}>`);
      body = html.slice(re.lastIndex, close);
    }
    out.push({ name, attrs, body });
  }
  return out;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('robustness: security', function () {
  this.timeout(60_000);

  it('the webview shell: CSP default-src none, nonce on every script, no inline code, no remote sources', () => {
    const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
    const base = `${cspSource}/ext/dist/webview`;
    let held = 0;
    const tries = 20;
    for (let i = 0; i < tries; i++) {
      const nonce = makeNonce();
      const html = buildPanelHtml({ cspSource, nonce, scriptUri: `${base}/main.js`, styleUri: i % 2 ? `${base}/main.css` : undefined });
      const all = tags(html);
      const metas = all.filter((t) => t.name === 'meta' && t.attrs.get('http-equiv') === 'Content-Security-Policy');
      assert.equal(metas.length, 1);
      const csp = new Map(unescape(metas[0].attrs.get('content') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v] as const));
      assert.deepEqual(csp.get('default-src'), ["'none'"]);
      assert.deepEqual(csp.get('script-src'), [`'nonce-${nonce}'`]);
      for (const [k, v] of csp) {
        assert.ok(!v.some((x) => /unsafe|\*|^https?:$|^http:/.test(x)), `${k}: ${v.join(' ')}`);
        assert.ok(v.every((x) => x.startsWith("'") || x === cspSource || x === 'data:'), `${k} allows only the webview origin`);
      }
      const scripts = all.filter((t) => t.name === 'script');
      assert.ok(scripts.length >= 1);
      for (const s of scripts) {
        assert.equal(s.attrs.get('nonce'), nonce);
        assert.ok(s.attrs.get('src')?.startsWith(`${base}/`), 'scripts only from the bundle');
        assert.equal(s.body.trim(), '', 'no inline script');
      }
      for (const t of all) {
        for (const [k, v] of t.attrs) {
          assert.ok(!k.startsWith('on'), `inline handler ${k} on <${t.name}>`);
          assert.notEqual(k, 'style', 'inline style attribute');
          if (k === 'src' || k === 'href') assert.ok(v.startsWith(`${base}/`), `<${t.name} ${k}="${v}"> is outside the bundle`);
        }
        assert.notEqual(t.name, 'style', 'inline style element');
        assert.ok(!['iframe', 'object', 'embed', 'base', 'form'].includes(t.name), `<${t.name}> in the shell`);
      }
      held++;
    }
    record('security', 'panel HTML: CSP, nonces, no inline, no remote', tries, held);
  });

  it('localResourceRoots: only dist/webview, which holds only the bundle', () => {
    const src = readFileSync(path.join(repoRoot, 'src', 'host', 'panel.ts'), 'utf8');
    const roots = [...src.matchAll(/localResourceRoots:\s*([^}]*?)\s*[,}]/g)].map((m) => m[1].trim());
    assert.ok(roots.length >= 1, 'the panel sets localResourceRoots');
    for (const r of roots) assert.equal(r, '[this.webviewRoot()]');
    assert.match(src, /webviewRoot\(\): vscode\.Uri \{\s*return vscode\.Uri\.joinPath\(this\.deps\.extensionUri, 'dist', 'webview'\);/);
    const dir = path.join(repoRoot, 'dist', 'webview');
    const files = readdirSync(dir);
    for (const f of files) {
      assert.match(f, /^[\w.-]+\.(js|css|map|wasm|png|svg|woff2?)$/, `unexpected file in the webview root: ${f}`);
      assert.ok(!lstatSync(path.join(dir, f)).isSymbolicLink(), `${f} is a link`);
    }
    record('security', 'localResourceRoots = dist/webview only', roots.length + files.length, roots.length + files.length, `${roots.length} panel option sites, ${files.length} bundle files`);
  });

  it('restricted mode: declared in package.json; custom modules detected on the raw text', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: string } } };
    assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.match(pkg.capabilities?.untrustedWorkspaces?.description ?? '', /module/);
    const yes = ['{"model":{"module":"./m.js"}}', '// c\n{"model":{"module":"x",},}', '{"model":{"layers":[],"module":""}}'];
    const no = ['{"model":{"layers":[]}}', '{"objective":{"function":"sphere"}}', 'not json', '', '{"module":"x"}', '{"model":"module"}'];
    for (const t of yes) assert.equal(usesCustomModule(t), true, t);
    for (const t of no) assert.equal(usesCustomModule(t), false, t);
    record('security', 'untrustedWorkspaces declared; module detection', yes.length + no.length + 1, yes.length + no.length + 1);
  });

  it('webview messages: 20,000 random messages, only protocol shapes accepted (fast-check)', () => {
    let tried = 0;
    let accepted = 0;
    const shaped = fc.record({
      type: fc.constantFrom('ready', 'stop', 'rerun', 'log', 'applyFix', 'export', 'run', 'eval', '__proto__'),
      level: fc.constantFrom('info', 'warn', 'error', 'debug'),
      message: fc.string(),
      runId: fc.string({ maxLength: 300 }),
      code: fc.string({ maxLength: 10 }),
      fix: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double()),
      rerun: fc.oneof(fc.boolean(), fc.constant('true')),
      format: fc.constantFrom('csv', 'png', 'html'),
      fileName: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('../../x.csv', '/abs.csv', 'ok.csv', 'a\\b.png')),
      data: fc.oneof(fc.string(), fc.constant('data:image/png;base64,AA')),
    }, { requiredKeys: ['type'] });
    fc.assert(
      fc.property(fc.oneof(fc.anything({ withObjectString: true, withNullPrototype: true }), shaped), (m) => {
        tried++;
        if (!isWebviewToHost(m)) return true;
        accepted++;
        const r = m as Record<string, unknown>;
        if (r.type === 'export') return typeof r.fileName === 'string' && !/[\\/]/.test(r.fileName) && r.fileName !== '..';
        if (r.type === 'applyFix') return Number.isInteger(r.fix) && (r.fix as number) >= 0 && typeof r.rerun === 'boolean';
        return ['ready', 'stop', 'rerun', 'log'].includes(String(r.type));
      }),
      { numRuns: 20_000, seed: 7 },
    );
    record('security', 'random webview messages validated', tried, tried, `${accepted} accepted as protocol messages, ${tried - accepted} rejected`);
  });

  it('data paths outside the workspace are found (links resolved), inside ones pass', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'optdbg-ws-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'optdbg-out-'));
    try {
      const ws = path.join(root, 'ws');
      mkdirSync(path.join(ws, 'data'), { recursive: true });
      writeFileSync(path.join(ws, 'data', 'in.csv'), 'a,y\n1,2\n');
      writeFileSync(path.join(outside, 'secret.csv'), 'a,y\n1,2\n');
      symlinkSync(path.join(outside, 'secret.csv'), path.join(ws, 'data', 'link.csv'));
      const csvExp = (file: string): Experiment => {
        const p = parseExperiment(JSON.stringify({ data: { csv: file, target: 'y' }, model: { layers: [] } }));
        assert.ok(p.experiment);
        return p.experiment;
      };
      const cases: Array<[string, boolean]> = [
        ['data/in.csv', false],
        ['./data/../data/in.csv', false],
        ['data/missing.csv', false],
        ['../secret.csv', true],
        [path.join(outside, 'secret.csv'), true],
        ['data/link.csv', true],
        ['/etc/passwd', true],
      ];
      let held = 0;
      for (const [file, flagged] of cases) {
        const found = pathsOutside(csvExp(file), ws, [ws]);
        assert.equal(found.length > 0, flagged, file);
        if (flagged) assert.equal(found[0].pointer, '/data/csv');
        held++;
      }
      const idx = parseExperiment(JSON.stringify({ data: { idx: { images: 'data/in.csv', labels: '../../l' } }, model: { layers: [] } })).experiment!;
      assert.deepEqual(pathsOutside(idx, ws, [ws]).map((p) => p.pointer), ['/data/idx/labels']);
      held++;
      record('security', 'data paths outside the workspace detected', cases.length + 1, held, 'the host asks with a modal before such a run');
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
