/**
 * Type guards for messages crossing a trust boundary: the webview may be compromised or stale
 * (an older bundle after an update), and the worker's messages are structurally cloned data.
 * Nothing is acted on before it passes one of these.
 */
import type { EngineEvent, WebviewToHost } from '../shared/protocol';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const logLevels = new Set(['info', 'warn', 'error']);

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'stop':
    case 'rerun':
      return true;
    case 'log':
      return typeof v.level === 'string' && logLevels.has(v.level) && typeof v.message === 'string';
    default:
      return false;
  }
}

export function isEngineEvent(v: unknown): v is EngineEvent {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'started':
      return isRecord(v.info) && typeof v.info.runId === 'string';
    case 'metrics':
      return (
        typeof v.runId === 'string' &&
        isRecord(v.batch) &&
        Array.isArray(v.batch.steps) &&
        Array.isArray(v.batch.epochs) &&
        Array.isArray(v.batch.histograms)
      );
    case 'diagnostics':
      return typeof v.runId === 'string' && Array.isArray(v.diagnostics);
    case 'log':
      return typeof v.runId === 'string' && typeof v.level === 'string' && logLevels.has(v.level) && typeof v.message === 'string';
    case 'finished':
      return typeof v.runId === 'string' && isRecord(v.summary) && typeof v.summary.reason === 'string';
    case 'failed':
      return typeof v.runId === 'string' && typeof v.message === 'string' && (v.path === undefined || typeof v.path === 'string');
    default:
      return false;
  }
}
