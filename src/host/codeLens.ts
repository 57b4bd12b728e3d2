/**
 * CodeLens at the top of an experiment file: "Run optimization" (a file with `compare` runs all its
 * variants), "Find learning rate" (the range test), "Compare…" (optimizer variants run as a compare
 * group without editing the file), and once a run of this file has reported
 * problems, how many, opening the panel.
 */
import * as vscode from 'vscode';
import type { RunProblems } from './runProblems';

export class ExperimentLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly problems: RunProblems,
    private readonly commands: { run: string; showPanel: string; lrFind?: string; compare?: string },
  ) {}

  /** Call when a run's diagnoses change, so the problem count refreshes. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, { title: '$(play) Run optimization', command: this.commands.run, arguments: [doc.uri], tooltip: 'Train this experiment and watch it in the training panel' }),
    ];
    if (this.commands.lrFind) {
      lenses.push(new vscode.CodeLens(top, {
        title: '$(search) Find learning rate',
        command: this.commands.lrFind,
        arguments: [doc.uri],
        tooltip: 'Learning-rate range test: train briefly with an exponentially growing learning rate and suggest one',
      }));
    }
    if (this.commands.compare) {
      lenses.push(new vscode.CodeLens(top, {
        title: '$(versions) Compare…',
        command: this.commands.compare,
        arguments: [doc.uri],
        tooltip: 'Run this experiment next to optimizer variants (α/3, α×3, momentum, Adam…) and overlay them; the file is not changed',
      }));
    }
    const n = this.problems.findings(doc.uri)?.diagnoses.length ?? 0;
    if (n > 0) {
      lenses.push(new vscode.CodeLens(top, {
        title: `$(warning) ${n} problem${n === 1 ? '' : 's'} in the last run`,
        command: this.commands.showPanel,
        arguments: [{ tab: 'problems' }],
        tooltip: 'Show the diagnoses with their evidence and fixes in the training panel',
      }));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
