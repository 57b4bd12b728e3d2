/**
 * Extension entry: wires the run controller (worker runs), the run store, the training panel,
 * the status bar, diagnostics and the commands. Everything registered goes into
 * `context.subscriptions`. Returns the automation API (see api.ts).
 *
 * Activation (package.json): a workspace with an `*.optim.json`, the revived panel, and
 * `onLanguage:jsonc`, because a single experiment file opened outside such a workspace must get
 * its CodeLens, quick fixes and validation too, and VS Code has no activation event for a file
 * name pattern (`*.optim.json` files are `jsonc` through contributes.languages). It is broad (a
 * tsconfig.json activates us) but cheap: the host bundle is ~160 KB with no dependency beyond
 * jsonc-parser and node builtins (measured ~25–35 ms to load, +5 MB), and activate() only
 * registers providers and commands and reads runs.json asynchronously; nothing trains and no
 * worker starts until a command runs, and the status bar item stays hidden until it is relevant.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { examplesDir, findExample } from '../engine/examples';
import { LR_FIND_DEFAULTS } from '../engine/multi/lrFindSpec';
import type { LrFindSpec } from '../shared/experiment';
import { parseExperiment } from '../engine/spec/parse';
import type { BackendPreference, EngineEvent, MetricsBatch, WebviewToHost } from '../shared/protocol';
import type { OptimizerDebuggerApi } from './api';
import { ExperimentLenses } from './codeLens';
import { pickCompareVariants } from './compareVariants';
import { showLandscape } from './landscapeCommand';
import { NetLandscapes, type RunSetting } from './netLandscapes';
import { saveExport } from './exportFile';
import { FixCommands } from './fixCommands';
import { PANEL_VIEW_TYPE, TrainingPanel } from './panel';
import { CMD_RERUN_AFTER_FIX, RunQuickFixes, type RerunAfterFixArgs } from './quickFixes';
import { RunController, type RunOutcome, type RunRequest } from './runController';
import { RunProblems } from './runProblems';
import { RunStore } from './runStore';
import { pickExample, resolveRunTarget, targetFromDocument, type RunTarget } from './runTarget';
import { confirmOutsidePaths } from './confirmPaths';
import { planExampleCopy } from './exampleCopy';
import { DIAGNOSTIC_SOURCE, issueToDiagnostic, setSpecDiagnostics } from './specDiagnostics';
import { RunStatusBar } from './statusBar';
import { formatCount } from './status';
import { usesCustomModule } from './trust';
import { watchdogFromSetting } from './workerRun';

const CMD_RUN = 'optimizerDebugger.run';
const CMD_STOP = 'optimizerDebugger.stop';
const CMD_SHOW = 'optimizerDebugger.showPanel';
const CMD_OPEN_EXAMPLE = 'optimizerDebugger.openExample';
const CMD_NEW_FROM_EXAMPLE = 'optimizerDebugger.newFromExample';
const CMD_LR_FIND = 'optimizerDebugger.findLearningRate';
const CMD_LANDSCAPE = 'optimizerDebugger.showLandscape';
const CMD_COMPARE = 'optimizerDebugger.compareVariants';
const CTX_RUNNING = 'optimizerDebugger.running';
const EXPERIMENT_FILES: vscode.DocumentSelector = [{ pattern: '**/*.optim.json' }];
const backends: readonly BackendPreference[] = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'];

let controller: RunController | undefined;
let store: RunStore | undefined;

