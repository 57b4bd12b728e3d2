/** The "Compare…" quick pick: which optimizer variants to run next to the experiment as it is. */
import * as vscode from 'vscode';
import { parseExperiment } from '../engine/spec/parse';
import { compareOptions, withCompare } from './compareMenu';

/**
 * The experiment text with the chosen variants as `compare`, or undefined (dismissed, nothing
 * picked, or the file does not parse). `picked`: option ids chosen without showing the list
 * (automation and tests).
 */
export async function pickCompareVariants(text: string, picked?: unknown): Promise<string | undefined> {
  const exp = parseExperiment(text).experiment;
  if (!exp) {
    void vscode.window.showErrorMessage('Optimizer Debugger: fix the experiment file first (see the Problems pane).');
    return undefined;
  }
  const options = compareOptions(exp);
  let chosen = options.filter((o) => o.picked);
  if (Array.isArray(picked)) chosen = options.filter((o) => picked.includes(o.id));
  else {
    const items = await vscode.window.showQuickPick(
      options.map((o) => ({ label: o.label, detail: o.detail, picked: o.picked, option: o })),
      { canPickMany: true, title: `Compare with ${exp.optimizer.name} α=${exp.optimizer.learningRate}`, placeHolder: 'Variants to run next to the experiment (the file is not changed)' },
    );
    if (!items) return undefined;
    chosen = items.map((i) => i.option);
  }
  if (chosen.length === 0) return undefined;
  return withCompare(text, chosen.map((o) => o.entry));
}
