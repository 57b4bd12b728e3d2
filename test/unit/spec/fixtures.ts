/** Shared inputs of the spec tests: minimal valid experiments and a deep-set helper. */
import { listExamples } from '../../../src/engine/examples';
import { parseJsonc } from '../../../src/engine/spec/parse';

export function network(): Record<string, unknown> {
  return {
    name: 'net',
    data: { synthetic: 'spiral' },
    model: { layers: [{ units: 8, activation: 'relu' }] },
    optimizer: { name: 'adam', learningRate: 0.01 },
    training: { epochs: 2, batchSize: 16 },
  };
}

export function objective(): Record<string, unknown> {
  return {
    name: 'obj',
    objective: { function: 'rosenbrock', start: [-1.5, 2] },
    optimizer: { name: 'sgd', learningRate: 0.001 },
    training: { steps: 10 },
  };
}

/** A deep copy with the value at `pointer` replaced (`undefined` deletes it). */
export function withValue(base: Record<string, unknown>, pointer: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const keys = pointer.split('/').slice(1);
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** The parsed value of every built-in example. */
export function exampleValues(): { id: string; value: unknown }[] {
  return listExamples().map((e) => ({ id: e.id, value: parseJsonc(e.text).value }));
}
