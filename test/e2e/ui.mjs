// The UI test: what a person does and sees. Runs "Optimizer Debugger: Run Optimization" from the
// command palette, picks a built-in example in the quick pick and checks the finished panel; then
// runs a longer fixture from its editor, screenshots the panel mid-run, and stops it from the
// palette. Chart checks read the loss canvas's pixels (a coloured curve, not just grey axes).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './build-suite.mjs';
import { openWorkbench, workbenchUrl } from './lib/workbench.mjs';

export const outputDir = join(repoRoot, '.test-output');
/** Picked in the quick pick: a network example, so the panel shows loss, validation and histograms. */
export const uiExample = process.env.OPTDBG_UI_EXAMPLE ?? 'spiral-healthy';

/**
 * @param {{ context: import('playwright-core').BrowserContext, port: number, folder: string,
 *           onLog: (type: string, line: string) => void, step: (msg: string) => void }} o
 * @returns {Promise<{ name: string, ok: boolean, error?: string }[]>} one entry per check
 */
export async function runUiTest({ context, port, folder, onLog, step }) {
  mkdirSync(outputDir, { recursive: true });
  for (const f of ['panel-running.png', 'panel-finished.png', 'panel-stopped.png', 'panel-problems.png', 'problems-pane.png', 'panel-verdict.png', 'panel-layers.png', 'panel-reloaded.png', 'ui-failure.png']) {
    rmSync(join(outputDir, f), { force: true }); // no stale picture passes for this run's
  }
  const url = workbenchUrl({ port, folder, extensionPath: repoRoot });
  const { page } = await openWorkbench(context, url, onLog);
  const results = [];
  const check = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
      step(`  ✔ ${name}`);
    } catch (e) {
      results.push({ name, ok: false, error: String(e?.stack ?? e) });
      step(`  ✘ ${name}\n${String(e?.message ?? e)}`);
      await page.screenshot({ path: join(outputDir, 'ui-failure.png') }).catch(() => {});
      throw new StopChecks();
    }
  };

  try {
    await check('workbench loads the fixture workspace', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    });

    await check(`palette runs "Run Optimization" on example ${uiExample}`, async () => {
      await runFromPalette(page, 'Optimizer Debugger: Run Optimization');
      // The command offers the built-in examples: wait for the second quick pick, then choose.
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await page.waitForFunction(
        () => {
          const el = document.querySelector('.quick-input-widget .quick-input-box input');
          return el instanceof HTMLInputElement && el.offsetParent !== null && !el.value.startsWith('>');
        },
        undefined,
        { timeout: 15_000 },
      );
      await input.fill(uiExample);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: uiExample }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
    });

    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await check(`the panel shows the finished run of ${uiExample}`, async () => {
      await frame.locator('body[data-state="finished"]').waitFor({ state: 'attached', timeout: 120_000 });
      await page.waitForTimeout(500); // last chart animation frame
      await page.screenshot({ path: join(outputDir, 'panel-finished.png') });
      const s = await panelState(frame);
      step(`  panel: state=${s.state} steps=${s.stepCount} loss points=${s.lossPoints}`);
      if (!(s.stepCount > 0)) throw new Error(`step-count is ${s.stepCount}`);
      if (!(s.lossPoints > 0)) throw new Error(`loss chart data-points is ${s.lossPoints}`);
      await assertLossCurveDrawn(frame, step);
    });

    // The examples train in a second or two; a longer fixture run shows the panel live.
    await check('a longer run from the active editor shows live curves mid-run', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'medium.optim.json' }).first().click();
      await page.locator('.tab.active', { hasText: 'medium.optim.json' }).waitFor({ timeout: 15_000 });
      const t0 = Date.now();
      await runFromPalette(page, 'Optimizer Debugger: Run Optimization');
      const deadline = Date.now() + 60_000;
      let s;
      for (;;) {
        s = await panelState(frame).catch(() => undefined);
        if (process.env.OPTDBG_UI_TRACE) step(`    t=${Date.now() - t0} ${JSON.stringify(s)}`);
        // A fresh run: running, with a curve of some length (the previous run's points are gone).
        if (s && s.state === 'running' && s.lossPoints >= 20 && s.stepCount >= 20) break;
        if (s && s.state !== 'running' && s.state !== 'idle' && s.stepCount > 1000) {
          throw new Error(`the long run ended before it was seen running: ${JSON.stringify(s)}`);
        }
        if (Date.now() > deadline) throw new Error(`never saw the long run running: ${JSON.stringify(s)}`);
        await page.waitForTimeout(100);
      }
      step(`  running after ${Date.now() - t0} ms: steps=${s.stepCount} loss points=${s.lossPoints}`);
      await page.waitForTimeout(300); // a chart animation frame
      await page.screenshot({ path: join(outputDir, 'panel-running.png') });
      s = await panelState(frame);
      step(`  panel: state=${s.state} steps=${s.stepCount} loss points=${s.lossPoints}`);
      if (s.state !== 'running') throw new Error(`the run ended too soon for a mid-run check: ${JSON.stringify(s)}`);
      await assertLossCurveDrawn(frame, step);
    });

    await check('"Stop Optimization" from the palette ends the live run', async () => {
      const before = await panelState(frame);
      await runFromPalette(page, 'Optimizer Debugger: Stop Optimization');
      // The stop itself takes < 0.5 s (the suite's stop test); the panel may lag behind a fast run.
      await frame.locator('body[data-state="finished"]').waitFor({ state: 'attached', timeout: 15_000 });
      const after = await panelState(frame);
      step(`  stopped at ${after.stepCount} steps (was ${before.stepCount} when asked)`);
      if (after.stepCount < before.stepCount) throw new Error('steps were lost when stopping');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outputDir, 'panel-stopped.png') });
    });

    await check('a faulty run lists dead-units in the panel\'s diagnostics table', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'dead-relu-ui.optim.json' }).first().click();
      await page.locator('.tab.active', { hasText: 'dead-relu-ui.optim.json' }).waitFor({ timeout: 15_000 });
      await runFromPalette(page, 'Optimizer Debugger: Run Optimization');
      await frame.locator('.run-name', { hasText: 'Dead ReLUs (UI)' }).waitFor({ timeout: 30_000 });
      await frame.locator('body[data-state="finished"]').waitFor({ state: 'attached', timeout: 60_000 });
      await frame.locator('#tab-problems').click();
      const row = frame.locator('tr[data-code="dead-units"]');
      await row.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outputDir, 'panel-problems.png') });
      const text = await row.innerText();
      step(`  diagnostics row: ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
      if (!/never activate|dead/i.test(text)) throw new Error(`the row does not explain the problem: ${text}`);
      if (!/step \d+/.test(text)) throw new Error('the row does not say when it was first seen');
      const buttons = await row.locator('button[data-testid="fix-rerun"]:not([disabled])').count();
      if (buttons < 1) throw new Error('no enabled "Apply & re-run" button');
    });

    await check('the Problems pane shows dead-units on the experiment file', async () => {
      await page.keyboard.press('Control+Shift+M');
      const marker = page.locator('.markers-panel .monaco-list-row', { hasText: 'dead-units' }).first();
      await marker.waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(outputDir, 'problems-pane.png') });
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      step(`  Problems pane: ${rows.map((r) => r.replace(/\s+/g, ' ').slice(0, 90)).join(' | ')}`);
      if (!rows.some((r) => /Optimizer Debugger/.test(r))) throw new Error('no row with source "Optimizer Debugger"');
    });

    await check('"Apply & re-run" fixes it: verdict and before/after overlay', async () => {
      await frame.locator('tr[data-code="dead-units"] button[data-testid="fix-rerun"]').first().click();
      // The verdict sits on the Training tab (the Problems tab is showing): attached, then shown.
      const verdict = frame.locator('[data-testid="verdict"]:not([hidden])');
      await verdict.waitFor({ state: 'attached', timeout: 60_000 });
      await frame.locator('body[data-state="finished"]').waitFor({ state: 'attached', timeout: 60_000 });
      await frame.locator('#tab-training').click();
      await verdict.waitFor({ timeout: 5_000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(outputDir, 'panel-verdict.png') });
      const text = await verdict.innerText();
      step(`  verdict: ${text}`);
      if ((await verdict.getAttribute('data-resolved')) !== 'true') throw new Error(`not resolved: ${text}`);
      const legend = await frame.locator('[data-chart="loss"]').evaluate((box) => box.dataset.points);
      if (!(Number(legend) > 0)) throw new Error('no loss points after the re-run');
      await assertLossCurveDrawn(frame, step);
    });

    await check('the Layers tab shows histograms and per-layer charts', async () => {
      await frame.locator('#tab-layers').click();
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(outputDir, 'panel-layers.png') });
      const pts = await frame.locator('[data-chart="histogram"]').getAttribute('data-points');
      const stats = await frame.locator('.hist-stats').innerText();
      step(`  histogram columns=${pts}; ${stats}`);
      if (!(Number(pts) > 0)) throw new Error('the histogram heat map is empty');
      if (!/dead units/.test(stats)) throw new Error(`no dead-unit fraction shown: ${stats}`);
    });

    await check('a window reload mid-run brings the panel back with the run so far, marked stopped', async () => {
      // The panel shares the editor group now: open the file and put the focus in its text, so
      // the command runs the active editor rather than offering the examples.
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'medium.optim.json' }).first().dblclick();
      await page.locator('.tab.active', { hasText: 'medium.optim.json' }).waitFor({ timeout: 15_000 });
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await runFromPalette(page, 'Optimizer Debugger: Run Optimization');
      // Watched in the status bar: the panel may sit behind the editor in the same group.
      const running = page.locator('.statusbar-item', { hasText: /steps\/s · running/ }).first();
      await running.waitFor({ timeout: 60_000 }).catch(async (e) => {
        if (await page.locator('.quick-input-widget .quick-input-list').isVisible()) {
          throw new Error('the command offered the examples: the experiment editor was not active');
        }
        throw e;
      });
      await page.waitForTimeout(1500); // some steps, and the history saved at the start
      step(`  reloading the window mid-run (${(await running.innerText()).trim()})`);
      await page.reload();
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      // The panel's tab comes back (behind the editor that had the focus); showing it lets the
      // serializer revive it, and its run comes back from the run history on disk.
      await page.locator('.tab', { hasText: 'Optimizer Debugger' }).first().click({ timeout: 30_000 });
      await frame.locator('body[data-state="finished"]').waitFor({ state: 'attached', timeout: 60_000 });
      await frame.locator('#tab-training').click();
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(outputDir, 'panel-reloaded.png') });
      const after = await panelState(frame);
      const name = await frame.locator('.run-name').first().innerText();
      const badge = await frame.locator('.state-badge').first().innerText();
      step(`  after reload: "${name}" ${badge}, steps=${after.stepCount} loss points=${after.lossPoints}`);
      if (!/Spiral, long/.test(name)) throw new Error(`the panel shows another run: ${name}`);
      if (!(after.stepCount > 0)) throw new Error(`no steps after the reload: ${JSON.stringify(after)}`);
      if (!/stopped/.test(badge)) throw new Error(`the interrupted run is not marked stopped: ${badge}`);
      await assertLossCurveDrawn(frame, step);
    });

    await check('after a window reload the Problems pane still lists the last run\'s diagnosis', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^dead-relu\.optim\.json/ }).first().dblclick();
      await page.locator('.tab.active', { hasText: 'dead-relu.optim.json' }).waitFor({ timeout: 15_000 });
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await runFromPalette(page, 'Optimizer Debugger: Run Optimization');
      await page.locator('.statusbar-item', { hasText: /finished/ }).first().waitFor({ timeout: 60_000 });
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'dead-units' }).first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1500); // the history is saved when the run ends
      await page.reload();
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
      // A document is loaded only when shown: open the file from the explorer (this brings its
      // restored tab to the front, or opens one if the reload did not restore it).
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^dead-relu\.optim\.json/ }).first().dblclick({ timeout: 30_000 });
      await page.locator('.tab.active', { hasText: 'dead-relu.optim.json' }).waitFor({ timeout: 30_000 });
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'dead-units' }).first();
      await row.waitFor({ timeout: 30_000 });
      step(`  Problems after reload: ${(await row.innerText()).replace(/\s+/g, ' ').slice(0, 100)}`);
    });
  } catch (e) {
    // A failed check ends the sequence (later checks depend on it); anything else is a harness error.
    if (!(e instanceof StopChecks)) throw e;
  } finally {
    await page.close().catch(() => {});
  }
  return results;
}

class StopChecks extends Error {}

async function runFromPalette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  // Click the matching row: Enter would take whichever row is highlighted (recently used first).
  await row.click();
}

async function assertLossCurveDrawn(frame, step) {
  const px = await frame.locator('[data-chart="loss"] canvas').first().evaluate(canvasInk);
  step(`  loss canvas ${px.width}x${px.height}: ${px.ink} drawn pixels, ${px.coloured} coloured`);
  if (px.width === 0 || px.height === 0) throw new Error('loss canvas has no size');
  // Axes, grid and labels are grey; a data curve is drawn in a theme colour.
  if (px.coloured < 50) throw new Error(`loss canvas has only ${px.coloured} coloured pixels: no curve drawn`);
}

async function panelState(frame) {
  return frame.locator('body').evaluate((body) => {
    const chart = body.querySelector('[data-chart="loss"]');
    const count = body.querySelector('[data-testid="step-count"]');
    return {
      state: body.dataset.state ?? '',
      stepCount: Number((count?.textContent ?? '').replace(/[^0-9.]/g, '')) || 0,
      lossPoints: Number(chart?.getAttribute('data-points') ?? 0),
    };
  });
}

/** Runs in the webview: counts drawn (non-transparent) and coloured (non-grey) pixels. */
function canvasInk(canvas) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  if (!ctx || width === 0 || height === 0) return { width, height, ink: 0, coloured: 0 };
  const data = ctx.getImageData(0, 0, width, height).data;
  // Background = the most common colour (charts are usually transparent, but may be filled).
  const freq = new Map();
  for (let i = 0; i < data.length; i += 4 * 7) {
    const key = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
    freq.set(key, (freq.get(key) ?? 0) + 1);
  }
  let bg = 0;
  let best = -1;
  for (const [k, n] of freq) if (n > best) [bg, best] = [k, n];
  let ink = 0;
  let coloured = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
    if (((r << 24) | (g << 16) | (b << 8) | a) === bg || a < 16) continue;
    ink++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
  }
  return { width, height, ink, coloured };
}
