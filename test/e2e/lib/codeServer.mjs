// Starts code-server in its own process group on a free loopback port, with throwaway
// user-data/extensions/XDG folders, and kills the whole group (server, extension hosts, file
// watchers) when asked. Everything it prints goes to a log file so a failure can show the tail.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { codeServerBin } from './tools.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ tmp: string, env?: Record<string, string> }} opts
 * @returns {Promise<{ port: number, base: string, logFile: string, stop: () => void, tail: (n?: number) => string }>}
 */
export async function startCodeServer({ tmp, env = {} }) {
  const port = await freePort();
  const dirs = {
    userData: join(tmp, 'user-data'),
    extensions: join(tmp, 'extensions'),
    xdgConfig: join(tmp, 'xdg-config'),
    xdgData: join(tmp, 'xdg-data'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const config = join(dirs.userData, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // Quiet workbench: no welcome page, no telemetry prompts, nothing restored from a previous session.
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'window.restoreWindows': 'none',
        'chat.disableAIFeatures': true,
      },
      null,
      2,
    ),
  );

  const logFile = join(tmp, 'code-server.log');
  const log = createWriteStream(logFile);
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--config', config,
  ];
  // detached => setsid: the server and everything it spawns share one process group we can kill.
  const child = spawn(codeServerBin, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: dirs.xdgConfig,
      XDG_DATA_HOME: dirs.xdgData,
      ...env,
    },
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  let stopped = false;
  const stop = () => {
    if (stopped || child.pid === undefined) return;
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // group already gone
    }
    // Some children (the file watcher) linger after SIGTERM; make sure the group is gone.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      try {
        process.kill(-child.pid, 0);
      } catch {
        return;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  const tail = (n = 40) => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  };

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}):\n${tail()}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer /healthz within 60 s:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, base, logFile, stop, tail, pid: child.pid };
}
