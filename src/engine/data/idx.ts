/**
 * IDX files (the MNIST format): big-endian header, magic 0x00000803 for unsigned-byte images
 * [n, rows, cols] and 0x00000801 for unsigned-byte labels [n]. `.gz` files (or any file starting
 * with the gzip signature) are inflated first. Pixels are scaled to [0, 1].
 *
 * Errors name the file and the byte offset at fault (wrong magic, truncated body, a header that
 * declares no data). Files, and gzip contents once inflated, over `MAX_IDX_BYTES` are refused:
 * a "zip bomb" or a wrong file must not exhaust the worker's memory.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { SpecError } from '../errors';
import { formatBytes } from './csv';
import type { RawData } from './dataset';

/** Largest IDX file (or inflated .gz content) loaded: 1 GiB, about 20× MNIST's training images. */
export const MAX_IDX_BYTES = 1024 * 1024 * 1024;

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

export interface IdxOptions {
  imagesFile: string;
  labelsFile: string;
  limit?: number;
}

export function loadIdx(opts: IdxOptions, maxBytes = MAX_IDX_BYTES): RawData {
  const images = readMaybeGz(opts.imagesFile, '/data/idx/images', maxBytes);
  const labels = readMaybeGz(opts.labelsFile, '/data/idx/labels', maxBytes);
  const img = parseImages(images, opts.imagesFile);
  const lab = parseLabels(labels, opts.labelsFile);
  if (lab.n !== img.n) {
    throw new SpecError(
      '/data/idx/labels',
      `${opts.labelsFile}: ${lab.n} labels but ${opts.imagesFile} has ${img.n} images`,
    );
  }
  const n = opts.limit !== undefined && opts.limit > 0 ? Math.min(img.n, Math.floor(opts.limit)) : img.n;
  const f = img.rows * img.cols;
  const x = new Float32Array(n * f);
  for (let i = 0; i < n * f; i++) x[i] = img.pixels[i] / 255;
  const y = new Float32Array(n);
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    y[i] = lab.labels[i];
    if (lab.labels[i] > maxLabel) maxLabel = lab.labels[i];
  }
  // Classes are 0..max so that class index = label value (MNIST digits stay digits).
  const classes = Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  const featureNames = Array.from({ length: f }, (_, i) => `px${Math.floor(i / img.cols)}_${i % img.cols}`);
  return { x, y, n, nFeatures: f, featureNames, classes };
}

function readMaybeGz(file: string, pointer: string, maxBytes: number): Buffer {
  let buf: Buffer;
  const tooBig = (size: number, what: string) =>
    new SpecError(pointer, `${file}: ${what} ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for IDX data`);
  try {
    const size = fs.statSync(file).size;
    if (size > maxBytes) throw tooBig(size, 'the file is');
    buf = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof SpecError) throw e;
    const code = (e as { code?: string }).code;
    const what = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new SpecError(pointer, `cannot read ${file}: ${what}`);
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return zlib.gunzipSync(buf, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig(maxBytes, 'inflated, it holds more than');
      throw new SpecError(pointer, `${file}: gzip data is corrupt (${(e as Error).message})`);
    }
  }
  return buf;
}

function hex(v: number): string {
  return '0x' + v.toString(16).padStart(8, '0');
}

function need(buf: Buffer, bytes: number, file: string, pointer: string, what: string): void {
  if (buf.length < bytes) {
    throw new SpecError(pointer, `${file}: truncated at byte offset ${buf.length} while reading ${what} (need ${bytes} bytes)`);
  }
}

export function parseImages(buf: Buffer, file: string): { n: number; rows: number; cols: number; pixels: Uint8Array } {
  const p = '/data/idx/images';
  need(buf, 4, file, p, 'the magic number');
  const magic = buf.readUInt32BE(0);
  if (magic !== IMAGES_MAGIC) {
    const hint = magic === LABELS_MAGIC ? ' (this is a labels file)' : '';
    throw new SpecError(p, `${file}: byte offset 0: magic number ${hex(magic)}, expected ${hex(IMAGES_MAGIC)} for unsigned-byte images${hint}`);
  }
  need(buf, 16, file, p, 'the header');
  const n = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (n === 0) throw new SpecError(p, `${file}: byte offset 4: the header declares 0 images`);
  if (rows === 0 || cols === 0) throw new SpecError(p, `${file}: byte offset 8: the header declares images of ${rows}×${cols} pixels`);
  need(buf, 16 + n * rows * cols, file, p, `${n} images of ${rows}×${cols} pixels starting at byte offset 16`);
  return { n, rows, cols, pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16, n * rows * cols) };
}

export function parseLabels(buf: Buffer, file: string): { n: number; labels: Uint8Array } {
  const p = '/data/idx/labels';
  need(buf, 4, file, p, 'the magic number');
  const magic = buf.readUInt32BE(0);
  if (magic !== LABELS_MAGIC) {
    const hint = magic === IMAGES_MAGIC ? ' (this is an images file)' : '';
    throw new SpecError(p, `${file}: byte offset 0: magic number ${hex(magic)}, expected ${hex(LABELS_MAGIC)} for unsigned-byte labels${hint}`);
  }
  need(buf, 8, file, p, 'the header');
  const n = buf.readUInt32BE(4);
  if (n === 0) throw new SpecError(p, `${file}: byte offset 4: the header declares 0 labels`);
  need(buf, 8 + n, file, p, `${n} labels starting at byte offset 8`);
  return { n, labels: new Uint8Array(buf.buffer, buf.byteOffset + 8, n) };
}
