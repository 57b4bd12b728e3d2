/**
 * The diagnosis monitor over a whole run's recorded batches, for `--breakdown`: timed warm (in the
 * bench's process, after a first replay compiled its code) and cold, in a fresh Node process as a
 * run's new worker starts it, where the detectors first run interpreted until V8 compiles them.
 * The difference is a once-per-run cost, reported apart from the per-step one.
 *
 *   node --import tsx bench/monitorReplay.ts FEED   # prints {"ms":…,"checks":…} for a feed file
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Experiment } from '../src/shared/experiment';
import type { MetricsBatch, RunInfo } from '../src/shared/protocol';
import { DiagnosisMonitor } from '../src/diagnose/monitor';
import { monitorPacing } from '../src/engine/run';

/** A run's batches as the engine's coalescer emitted them, each with the step time run by then. */
export interface MonitorFeed {
  exp: Experiment;
  info: RunInfo;
  paramCount: number;
  batches: { stepMs: number; batch: MetricsBatch }[];
}

export interface MonitorTiming {
  /** Time inside `ingest`, in ms. */
  ms: number;
  checks: number;
}

/** Feeds every batch to a new monitor paced as the engine paces it (src/engine/run.ts). */
export function replayMonitor(feed: MonitorFeed): MonitorTiming {
  let stepMs = 0;
  const monitor = new DiagnosisMonitor(feed.exp, feed.info, undefined, monitorPacing(feed.paramCount, () => stepMs));
  let ms = 0;
  for (const b of feed.batches) {
    stepMs = b.stepMs;
    const t = performance.now();
    monitor.ingest(b.batch);
    ms += performance.now() - t;
  }
  return { ms, checks: monitor.checks };
}

/**
 * The same replay in a fresh process (structured clone keeps NaN and undefined as the worker's
 * messages do); undefined, with the reason on stderr, when the child fails.
 */
export function coldReplay(feed: MonitorFeed): MonitorTiming | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'optdbg-monitor-'));
  try {
    const file = join(dir, 'feed.bin');
    writeFileSync(file, serialize(feed));
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, file], { encoding: 'utf8' });
    if (r.status !== 0) {
      process.stderr.write(`cold monitor replay failed: ${r.stderr || r.error?.message}\n`);
      return undefined;
    }
    return JSON.parse(r.stdout) as MonitorTiming;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const feed = deserialize(readFileSync(process.argv[2])) as MonitorFeed;
  process.stdout.write(JSON.stringify(replayMonitor(feed)));
}
