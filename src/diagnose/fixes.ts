import type { Experiment } from '../shared/experiment';
import type { SuggestedFix } from '../shared/protocol';
import { fmt } from './stats';

/** What detectors return: the title is optional and filled from the path and value when left out. */
export type FixDraft = Omit<SuggestedFix, 'title'> & { title?: string };

/** The value currently at a JSON pointer of the experiment (undefined when absent). */
export function currentValue(e: Experiment, path: string): unknown {
  let v: unknown = e;
  for (const key of path.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/** Numbers as people type them in the file: 0.0009, not 9.00e-4. */
function num(v: number): string {
  return Math.abs(v) >= 1e-6 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(3))) : fmt(v);
}

function show(v: unknown): string {
  return typeof v === 'number' ? num(v) : JSON.stringify(v);
}

/**
 * A short imperative title from the fix's target, comparing with the experiment's current value so
 * it says "Lower" or "Raise" rather than "Set" (issue 4's `{ path, value, title }` shape).
 */
export function fixTitle(f: FixDraft, e: Experiment, now: unknown = currentValue(e, f.path)): string {
  const v = f.value;
  const layer = /^\/model\/layers\/(\d+)\/activation$/.exec(f.path);
  if (layer) return `Use ${String(v)} in hidden layer ${Number(layer[1]) + 1}`;
  switch (f.path) {
    case '/optimizer/learningRate':
      if (typeof v === 'number' && typeof now === 'number') return `${v < now ? 'Lower' : 'Raise'} the learning rate to ${num(v)}`;
      return `Set the learning rate to ${show(v)}`;
    case '/optimizer/name':
      return `Switch the optimizer to ${String(v)}`;
    case '/optimizer/schedule': {
      const name = typeof v === 'object' && v !== null ? (v as { name?: unknown }).name : v;
      return `Decay the learning rate (${String(name)} schedule)`;
    }
    case '/training/batchSize':
      return `Use a batch size of ${show(v)}`;
    case '/data/normalize':
      return v === true ? 'Normalize the inputs' : 'Turn input normalization off';
    case '/model/init': {
      const i = v as { scheme?: unknown; scale?: unknown; bias?: unknown };
      return `Re-initialize the weights (${String(i.scheme)}, scale ${show(i.scale)}, bias ${show(i.bias)})`;
    }
    case '/model/init/scheme':
      return `Initialize the weights with ${String(v)}`;
    case '/model/init/scale':
      return typeof v === 'number' && typeof now === 'number' ? `${v < now ? 'Shrink' : 'Grow'} the initial weights to scale ${num(v)}` : `Set the initial weight scale to ${show(v)}`;
    case '/model/init/bias':
      return `Set the initial bias to ${show(v)}`;
    case '/objective/start':
      return `Start from ${show(v)}`;
    case '/training/restarts':
      return `Run ${show(v)} restarts from other seeds`;
    case '/training/gradientCheck':
      return 'Check the gradient with finite differences';
    default:
      return `Set ${f.path} to ${show(v)}`;
  }
}

/**
 * A finding's fixes as the diagnosis shows them, for one experiment: a fix that sets a field to the
 * value it already has (switch to momentum when on momentum) is dropped, the others get a title.
 * The experiment's value at each path is looked up and serialized once: a diagnosis that holds has
 * its fixes rebuilt at every check (thousands per run), and those lookups were most of that.
 */
export class FixFinisher {
  private readonly current = new Map<string, { value: unknown; json: string | undefined }>();

  constructor(private readonly e: Experiment) {}

  /** The fixes that change something, with titles. */
  finish(fixes: readonly FixDraft[]): SuggestedFix[] {
    const out: SuggestedFix[] = [];
    for (const f of fixes) {
      let now = this.current.get(f.path);
      if (!now) {
        const value = currentValue(this.e, f.path);
        now = { value, json: value === undefined ? undefined : JSON.stringify(value) };
        this.current.set(f.path, now);
      }
      if (now.value !== undefined && now.json === JSON.stringify(f.value)) continue;
      out.push({ path: f.path, value: f.value, title: f.title ?? fixTitle(f, this.e, now.value), why: f.why });
    }
    return out;
  }
}
