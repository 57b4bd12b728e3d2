/**
 * A summary made up by the host when the worker could not give one: it was terminated after a
 * stop, it crashed, or the window was reloaded mid-run. Built from the data received so far.
 */
import type { RunEndReason, RunSnapshot, RunSummary } from '../shared/protocol';

export function summarizeFromData(
  snap: RunSnapshot,
  reason: RunEndReason,
  message: string | undefined,
  now: number,
): RunSummary {
  const steps = snap.metrics.steps;
  const epochs = snap.metrics.epochs;
  const lastStep = steps.length > 0 ? steps[steps.length - 1] : undefined;
  const lastEpoch = epochs.length > 0 ? epochs[epochs.length - 1] : undefined;
  const summary: RunSummary = {
    reason,
    steps: lastStep?.step ?? 0,
    final: {
      trainLoss: lastEpoch?.trainLoss ?? lastStep?.loss ?? null,
      valLoss: lastEpoch?.valLoss ?? null,
      accuracy: lastEpoch?.valAccuracy ?? lastEpoch?.trainAccuracy ?? null,
    },
    durationMs: Math.max(0, now - snap.info.startedAt),
  };
  if (lastStep?.point) summary.point = lastStep.point;
  if (message !== undefined) summary.message = message;
  return summary;
}
