// Preview harness for the training panel (not shipped): serves dist/webview with the host's CSP,
// fakes the VS Code API, replays synthetic runs and writes screenshots to .test-output/webview/.
// Usage: node webview/dev/preview.mjs   (after building dist/webview/main.js)
import { createServer } from 'node:http';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { networkBatches, networkInfo, objectiveBatches, objectiveInfo, sampleDiagnoses } from './synthetic.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, '.test-output', 'webview');
mkdirSync(out, { recursive: true });
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname === '/' ? '/webview/dev/preview.html' : url.pathname;
  const file = normalize(join(root, path));
  if (!file.startsWith(join(root, 'webview')) && !file.startsWith(join(root, 'dist', 'webview'))) {
    res.writeHead(404).end();
    return;
  }
  try {
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  const post = (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg);
  const attr = (sel, a) => page.getAttribute(sel, a);
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  check((await page.evaluate(() => document.body.dataset.state)) === 'idle', 'idle before any run');
  await page.screenshot({ path: join(out, '0-empty.png') });

  // A network run, streamed in batches; screenshot mid-run.
  await post({ type: 'reset', runs: [], activeRunId: null });
  await post({ type: 'runStarted', info: networkInfo('net1') });
  const batches = networkBatches();
  for (const [i, batch] of batches.entries()) {
    await post({ type: 'metrics', runId: 'net1', batch });
    if (i === 14) {
      await frame();
      check((await page.textContent('[data-testid="step-count"]')) === '300', 'step count 300 mid-run');
      check((await page.evaluate(() => document.body.dataset.state)) === 'running', 'state running');
      check(Number(await attr('[data-chart="loss"]', 'data-points')) > 300, 'loss chart has points mid-run');
      await page.screenshot({ path: join(out, '1-running-dark.png') });
    }
  }
  await post({ type: 'diagnostics', runId: 'net1', diagnostics: sampleDiagnoses });
  await post({
    type: 'runFinished',
    runId: 'net1',
    summary: { reason: 'completed', steps: 600, final: { trainLoss: 0.145, valLoss: 0.162, accuracy: 0.93 }, durationMs: 4200 },
  });
  await frame();
  check((await page.evaluate(() => document.body.dataset.state)) === 'finished', 'state finished');
  for (const id of ['loss', 'lr', 'gradnorm', 'layer-gradnorm', 'update-ratio', 'histogram', 'histogram-current', 'weights']) {
    const n = Number(await attr(`[data-chart="${id}"]`, 'data-points'));
    check(n > 0, `chart ${id} has ${n} points`);
  }
  check(Number(await attr('[data-chart="trajectory"]', 'data-points')) === 0, 'no trajectory for a network run');
  await page.screenshot({ path: join(out, '2-finished-dark.png'), fullPage: true });

  // Drag-to-zoom on the loss chart: all step charts follow; Escape resets.
  const box = await page.locator('[data-chart="loss"] canvas').boundingBox();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await frame();
  check(await page.isVisible('[data-testid="zoom-reset"]'), 'zoom: reset button shown after a drag');
  const zoomedLr = Number(await attr('[data-chart="lr"]', 'data-points'));
  check(zoomedLr > 0 && zoomedLr < 600, `zoom: lr chart follows (${zoomedLr} of 600 points)`);
  await page.screenshot({ path: join(out, '2b-zoomed-dark.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await frame();
  check(!(await page.isVisible('[data-testid="zoom-reset"]')) && Number(await attr('[data-chart="lr"]', 'data-points')) === 600, 'zoom: Escape resets');

  // Keyboard zoom: Tab to the loss chart, + zooms all step charts, → pans, 0 resets; announced.
  await page.focus('[data-chart="loss"] canvas');
  await page.keyboard.press('+');
  await frame();
  const keyZoomed = Number(await attr('[data-chart="lr"]', 'data-points'));
  const announced = await page.textContent('[data-testid="zoom-announce"]');
  check(keyZoomed > 0 && keyZoomed < 400, `keyboard zoom: + shows ${keyZoomed} of 600 steps; announced "${announced}"`);
  check(await page.evaluate(() => document.activeElement?.closest('[data-chart]')?.getAttribute('data-chart') === 'loss'), 'keyboard zoom: the chart keeps the focus');
  await page.keyboard.press('ArrowRight');
  await frame();
  const panned = await page.textContent('[data-testid="zoom-announce"]');
  check(panned !== announced && /Zoomed to steps/.test(panned ?? ''), `keyboard pan: → moves the view (${panned})`);
  await page.keyboard.press('0');
  await frame();
  check(Number(await attr('[data-chart="lr"]', 'data-points')) === 600 && /reset/i.test((await page.textContent('[data-testid="zoom-announce"]')) ?? ''), 'keyboard zoom: 0 resets and says so');

  // Accessibility audit: Tab through the panel; every stop must have an accessible name.
  for (const tab of ['layers', 'problems', 'training']) {
    await page.click(`#tab-${tab}`);
    await frame();
    const stops = await tabStops(page);
    const nameless = stops.filter((t) => !t.name);
    console.log(`Tab stops on the ${tab} tab: ${stops.length}`);
    for (const t of stops) console.log(`  ${t.name ? '   ' : '!! '}${t.desc}: ${t.name || '(no accessible name)'}`);
    check(stops.length > 3, `${tab} tab: Tab reaches ${stops.length} controls`);
    check(nameless.length === 0, `${tab} tab: every Tab stop has an accessible name (${nameless.map((t) => t.desc).join(', ') || 'all named'})`);
  }

  await page.click('#tab-layers');
  await frame();
  await page.screenshot({ path: join(out, '3-layers-dark.png'), fullPage: true });
  await page.evaluate(() => {
    document.body.className = 'vscode-high-contrast';
  });
  await frame();
  await page.screenshot({ path: join(out, '3b-layers-hc.png'), fullPage: true });
  await page.evaluate(() => {
    document.body.className = 'vscode-light';
  });
  await frame();
  await page.screenshot({ path: join(out, '4-layers-light.png'), fullPage: true });
  await page.evaluate(() => {
    document.body.className = 'vscode-high-contrast';
  });
  await page.click('#tab-training');
  await frame();
  await page.screenshot({ path: join(out, '5-training-hc.png'), fullPage: true });
  await page.evaluate(() => {
    document.body.className = 'vscode-dark';
  });
  await page.click('#tab-problems');
  await frame();
  check((await page.textContent('#tab-problems')) === 'Problems (2)', 'problems tab counts 2');
  check((await page.textContent('tr[data-code] button.fix-title')) === 'Set the initial bias to 0.01', 'fix title on its button');
  await page.screenshot({ path: join(out, '6-problems-dark.png') });
  await page.evaluate(() => {
    document.body.className = 'vscode-high-contrast';
  });
  await frame();
  await page.screenshot({ path: join(out, '6b-problems-hc.png') });
  await page.evaluate(() => {
    document.body.className = 'vscode-dark';
  });

  // UI state saved and buttons post.
  await page.click('#tab-training');
  await page.check('input[type="checkbox"] >> nth=0');
  const state = await page.evaluate(() => window.__state);
  check(state?.ui?.logScale === true && state.ui.tab === 'training', `saved UI state ${JSON.stringify(state?.ui)}`);
  await page.click('text=Run again');
  check((await page.evaluate(() => window.__posted.map((m) => m.type))).includes('rerun'), 'Run again posts rerun');

  // An objective run becomes active and hides network-only views.
  await post({ type: 'runStarted', info: objectiveInfo('obj1') });
  const obj = objectiveBatches();
  for (const batch of obj.batches) await post({ type: 'metrics', runId: 'obj1', batch });
  await frame();
  check(Number(await attr('[data-chart="trajectory"]', 'data-points')) === 1500, 'trajectory has 1500 points');
  check(await page.isHidden('#tab-layers'), 'layers tab hidden for objectives');
  await page.screenshot({ path: join(out, '7-objective-running.png'), fullPage: true });
  await post({
    type: 'runFinished',
    runId: 'obj1',
    summary: { reason: 'diverged', steps: 1500, final: { trainLoss: obj.final.loss, valLoss: null, accuracy: null }, point: obj.final.point, durationMs: 900, message: 'loss became NaN at step 41' },
  });
  await page.click('text=Stop').catch(() => {});
  check(!(await page.evaluate(() => window.__posted.map((m) => m.type))).includes('stop'), 'Stop disabled after the run ended');

  // Reload: UI state restored, data comes back through reset.
  await page.reload();
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  check(await page.isChecked('input[type="checkbox"] >> nth=0'), 'log scale restored after reload');

  // Load: 100k steps in 1000-step batches; time the render work.
  await post({ type: 'runStarted', info: networkInfo('big', { name: 'Long run', totalSteps: 100000 }) });
  const t0 = Date.now();
  const big = networkBatches(100000, 1000, 3).map((b) => ({ ...b, histograms: b.histograms.slice(0, 4) }));
  const genMs = Date.now() - t0;
  // Posted from inside the page: playwright's argument serialisation would dominate the timing.
  const loadMs = await page.evaluate(async (json) => {
    const t = performance.now();
    for (const batch of JSON.parse(json)) {
      window.postMessage({ type: 'metrics', runId: 'big', batch }, '*');
      await new Promise((r) => setTimeout(r, 0));
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t;
  }, JSON.stringify(big));
  const drawn = Number(await attr('[data-chart="loss"]', 'data-points'));
  check((await page.textContent('[data-testid="step-count"]')) === '100000', 'step count 100000');
  check(drawn <= 4 * 2000 && drawn > 1000, `loss draws ${drawn} points (4 series, each decimated to ≤ 2000)`);
  const frameMs = await page.evaluate(async () => {
    const t = performance.now();
    window.postMessage({ type: 'metrics', runId: 'big', batch: { steps: [], epochs: [], histograms: [] } }, '*');
    document.querySelector('input[type="range"]').dispatchEvent(new Event('input'));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t;
  });
  console.log(`100k steps: generated in ${genMs} ms, 100 batches posted+rendered in ${loadMs.toFixed(0)} ms, one full redraw ≈ ${frameMs.toFixed(1)} ms`);
  await page.screenshot({ path: join(out, '8-long-run.png') });

  // Recorded engine runs (webview/dev/record-run.mjs), when present: replay and screenshot.
  for (const f of readdirSync(out).filter((n) => /^run-.*\.json$/.test(n))) {
    const messages = readFileSync(join(out, f), 'utf8');
    await page.evaluate(async (json) => {
      for (const m of JSON.parse(json)) {
        window.postMessage(m, '*');
        await new Promise((r) => setTimeout(r, 0));
      }
    }, messages);
    await frame();
    const name = f.replace(/^run-|\.json$/g, '');
    const objective = await page.isHidden('#tab-layers');
    check(Number(await page.textContent('[data-testid="step-count"]')) > 0, `recorded ${name}: steps shown`);
    await page.click('#tab-training');
    await frame();
    await page.screenshot({ path: join(out, `rec-${name}-training.png`), fullPage: true });
    if (!objective) {
      await page.click('#tab-layers');
      await frame();
      await page.screenshot({ path: join(out, `rec-${name}-layers.png`), fullPage: true });
    }
  }

  check(problems.length === 0, `no console errors/CSP violations${problems.length ? ': ' + problems.join(' | ') : ''}`);
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length ? `${failures.length} check(s) failed` : 'all preview checks passed');
console.log(`screenshots in ${out}`);
process.exit(failures.length ? 1 : 0);

/** Presses Tab until the focus comes back round; each stop with an approximate accessible name. */
async function tabStops(page) {
  // Start before the first element: a focusable, unnamed marker at the top of the body.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.id = 'tab-audit-start';
    document.body.prepend(start);
    start.focus();
  });
  const out = [];
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const t = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      if (!el.dataset.tabAudit) el.dataset.tabAudit = String(Math.random());
      const byIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ').trim();
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent?.trim() : '';
      const wrapping = el.closest('label')?.textContent?.trim();
      const name =
        (el.getAttribute('aria-labelledby') && byIds(el.getAttribute('aria-labelledby'))) ||
        el.getAttribute('aria-label')?.trim() ||
        label || wrapping ||
        (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) || el.getAttribute('role') === 'tab' ? el.textContent?.trim() : '') ||
        el.getAttribute('title')?.trim() || '';
      const desc = `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''}${el.dataset.testid ? `[${el.dataset.testid}]` : el.id ? `#${el.id}` : ''}`;
      return { key: el.dataset.tabAudit, name: name.replace(/\s+/g, ' ').slice(0, 80), desc };
    });
    if (!t || seen.has(t.key)) break;
    seen.add(t.key);
    out.push(t);
  }
  await page.evaluate(() => document.getElementById('tab-audit-start')?.remove());
  return out;
}
