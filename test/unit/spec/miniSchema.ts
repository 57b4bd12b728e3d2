/**
 * A deliberately small JSON Schema (draft-07) checker for the keywords our schema uses, so the
 * tests can compare the schema with the validator without a schema library. Unknown keywords
 * (description, default, enumDescriptions, defaultSnippets...) are annotations and ignored.
 */
export type Schema = Record<string, unknown> | boolean;

const SUPPORTED = new Set([
  '$schema', '$id', '$ref', 'title', 'description', 'markdownDescription', 'default', 'enumDescriptions',
  'defaultSnippets', 'allowComments', 'allowTrailingCommas', 'definitions', 'type', 'enum', 'minimum',
  'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'minItems', 'maxItems', 'items',
  'properties', 'required', 'additionalProperties', 'oneOf', 'anyOf', 'allOf', 'not',
]);

export class MiniSchema {
  constructor(private readonly root: Record<string, unknown>) {}

  /** Errors as "pointer: keyword" strings; empty when the value is valid. */
  validate(value: unknown): string[] {
    const errors: string[] = [];
    this.check(this.root, value, '', errors);
    return errors;
  }

  /** Every keyword used anywhere in the schema that this checker does not understand. */
  unsupportedKeywords(): string[] {
    const found = new Set<string>();
    const walk = (s: unknown, inProperties: boolean): void => {
      if (typeof s !== 'object' || s === null) return;
      if (Array.isArray(s)) return s.forEach((x) => walk(x, false));
      for (const [k, v] of Object.entries(s)) {
        if (inProperties) {
          walk(v, false);
          continue;
        }
        if (!SUPPORTED.has(k)) found.add(k);
        if (k === 'defaultSnippets' || k === 'default' || k === 'enum' || k === 'enumDescriptions') continue;
        walk(v, k === 'properties' || k === 'definitions');
      }
    };
    walk(this.root, false);
    return [...found];
  }

  resolve(s: Schema): Schema {
    if (typeof s === 'boolean' || typeof s.$ref !== 'string') return s;
    // Any local JSON pointer (`#/definitions/x`, `#/properties/optimizer`).
    let target: Schema | undefined = this.root;
    for (const key of s.$ref.replace(/^#\//, '').split('/')) {
      target = typeof target === 'object' && target !== null ? ((target as Record<string, unknown>)[key] as Schema | undefined) : undefined;
    }
    if (target === undefined) throw new Error(`unresolved $ref ${s.$ref}`);
    const { $ref: _ignored, ...siblings } = s;
    void _ignored;
    return typeof target === 'boolean' ? target : { ...this.resolve(target) as Record<string, unknown>, ...siblings };
  }

  private check(schema: Schema, v: unknown, path: string, errors: string[]): void {
    const s = this.resolve(schema);
    if (s === true) return;
    if (s === false) {
      errors.push(`${path}: false`);
      return;
    }
    const fail = (kw: string): void => {
      errors.push(`${path}: ${kw}`);
    };
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeOk(t, v))) {
        fail('type');
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => e === v)) fail('enum');
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) fail('minimum');
      if (typeof s.maximum === 'number' && v > s.maximum) fail('maximum');
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) fail('exclusiveMinimum');
      if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) fail('exclusiveMaximum');
    }
    if (typeof v === 'string' && typeof s.minLength === 'number' && v.length < s.minLength) fail('minLength');
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) fail('minItems');
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) fail('maxItems');
      if (Array.isArray(s.items)) {
        const tuple = s.items as Schema[];
        for (let i = 0; i < Math.min(tuple.length, v.length); i++) this.check(tuple[i], v[i], `${path}/${i}`, errors);
      } else if (s.items !== undefined) {
        v.forEach((x, i) => this.check(s.items as Schema, x, `${path}/${i}`, errors));
      }
    }
    if (isObj(v)) {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required as string[] | undefined) ?? []) if (!(r in v)) fail(`required ${r}`);
      for (const [k, x] of Object.entries(v)) {
        if (k in props) this.check(props[k], x, `${path}/${k}`, errors);
        else if (s.additionalProperties === false) errors.push(`${path}/${k}: additionalProperties`);
        else if (typeof s.additionalProperties === 'object') this.check(s.additionalProperties as Schema, x, `${path}/${k}`, errors);
      }
    }
    const passes = (sub: Schema) => {
      const e: string[] = [];
      this.check(sub, v, path, e);
      return e.length === 0;
    };
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) this.check(sub, v, path, errors);
    if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some(passes)) fail('anyOf');
    if (Array.isArray(s.oneOf) && (s.oneOf as Schema[]).filter(passes).length !== 1) fail('oneOf');
    if (s.not !== undefined && passes(s.not as Schema)) fail('not');
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      throw new Error(`unknown type ${t}`);
  }
}
