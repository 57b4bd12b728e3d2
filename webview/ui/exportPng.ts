/**
 * "PNG" buttons on chart sections: the section's charts drawn onto the theme background (canvases
 * are transparent), handed to the host as a data URL, which asks where to save it.
 */
import type { Theme } from '../theme';
import { h } from './dom';

export function chartPng(canvases: HTMLCanvasElement[], background: string): string | undefined {
  const shown = canvases.filter((c) => c.width > 0 && c.height > 0);
  if (shown.length === 0) return undefined;
  const gap = 8;
  const out = document.createElement('canvas');
  out.width = shown.reduce((w, c) => w + c.width, 0) + gap * (shown.length - 1);
  out.height = Math.max(...shown.map((c) => c.height));
  const ctx = out.getContext('2d');
  if (!ctx) return undefined;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  let x = 0;
  for (const c of shown) {
    ctx.drawImage(c, x, 0);
    x += c.width + gap;
  }
  return out.toDataURL('image/png');
}

/** Adds a PNG button to every `.chart-section` under `root` (once each). */
export function addPngButtons(root: HTMLElement, save: (title: string, dataUrl: string) => void, theme: () => Theme): void {
  for (const sec of root.querySelectorAll<HTMLElement>('.chart-section')) {
    const controls = sec.querySelector('.controls');
    if (!controls || controls.querySelector('.png-export')) continue;
    const title = sec.querySelector('h3')?.textContent ?? 'chart';
    const btn = h('button', { type: 'button', class: 'secondary small png-export', title: `Save "${title}" as a PNG image`, 'aria-label': `Export ${title} as PNG` }, 'PNG');
    btn.addEventListener('click', () => {
      const url = chartPng([...sec.querySelectorAll('canvas')], theme().background);
      if (url) save(title, url);
    });
    controls.append(btn);
  }
}
