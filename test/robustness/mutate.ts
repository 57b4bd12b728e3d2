/**
 * Generators of broken experiment files for the fuzzing suite: structural mutations of valid
 * documents (wrong types, missing fields, out-of-range numbers, huge layers, unknown names,
 * unknown keys, mixed-up sections) and text mutations (truncation, stray characters, garbage).
 */
import fc from 'fast-check';
import { parse } from 'jsonc-parser';
import { listExamples } from '../../src/engine/examples';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

/** Valid starting points: every built-in example plus the data variants examples lack. */
export function baseDocuments(): Json[] {
  const docs = listExamples().map((e) => parse(e.text, [], { allowTrailingComma: true }) as Json);
  docs.push(
    { name: 'csv', data: { csv: 'data/iris.csv', target: 'species', normalize: true }, model: { layers: [{ units: 8, activation: 'tanh' }] }, optimizer: { name: 'sgd', learningRate: 0.1 } },
    { name: 'idx', data: { idx: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' }, limit: 100 }, model: { layers: [] }, optimizer: { name: 'adam', learningRate: 0.001 } },
    { objective: { function: 'himmelblau' } },
  );
  return docs;
}

function paths(v: Json, base: Path = [], out: Path[] = []): Path[] {
  out.push(base);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...base, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...base, k], out);
  return out;
}

function getAt(v: Json, p: Path): Json | undefined {
  let cur: Json | undefined = v;
  for (const s of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[s as number] : (cur as Record<string, Json>)[s as string];
  }
  return cur;
}

/** Own property even for "__proto__" (plain assignment would set the prototype instead). */
function setOwn(obj: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(root: Json, p: Path, value: Json | undefined): Json | undefined {
  if (p.length === 0) return value;
  const parent = getAt(root, p.slice(0, -1));
  const key = p[p.length - 1];
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(key as number, 1);
    else parent[key as number] = value;
  } else if (parent !== null && typeof parent === 'object') {
    if (value === undefined) delete (parent as Record<string, Json>)[key as string];
    else setOwn(parent as Record<string, Json>, key as string, value);
  }
  return root;
}

const NEAR_NAMES = ['adamm', 'Adam', 'ADAM', ' sgd', 'relu ', 'Relu', 'softmaxx', 'rosenbrok', 'spirals', 'he_normal', 'crossEntropy', 'constant ', 'leaky_relu', '', 'none', 'null', 'NaN', 'undefined', '../../etc/passwd', '\u0000', 'é', '🙂'];
const EDGE_NUMBERS = [-1, 0, -0, 0.5, 1.5, 2.5, 1e-320, 1e-9, 1e9, 1e21, 1e308, -1e308, 4097, 1e6, 1e7, 2 ** 31, 2 ** 53 + 2, -(2 ** 53)];

const smallJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'wrongType'; at: number; value: Json }
  | { kind: 'number'; at: number; value: number }
  | { kind: 'name'; at: number; value: string }
  | { kind: 'addKey'; at: number; key: string; value: Json }
  | { kind: 'hugeLayers'; count: number; units: number; activation: string }
  | { kind: 'mixSections'; section: 'objective' | 'data' | 'model' };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('wrongType' as const), at: fc.nat(), value: smallJson }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()) }),
  fc.record({ kind: fc.constant('name' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...NEAR_NAMES), fc.string({ maxLength: 12 })) }),
  fc.record({ kind: fc.constant('addKey' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'units', 'module', ''), fc.string({ maxLength: 8 })), value: smallJson }),
  fc.record({ kind: fc.constant('hugeLayers' as const), count: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(1000)), units: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(0, 1e6, 1e9, -3, 2.5)), activation: fc.constantFrom('relu', 'tanh', 'sigmoid', 'swish') }),
  fc.record({ kind: fc.constant('mixSections' as const), section: fc.constantFrom('objective' as const, 'data' as const, 'model' as const) }),
);

export function applyMutation(doc: Json, m: Mutation): Json | undefined {
  const all = paths(doc);
  const pick = (at: number) => all[at % all.length];
  switch (m.kind) {
    case 'delete':
      return setAt(doc, pick(m.at), undefined);
    case 'wrongType':
      return setAt(doc, pick(m.at), m.value);
    case 'number': {
      // Prefer numeric leaves: that is where ranges are checked.
      const nums = all.filter((p) => typeof getAt(doc, p) === 'number');
      return setAt(doc, nums.length ? nums[m.at % nums.length] : pick(m.at), m.value);
    }
    case 'name': {
      const strs = all.filter((p) => typeof getAt(doc, p) === 'string');
      return setAt(doc, strs.length ? strs[m.at % strs.length] : pick(m.at), m.value);
    }
    case 'addKey': {
      const objs = all.filter((p) => {
        const v = getAt(doc, p);
        return v !== null && typeof v === 'object' && !Array.isArray(v);
      });
      if (objs.length === 0) return doc;
      const target = getAt(doc, objs[m.at % objs.length]) as Record<string, Json>;
      setOwn(target, m.key, m.value);
      return doc;
    }
    case 'hugeLayers': {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
      const m0 = doc.model;
      const model = (m0 !== null && typeof m0 === 'object' && !Array.isArray(m0) ? m0 : {}) as Record<string, Json>;
      model.layers = Array.from({ length: m.count }, () => ({ units: m.units, activation: m.activation }));
      doc.model = model;
      return doc;
    }
    case 'mixSections': {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
      const extra: Record<string, Json> = {
        objective: { function: 'rosenbrock' },
        data: { synthetic: 'xor' },
        model: { layers: [] },
      };
      setOwn(doc, m.section, extra[m.section]);
      return doc;
    }
  }
}

export type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'garbage'; text: string };

const STRAY = ['{', '}', '[', ']', ',', ':', '"', '/*', '//', '\\', '\u0000', '\uFEFF', '\ud800', 'NaN', 'Infinity', '-', '0x10', "'", '\n'];

export const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...STRAY), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('garbage' as const),
    text: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? ''),
      fc.constantFrom('', ' ', 'null', '[]', '""', '{}', '{"objective":', '// only a comment', '/* unterminated'),
    ),
  }),
);

export function applyTextMutation(text: string, m: TextMutation): string {
  const at = (n: number) => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'cut':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'garbage':
      return m.text;
  }
}

export interface Case {
  base: number;
  mutations: Mutation[];
  text: TextMutation | undefined;
}

/** About a third of the cases also get a text mutation (mostly syntax errors). */
export const caseArb: fc.Arbitrary<Case> = fc.record({
  base: fc.nat(),
  mutations: fc.array(mutationArb, { minLength: 0, maxLength: 4 }),
  text: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: textMutationArb }),
});

/** The file text of a case: the base document mutated, serialized, then maybe text-mutated. */
export function caseText(bases: readonly Json[], c: Case): string {
  let doc: Json | undefined = structuredClone(bases[c.base % bases.length]);
  for (const m of c.mutations) {
    if (doc === undefined) break;
    doc = applyMutation(doc, m);
  }
  const text = doc === undefined ? '' : JSON.stringify(doc, null, 2);
  return c.text ? applyTextMutation(text, c.text) : text;
}