export function activate(context: vscode.ExtensionContext): OptimizerDebuggerApi {
  const log = vscode.window.createOutputChannel('Optimizer Debugger', { log: true });
  const config = () => vscode.workspace.getConfiguration('optimizerDebugger');
  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;

  store = new RunStore({ maxRuns: config().get<number>('maxStoredRuns', 10), file: path.join(storageDir, 'runs.json'),
    // A damaged history is copied aside and skipped: say so where the user looks.
    onWarning: (m) => {
      log.warn(m);
      void vscode.window.showWarningMessage(`Optimizer Debugger: ${m}`);
    },
  });
  const runStore = store;
  const loaded = runStore.load().catch((err: unknown) => log.warn(`Could not read saved runs: ${String(err)}`));

  controller = new RunController({ workerPath: path.join(context.extensionPath, 'dist', 'worker.js'), store: runStore });
  const runs = controller;
  const specDiagnostics = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const statusBar = new RunStatusBar(CMD_SHOW);
  const revealIfExperiment = (e: vscode.TextEditor | undefined) => {
    if (e && isExperimentFile(e.document.uri)) statusBar.reveal();
  };
  revealIfExperiment(vscode.window.activeTextEditor);
  void loaded.then(() => {
    if (runStore.snapshots().length > 0) statusBar.reveal();
  });
  const docsUri = vscode.Uri.joinPath(context.extensionUri, 'docs', 'diagnostics.md');
  const problems = new RunProblems(docsUri, () => runStore.snapshots());
  void loaded.then(() => problems.restoreOpen());
  const lenses = new ExperimentLenses(problems, { run: CMD_RUN, showPanel: CMD_SHOW, lrFind: CMD_LR_FIND, compare: CMD_COMPARE });
  let lastTarget: RunTarget | undefined;
  const landscapes = new NetLandscapes(path.join(context.extensionPath, 'dist', 'worker.js'));
  /** How the run in progress was started (its `parameters` event is kept with it). */
  let runSetting: RunSetting | undefined;
  const landscapeDeps = () => ({
    landscapes,
    store: runStore,
    log,
    post: (m: Parameters<typeof panel.postIfReady>[0]) => panel.postIfReady(m),
    metrics: (runId: string, batch: MetricsBatch) => panel.onEngineEvent({ type: 'metrics', runId, batch }),
    showPanel: () => panel.show(true),
  });

  const panel = new TrainingPanel({
    extensionUri: context.extensionUri,
    store: runStore,
    log,
    onMessage: (m: WebviewToHost) => {
      switch (m.type) {
        case 'stop':
          void runs.stop();
          break;
        case 'rerun':
          if (lastTarget) void startRun(lastTarget.doc ? targetFromDocument(lastTarget.doc) : lastTarget);
          else void vscode.commands.executeCommand(CMD_RUN);
          break;
        case 'log':
          log[m.level](`[panel] ${m.message}`);
          break;
        case 'applyFix':
          void fixes.fromPanel(m).catch((err: unknown) => log.error(`Applying a fix failed: ${String(err)}`));
          break;
        case 'showLandscape':
          void showLandscape(landscapeDeps(), m.runId);
          break;
        case 'cancelLandscape':
          void landscapes.cancel();
          break;
        case 'export':
          void saveExport(m, log).catch((err: unknown) => {
            log.error(`Export failed: ${String(err)}`);
            void vscode.window.showErrorMessage(`Optimizer Debugger: export failed: ${String(err)}`);
          });
          break;
        default:
          break;
      }
    },
  });

  const fixes = new FixCommands({
    store: runStore,
    problems,
    log,
    runDocument: async (doc) => (await startRun(targetFromDocument(doc)))?.runId,
    showVerdict: (v) => panel.showVerdict(v),
  });

  const unsubscribe = runs.onEvent((e) => {
    landscapes.onEngineEvent(e, runSetting);
    problems.onEngineEvent(e);
    if (e.type === 'started' || e.type === 'diagnostics') lenses.refresh();
    panel.onEngineEvent(e);
    statusBar.onEngineEvent(e);
    logEvent(log, e);
  });

  /** Undefined: the run did not start (untrusted, invalid); else how it ended. */
  /** `lrFind`: run the learning-rate range test on the experiment instead of training it. */
  async function startRun(target: RunTarget, lrFind?: LrFindSpec): Promise<RunOutcome | undefined> {
    if (usesCustomModule(target.text) && !vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(
        'Optimizer Debugger: this experiment loads a custom model module (model.module), which runs only in a trusted workspace.',
      );
      return undefined;
    }
    const parsed = parseExperiment(target.text);
    if (target.doc) setSpecDiagnostics(specDiagnostics, target.doc, parsed.issues, docsUri);
    const errors = parsed.issues.filter((i) => i.severity === 'error');
    if (!parsed.experiment || errors.length > 0) {
      const n = Math.max(1, errors.length);
      const where = target.doc ? 'see the Problems pane' : errors.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
      void vscode.window.showErrorMessage(`Experiment has ${n} problem${n === 1 ? '' : 's'} — ${where}`);
      log.error(`Not started: ${target.source} has ${n} problem(s): ${errors.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      return undefined;
    }
    if (!(await confirmOutsidePaths(parsed.experiment, target.baseDir, log, [examplesDir()]))) return undefined;
    lastTarget = target;
    const cfg = config();
    const pref = cfg.get<string>('backend', 'auto');
    const backend = (backends as readonly string[]).includes(pref) ? (pref as BackendPreference) : 'auto';
    const tfjsNodePath = cfg.get<string>('tfjsNodePath', '').trim();
    const req: RunRequest = {
      experiment: lrFind ? { ...parsed.experiment, lrFind } : parsed.experiment,
      source: target.source,
      baseDir: target.baseDir,
      backend,
      // The engine looks for `<dir>/@tensorflow/tfjs-node`: accept the folder or its node_modules.
      nodeModulesPaths: [
        ...(tfjsNodePath ? [path.join(tfjsNodePath, 'node_modules'), tfjsNodePath] : []),
        path.join(context.extensionPath, 'node_modules'),
      ],
      blas: cfg.get<boolean>('nativeBlas', true) !== false,
      watchdog: watchdogFromSetting(cfg.get<number>('watchdogSeconds', 60)),
    };

    log.info(`Starting "${parsed.experiment.name}" from ${target.source} (backend preference: ${backend}${req.blas ? '' : ', native BLAS off'})`);
    statusBar.starting();
    void vscode.commands.executeCommand('setContext', CTX_RUNNING, true);
    panel.show(true);
    runSetting = { experiment: req.experiment, baseDir: req.baseDir, backend: req.backend, nodeModulesPaths: req.nodeModulesPaths, blas: req.blas };
    const outcomeP = runs.run(req);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Optimizer Debugger: ${parsed.experiment.name}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => void runs.stop());
        let runId: string | undefined;
        let total = 0;
        let done = 0;
        const off = runs.onEvent((e) => {
          if (e.type === 'started') {
            runId = e.info.runId;
            total = e.info.totalSteps;
            progress.report({ message: `${e.info.backend.label} · starting` });
          } else if (e.type === 'metrics' && e.runId === runId && e.batch.steps.length > 0) {
            const last = e.batch.steps[e.batch.steps.length - 1];
            const pct = total > 0 ? Math.min(100, (100 * last.step) / total) : 0;
            progress.report({
              message: `step ${formatCount(last.step)}/${formatCount(total)} · loss ${formatLoss(last.loss)}`,
              increment: Math.max(0, pct - done),
            });
            done = Math.max(done, pct);
          }
        });
        return outcomeP.finally(off);
      },
    );

    const outcome = await outcomeP;
    if (!runs.isRunning) void vscode.commands.executeCommand('setContext', CTX_RUNNING, false);
    if (outcome.failure) {
      const { message, path: pointer } = outcome.failure;
      if (pointer !== undefined && target.doc) {
        const extra = issueToDiagnostic(target.doc, { path: pointer, message, severity: 'error' }, docsUri);
        specDiagnostics.set(target.doc.uri, [...(specDiagnostics.get(target.doc.uri) ?? []), extra]);
      }
      void vscode.window.showErrorMessage(`Optimizer Debugger: ${message}`);
      return outcome;
    }
    const summary = outcome.summary;
    if (summary?.reason === 'crashed' || summary?.reason === 'error') {
      void vscode.window.showErrorMessage(`Optimizer Debugger: run ${summary.reason}: ${summary.message ?? 'no details'}`);
    } else if (summary?.reason === 'diverged') {
      void vscode.window.showWarningMessage(`Optimizer Debugger: the run diverged${summary.message ? `: ${summary.message}` : ''}`);
    }
    return outcome;
  }

  context.subscriptions.push(
    log,
    specDiagnostics,
    problems,
    lenses,
    statusBar,
    panel,
    { dispose: unsubscribe },
    vscode.commands.registerCommand(CMD_RUN, async (arg?: unknown) => {
      try {
        const target = await resolveRunTarget(arg);
        return target ? (await startRun(target))?.summary : undefined;
      } catch (err) {
        // The command contract: resolve, never reject.
        log.error(`Run failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        void vscode.window.showErrorMessage(`Optimizer Debugger: could not start the run: ${String(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(CMD_LR_FIND, async (arg?: unknown) => {
      try {
        const target = await resolveRunTarget(arg);
        return target ? (await startRun(target, LR_FIND_DEFAULTS))?.summary : undefined;
      } catch (err) {
        log.error(`Learning-rate range test failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(CMD_LANDSCAPE, async (arg?: unknown) => {
      await loaded;
      return showLandscape(landscapeDeps(), arg).catch((err: unknown) => {
        log.error(`Loss landscape failed: ${String(err)}`);
        return { error: String(err) };
      });
    }),
    vscode.commands.registerCommand(CMD_COMPARE, async (arg?: unknown, picked?: unknown) => {
      try {
        const target = await resolveRunTarget(arg);
        if (!target) return undefined;
        // The variants go into the text the run gets, never into the file.
        const text = await pickCompareVariants(target.text, picked);
        return text ? (await startRun({ ...target, text }))?.summary : undefined;
      } catch (err) {
        log.error(`Compare failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        return undefined;
      }
    }),
    { dispose: () => void landscapes.cancel() },
    vscode.commands.registerCommand(CMD_STOP, () => runs.stop()),
    vscode.commands.registerCommand(CMD_RERUN_AFTER_FIX, (args: RerunAfterFixArgs) => fixes.rerunAfterFix(args)),
    vscode.languages.registerCodeActionsProvider(EXPERIMENT_FILES, new RunQuickFixes(problems), RunQuickFixes.metadata),
    vscode.languages.registerCodeLensProvider(EXPERIMENT_FILES, lenses),
    vscode.commands.registerCommand(CMD_SHOW, async () => {
      await loaded;
      panel.show();
    }),
    vscode.commands.registerCommand(CMD_OPEN_EXAMPLE, async () => {
      const ex = await pickExample('Open which built-in example?');
      if (!ex) return undefined;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(ex.path));
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      // Shipped files are read-only in the session: edits belong in a copy (Save As).
      await Promise.resolve(
        vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession'),
      ).catch(() => undefined);
      return editor.document.uri;
    }),
    vscode.commands.registerCommand(CMD_NEW_FROM_EXAMPLE, async (arg?: unknown) => {
      const ex = isExampleId(arg) ? findExample(arg) : await pickExample('Start a new experiment from which example?');
      if (!ex) return undefined;
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const plan = planExampleCopy(ex.text, ex.path, folder, { exists: fs.existsSync, sameContent: sameBytes });
      for (const c of plan.copies) await fs.promises.copyFile(c.from, c.to, fs.constants.COPYFILE_EXCL);
      const doc = await vscode.workspace.openTextDocument(untitledExperimentUri(ex.id));
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      await editor.edit((e) => e.insert(new vscode.Position(0, 0), plan.text));
      if (plan.copies.length > 0) {
        const names = plan.copies.map((c) => path.basename(c.to)).join(', ');
        log.info(`New experiment from ${ex.id}: copied its model module to ${plan.copies.map((c) => c.to).join(', ')}`);
        void vscode.window.showInformationMessage(`Optimizer Debugger: the example's model module was copied to the workspace as ${names}; save the experiment in the same folder.`);
      }
      return doc.uri;
    }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel): Promise<void> {
        await loaded;
        panel.revive(webviewPanel);
      },
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('optimizerDebugger.maxStoredRuns')) {
        runStore.setMaxRuns(config().get<number>('maxStoredRuns', 10));
      }
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => specDiagnostics.delete(doc.uri)),
    vscode.window.onDidChangeActiveTextEditor(revealIfExperiment),
  );
  void vscode.commands.executeCommand('setContext', CTX_RUNNING, false);

  return {
    getRuns: () => runStore.snapshots(),
    panelStats: () => panel.panelStats(),
    backend: () => {
      const all = runStore.snapshots();
      return all.length > 0 ? all[all.length - 1].info.backend : undefined;
    },
    isRunning: () => runs.isRunning,
    activeRunId: () => runStore.activeRunId,
    lastVerdict: () => fixes.lastVerdict,
  };
}

/** Stop a run in progress (its data is kept) and save the store before the host goes away. */
export async function deactivate(): Promise<void> {
  await controller?.stop();
  await store?.persist().catch(() => undefined);
}

function formatLoss(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

function logEvent(log: vscode.LogOutputChannel, e: EngineEvent): void {
  switch (e.type) {
    case 'started':
      log.info(
        `Run ${e.info.runId} "${e.info.name}": backend ${e.info.backend.label} (${e.info.backend.reason}); ` +
          `${e.info.paramCount} parameters, up to ${e.info.totalSteps} steps, optimizer ${e.info.optimizer}`,
      );
      break;
    case 'log':
      log[e.level](e.message);
      break;
    case 'finished': {
      const s = e.summary;
      const f = s.final;
      log.info(
        `Run ${e.runId} ${s.reason} after ${s.steps} steps in ${(s.durationMs / 1000).toFixed(1)} s; ` +
          `train loss ${f.trainLoss ?? '-'}, val loss ${f.valLoss ?? '-'}, accuracy ${f.accuracy ?? '-'}` +
          (s.message ? ` — ${s.message}` : ''),
      );
      if (s.reason === 'crashed') log.error(`Run ${e.runId} crashed: ${s.message ?? 'no details'}`);
      break;
    }
    case 'failed':
      log.error(`Run ${e.runId} could not start: ${e.message}${e.path ? ` (at ${e.path})` : ''}`);
      break;
    default:
      break;
  }
}

function sameBytes(a: string, b: string): boolean {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

function isExperimentFile(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.optim.json');
}

function isExampleId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/** An unsaved `<id>.optim.json` in the workspace folder (a free name), editable and runnable as is. */
function untitledExperimentUri(id: string): vscode.Uri {
  const dir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  let name = `${id}.optim.json`;
  for (let i = 2; fs.existsSync(path.join(dir, name)) || vscode.workspace.textDocuments.some((d) => d.uri.fsPath === path.join(dir, name)); i++) {
    name = `${id}-${i}.optim.json`;
  }
  return vscode.Uri.file(path.join(dir, name)).with({ scheme: 'untitled' });
}
