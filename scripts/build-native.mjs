// Builds the optional native BLAS kernels (native/optdbg_native.c) with node-gyp; the root
// package's "install" script, so `npm ci` runs it. It must never fail the install: without a
// compiler, Python, node headers or a BLAS, training simply runs on tfjs, so every failure is one
// line saying why and exit code 0. OPTIMIZER_DEBUGGER_SKIP_NATIVE=1 skips it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const addon = join(nativeDir, 'build', 'Release', 'optdbg_native.node');
const TAG = 'optimizer-debugger:';

function notBuilt(why) {
  console.log(`${TAG} native BLAS kernels not built (${why}); training uses tfjs only`);
  process.exit(0);
}

/** npm's own node-gyp, which needs no download: npm tells its scripts where it is, or we look next to npm. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(resolve(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a dependency: the candidates above are npm's
  }
  return candidates.find((c) => c.endsWith('.js') && existsSync(c));
}

/**
 * Node's own headers when they are installed with it (Debian's nodejs, the official tarballs), so
 * node-gyp does not try to download them; an explicit npm_config_nodedir wins (node-gyp reads it).
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

/** The line of node-gyp's output that says what went wrong (its own summary line says only "gyp failed"). */
function reasonOf(output) {
  // node-gyp found no headers and failed to download them (offline): its own message blames the network.
  if (/network connectivity/.test(output)) {
    return "Node's headers are not installed and could not be downloaded; set npm_config_nodedir to a Node with include/node/node_api.h";
  }
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = (re) => lines.find((l) => re.test(l));
  const line =
    first(/^[^g].*\b(fatal )?error:/) ?? // the compiler's first error
    first(/^\w*(Error|Exception): /) ?? // a Python exception ending gyp's traceback
    first(/: not found$|No such file or directory/) ?? // the shell: no make, no cc
    first(/^gyp ERR! stack Error: (?!`gyp` failed|`make` failed)/) ??
    first(/^gyp ERR! (find Python|configure error)/) ??
    lines.filter((l) => l.startsWith('gyp ERR!')).slice(-1)[0] ??
    'node-gyp failed';
  const text = line.replace(/^gyp ERR! (stack )?/, '');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

if (process.env.OPTIMIZER_DEBUGGER_SKIP_NATIVE === '1') notBuilt('OPTIMIZER_DEBUGGER_SKIP_NATIVE=1');
if (process.platform === 'win32') notBuilt('not supported on Windows yet');
const nodeGyp = findNodeGyp();
if (!nodeGyp) notBuilt('node-gyp not found next to npm');

const build = spawnSync(process.execPath, [nodeGyp, 'rebuild', ...nodedirArgs()], {
  cwd: nativeDir,
  encoding: 'utf8',
  timeout: 300_000,
  env: { ...process.env, npm_config_loglevel: 'warn' },
});
if (build.error) notBuilt(`node-gyp: ${build.error.message}`);
if (build.status !== 0 || !existsSync(addon)) notBuilt(reasonOf(`${build.stdout}\n${build.stderr}`));

// Load it in a child (a broken build must not take the installer down) and find the BLAS the
// engine will use, so the user knows now whether the kernels will be used.
const probe = spawnSync(
  process.execPath,
  ['-e', 'const m = require(process.argv[1]); const p = process.env.OPTIMIZER_DEBUGGER_BLAS; process.stdout.write(m.open(p && p !== "off" ? p : undefined));', addon],
  { encoding: 'utf8', timeout: 60_000 },
);
if (probe.status === 0) {
  console.log(`${TAG} native BLAS kernels built: dense layers can use ${probe.stdout.trim()}`);
} else {
  const why = (probe.stderr.split('\n').find((l) => /Error:/.test(l)) ?? probe.error?.message ?? `exit ${probe.status}`).replace(/^.*?Error: /, '');
  console.log(`${TAG} native BLAS kernels built, but not usable here (${why}); training uses tfjs only until a BLAS is installed (e.g. apt install libopenblas0)`);
}
