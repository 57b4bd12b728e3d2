/**
 * The PyTorch reference: `bench/torch_ref.py` as one long-lived process, so its trials interleave
 * with the engine's. Absent torch, `start` says why and the benchmark prints a "skipped" line.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import type { Trial } from './engineTrial';
import { IMAGES, LABELS, mnistIdxDir, type Workload } from './workloads';

const PYTHON = '/usr/bin/python3';

export class TorchReference {
  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly version: string,
    readonly blas: string,
  ) {}

  /** The reference process, or the reason it cannot run. */
  static async start(): Promise<TorchReference | string> {
    const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.error) return `${PYTHON} not found`;
    if (probe.status !== 0) return `${PYTHON} has no torch (apt-get install python3-torch libopenblas0-pthread)`;
    const proc = spawn(PYTHON, [path.join(__dirname, 'torch_ref.py')], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
    });
    proc.stderr.resume();
    const lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) return 'torch reference process exited at start';
    const hello = JSON.parse(first.value) as { torch: string; blas: string };
    return new TorchReference(proc, lines, hello.torch, hello.blas);
  }

  async trial(w: Workload, budgetS: number, maxSteps: number): Promise<Trial> {
    // The engine's own IDX files for the MNIST shapes: both train on the same rows.
    const idx = w.sizes[0] === 784 ? { images: path.join(mnistIdxDir(), IMAGES), labels: path.join(mnistIdxDir(), LABELS) } : undefined;
    this.proc.stdin.write(JSON.stringify({ workload: w, budget: budgetS, maxSteps, idx }) + '\n');
    const r = await this.lines.next();
    if (r.done) throw new Error('torch reference process exited');
    return JSON.parse(r.value) as Trial;
  }

  stop(): void {
    this.proc.stdin.end();
  }
}
