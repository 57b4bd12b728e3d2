/** Saves what the panel exports (a CSV of the series, a PNG of a chart) where the user chooses. */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { WebviewToHost } from '../shared/protocol';

type ExportMsg = Extract<WebviewToHost, { type: 'export' }>;

/** The bytes to write: PNGs come as `data:image/png;base64,…` URLs. Undefined if malformed. */
export function exportBytes(m: Pick<ExportMsg, 'format' | 'data'>): Buffer | undefined {
  if (m.format === 'csv') return Buffer.from(m.data, 'utf8');
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(m.data);
  return match ? Buffer.from(match[1], 'base64') : undefined;
}

/** A file name without folders or characters file systems reject. */
export function safeFileName(name: string, ext: string): string {
  const base = name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '-').replace(/^\.+/, '').slice(0, 120) || 'export';
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base}.${ext}`;
}

export async function saveExport(m: ExportMsg, log: vscode.LogOutputChannel): Promise<vscode.Uri | undefined> {
  const bytes = exportBytes(m);
  if (!bytes) {
    log.warn(`Ignored a malformed ${m.format} export from the panel.`);
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = safeFileName(m.fileName, m.format);
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: m.format === 'csv' ? { CSV: ['csv'] } : { 'PNG image': ['png'] },
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  if (target.scheme === 'file') await fs.writeFile(target.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(target, bytes);
  log.info(`Exported ${m.format.toUpperCase()} to ${target.fsPath || target.toString()}`);
  return target;
}
