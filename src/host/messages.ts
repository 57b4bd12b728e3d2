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

/** Limits on what a webview may send: ids are short, a log line is not a novel. */
export const WEBVIEW_LIMITS = {
  idChars: 200,
  logChars: 50_000,
  /** Exported CSV text or PNG data URL. */
  exportChars: 64 * 1024 * 1024,
  fileNameChars: 200,
  fixIndexMax: 100,
} as const;

const shortString = (v: unknown, max: number = WEBVIEW_LIMITS.idChars): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * A suggested file name only (the save dialog picks the folder): no separators, no `..`, no
 * control characters, no drive letters, so a compromised panel cannot aim at another folder.
 */
export function isPlainFileName(v: unknown): v is string {
  return (
    shortString(v, WEBVIEW_LIMITS.fileNameChars) &&
    !/[\\/:*?"<>|\u0000-\u001f]/.test(v) &&
    v !== '.' &&
    v !== '..' &&
    v.trim() === v
  );
}

function isExport(v: Record<string, unknown>): boolean {
  if (!isPlainFileName(v.fileName) || typeof v.data !== 'string' || v.data.length > WEBVIEW_LIMITS.exportChars) return false;
  if (v.format === 'csv') return true;
  return v.format === 'png' && v.data.startsWith('data:image/png;base64,');
}

export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'stop':
    case 'rerun':
      return true;
    case 'log':
      return typeof v.level === 'string' && logLevels.has(v.level) && typeof v.message === 'string' && v.message.length <= WEBVIEW_LIMITS.logChars;
    case 'applyFix':
      return (
        shortString(v.runId) &&
        shortString(v.code) &&
        Number.isInteger(v.fix) &&
        (v.fix as number) >= 0 &&
        (v.fix as number) < WEBVIEW_LIMITS.fixIndexMax &&
        typeof v.rerun === 'boolean'
      );
    case 'export':
      return isExport(v);
    case 'showLandscape':
      return shortString(v.runId);
    case 'cancelLandscape':
      return true;
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
    case 'parameters':
      return typeof v.runId === 'string' && typeof v.step === 'number' && Array.isArray(v.shapes) && Array.isArray(v.initial) && Array.isArray(v.final);
    default:
      return false;
  }
}
