/**
 * The "Compare…" CodeLens's menu, DOM- and vscode-free: optimizer variants of an experiment (its
 * own optimizer with α/3 and ×3, momentum, Nesterov, RMSprop, Adam) as `compare` entries, and the
 * experiment text with them set in memory. The file on disk is never edited: the run gets the
 * modified text, so the engine's `compare` support (merge, validation, labels) does the rest.
 */
import { applyEdits, modify } from 'jsonc-parser';
import type { Experiment } from '../shared/experiment';

export interface CompareOption {
  id: string;
  label: string;
  detail: string;
  /** Picked unless the user changes it. */
  picked: boolean;
  /** The `compare` entry: merged key by key into the base's `optimizer`; `name` is `label`. */
  entry: { name: string; optimizer: Record<string, number | string> };
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}

/** The options for `exp`; those equal to the base optimizer are left out. */
export function compareOptions(exp: Experiment): CompareOption[] {
  const o = exp.optimizer;
  const lr = o.learningRate;
  // Adam's usual step size differs from gradient descent's: PyTorch's default on networks.
  const adamLr = exp.kind === 'network' ? 0.001 : lr;
  const all: (Omit<CompareOption, 'entry'> & { entry: Omit<CompareOption['entry'], 'name'> })[] = [
    { id: 'lr/3', label: `${o.name} α=${round(lr / 3)}`, detail: 'The current optimizer with a third of the learning rate', picked: true, entry: { optimizer: { learningRate: round(lr / 3) } } },
    { id: 'lr*3', label: `${o.name} α=${round(lr * 3)}`, detail: 'The current optimizer with three times the learning rate', picked: true, entry: { optimizer: { learningRate: round(lr * 3) } } },
    { id: 'momentum', label: `momentum μ=0.9 α=${round(lr)}`, detail: 'Heavy-ball momentum (PyTorch SGD momentum=0.9), same learning rate', picked: true, entry: { optimizer: { name: 'momentum', momentum: 0.9 } } },
    { id: 'nesterov', label: `nesterov μ=0.9 α=${round(lr)}`, detail: 'Nesterov momentum, same learning rate', picked: false, entry: { optimizer: { name: 'nesterov', momentum: 0.9 } } },
    { id: 'rmsprop', label: `rmsprop α=${round(adamLr)}`, detail: 'RMSprop (ρ = 0.99)', picked: false, entry: { optimizer: { name: 'rmsprop', learningRate: adamLr } } },
    { id: 'adam', label: `adam α=${round(adamLr)}`, detail: 'Adam (β₁ = 0.9, β₂ = 0.999)', picked: true, entry: { optimizer: { name: 'adam', learningRate: adamLr } } },
  ];
  return all
    .filter((c) => !(c.entry.optimizer.name === o.name && (c.entry.optimizer.learningRate ?? lr) === lr))
    .map((c) => ({ ...c, entry: { name: c.label, ...c.entry } }));
}

/** `text` with its `compare` set to `entries` (replacing any it had), comments and layout kept. */
export function withCompare(text: string, entries: readonly CompareOption['entry'][]): string {
  const edits = modify(text, ['compare'], entries.map((e) => ({ ...e })), { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  return applyEdits(text, edits);
}
