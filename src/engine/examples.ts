/**
 * Built-in examples: the files `examples/<id>.optim.json` shipped with the extension. They are
 * ordinary experiment files (users open and edit copies), so the title and description are read
 * from each file's `name` and `description` fields rather than kept in a second list.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseJsonc } from './spec/parse';
import { readDescription } from './spec/validate';

export interface ExampleInfo {
  id: string;
  title: string;
  description: string;
  path: string;
  /** The JSONC file text. */
  text: string;
}

const PACKAGE_NAME = 'optimizer-debugger';
const SUFFIX = '.optim.json';

let cachedRoot: string | undefined;

/**
 * The folder of this package's package.json, found by walking up from this module: the same code
 * runs from `src/engine` (tsx, tests) and from the `dist/` bundles (extension, worker, CLI).
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
        if (typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === PACKAGE_NAME) {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // An unreadable package.json on the way up is not ours: keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package folder above ${__dirname}`);
    dir = parent;
  }
}

export function examplesDir(): string {
  return join(packageRoot(), 'examples');
}

/** Every example, `default` first, then by id. */
export function listExamples(): ExampleInfo[] {
  const dir = examplesDir();
  if (!existsSync(dir)) return [];
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => basename(f, SUFFIX))
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
  return ids.map((id) => load(dir, id));
}

export function findExample(id: string): ExampleInfo | undefined {
  // Ids are file names: refuse anything that could step outside the folder.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) return undefined;
  const dir = examplesDir();
  if (!existsSync(join(dir, id + SUFFIX))) return undefined;
  return load(dir, id);
}

function load(dir: string, id: string): ExampleInfo {
  const path = join(dir, id + SUFFIX);
  const text = readFileSync(path, 'utf8');
  const { value } = parseJsonc(text);
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return {
    id,
    title: typeof name === 'string' ? name : id,
    description: readDescription(value) ?? '',
    path,
    text,
  };
}
