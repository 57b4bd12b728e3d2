// Loads the built extension bundle in a fresh Node process against a stand-in `vscode` module
// (every API a callable, constructible no-op) and times require() and activate(): what the
// extension itself costs at activation, without VS Code's own work. Also lists whether any
// TensorFlow.js module was loaded (it must not be: tfjs loads only in the training worker).
// Usage: node bench/activationProbe.cjs <repo root> <scratch dir>; prints one JSON line.
const Module = require('module');
const path = require('path');
function fake(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(t, p) {
      if (p === 'then') return undefined;
      if (p === Symbol.iterator) return function* () {};
      if (p === Symbol.toPrimitive) return () => 0;
      if (p === 'length') return 0;
      if (p === 'dispose') return () => {};
      if (p === 'fsPath' || p === 'path') return process.argv[3];
      if (p === 'get') return (k, d) => d;
      return fake(`${name}.${String(p)}`);
    },
    set() { return true; },
    apply() { return fake(`${name}()`); },
    construct() { return fake(`new ${name}`); },
  });
}
const names = new Set([...require('fs').readFileSync(path.join(process.argv[2], 'dist/extension.js'), 'utf8').matchAll(/\bvscode\d*\.(\w+)/g)].map((m) => m[1]));
const vscode = {};
for (const n of names) vscode[n] = fake(`vscode.${n}`);
const origLoad = Module._load;
Module._load = function (req, parent, isMain) {
  if (req === 'vscode') return vscode;
  return origLoad.apply(this, arguments);
};
const root = process.argv[2];
const t0 = performance.now();
const ext = require(path.join(root, 'dist/extension.js'));
const t1 = performance.now();
const mem = new Map();
const state = { get: (k, d) => mem.get(k) ?? d, update: async (k, v) => void mem.set(k, v), keys: () => [...mem.keys()], setKeysForSync() {} };
const ctx = {
  subscriptions: [], extensionUri: fake('uri'), extensionPath: root, globalState: state, workspaceState: state,
  globalStorageUri: fake('gs'), storageUri: fake('s'), logUri: fake('l'), extensionMode: 1, asAbsolutePath: (p) => path.join(root, p),
  environmentVariableCollection: fake('env'), secrets: fake('secrets'),
};
let err;
const t2 = performance.now();
try { const r = ext.activate(ctx); if (r && typeof r.then === "function") r.catch(() => {}); } catch (e) { err = e; console.error(e.stack.split("\n").slice(0,6).join("\n")); }
const t3 = performance.now();
const tf = Object.keys(require.cache).filter((k) => k.includes('@tensorflow'));
console.log(JSON.stringify({ requireMs: +(t1 - t0).toFixed(1), activateMs: +(t3 - t2).toFixed(1), error: err ? String(err).slice(0, 200) : null, tfjsModulesLoaded: tf.length }));
