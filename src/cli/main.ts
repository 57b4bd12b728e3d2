/**
 * `optimizer-debugger`: the headless face of the engine. `main(argv, io)` does all the work and
 * returns the exit code, so tests drive it in-process; the few lines at the bottom bind it to the
 * real process (stdout/stderr, Ctrl-C, exit code) when this file is the entry point.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listExamples, packageRoot } from '../engine/examples';
import { Command, USAGE, UsageError, parseArgs } from './args';
import type { CliIO } from './io';
import { landscapeCommand } from './landscapeCommand';
import { runCommand } from './runCommand';

export type { CliIO } from './io';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    let cmd: Command;
    try {
      cmd = parseArgs(argv);
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr(`optimizer-debugger: ${err.message}\n\n${USAGE}\n`);
        return 2;
      }
      throw err;
    }
    switch (cmd.kind) {
      case 'help':
        io.stdout(`optimizer-debugger: run neural-network optimization experiments and see what goes wrong.\n\n${USAGE}\n`);
        return 0;
      case 'version':
        io.stdout(`${version()}\n`);
        return 0;
      case 'examples':
        return examples(cmd.json, io);
      case 'run':
        return await runCommand(cmd, io);
      case 'landscape':
        return await landscapeCommand(cmd, io);
      case 'lr-find':
        return await runCommand({ target: cmd.target, json: cmd.json, backend: cmd.backend, blas: cmd.blas, quiet: cmd.quiet }, io, {
          minLr: cmd.minLr,
          maxLr: cmd.maxLr,
          steps: cmd.steps,
        });
    }
  } catch (err) {
    // Never a stack trace: one line, exit 1 (this is our bug or an environment fault).
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    io.stderr(`optimizer-debugger: internal error: ${message}\n`);
    return 1;
  }
}

function examples(json: boolean, io: CliIO): number {
  const list = listExamples();
  if (json) {
    io.stdout(`${JSON.stringify(list.map(({ id, title, description, path }) => ({ id, title, description, path })))}\n`);
    return 0;
  }
  const width = Math.max(...list.map((e) => e.id.length), 2);
  io.stdout(`${'ID'.padEnd(width)}  TITLE\n`);
  for (const e of list) io.stdout(`${e.id.padEnd(width)}  ${e.title}\n`);
  io.stdout(`\nRun one with: optimizer-debugger run <id>\n`);
  return 0;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Binds `main` to the real process. */
async function entry(): Promise<void> {
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    // A second Ctrl-C means "now": the first one's clean stop may be stuck in a long step.
    if (interrupts > 1) process.exit(130);
  };
  process.on('SIGINT', onSigint);
  const write = (stream: NodeJS.WriteStream) => (s: string) => void stream.write(s);
  const code = await main(process.argv.slice(2), {
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
    cwd: process.cwd(),
    now: () => performance.now(),
    interrupted: () => interrupts > 0,
  });
  process.off('SIGINT', onSigint);
  // Let stdout drain (pipes) before exiting; tfjs may keep handles open, so exit explicitly.
  process.stdout.write('', () => process.exit(code));
}

if (require.main === module) void entry();
