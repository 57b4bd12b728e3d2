/** Accessible tabs (roving focus with arrow keys). The selected tab is saved UI state. */
import type { TabId } from '../vscode';
import { h, setText } from './dom';

export class Tabs {
  readonly list: HTMLElement;
  private readonly buttons = new Map<TabId, HTMLButtonElement>();
  private readonly panels = new Map<TabId, HTMLElement>();

  constructor(tabs: { id: TabId; label: string; panel: HTMLElement }[], selected: TabId, private readonly onSelect: (id: TabId) => void) {
    this.list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Panel views' });
    for (const t of tabs) {
      const btn = h('button', { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}` }, t.label);
      btn.addEventListener('click', () => this.onSelect(t.id));
      btn.addEventListener('keydown', (e) => this.onKey(e, t.id));
      t.panel.id = `panel-${t.id}`;
      t.panel.setAttribute('role', 'tabpanel');
      t.panel.setAttribute('aria-labelledby', btn.id);
      this.buttons.set(t.id, btn);
      this.panels.set(t.id, t.panel);
      this.list.append(btn);
    }
    this.show(selected);
  }

  /** Shows `id` (or the first visible tab if `id` is hidden); returns the tab actually shown. */
  show(id: TabId): TabId {
    const target = this.buttons.get(id)?.hidden === false ? id : this.visible()[0];
    for (const [tid, btn] of this.buttons) {
      const on = tid === target;
      btn.setAttribute('aria-selected', String(on));
      btn.tabIndex = on ? 0 : -1;
      const panel = this.panels.get(tid);
      if (panel) panel.hidden = !on;
    }
    return target;
  }

  setVisible(id: TabId, visible: boolean): void {
    const btn = this.buttons.get(id);
    if (btn) btn.hidden = !visible;
  }

  setLabel(id: TabId, label: string): void {
    const btn = this.buttons.get(id);
    if (btn) setText(btn, label);
  }

  private visible(): TabId[] {
    return [...this.buttons].filter(([, b]) => !b.hidden).map(([id]) => id);
  }

  private onKey(e: KeyboardEvent, id: TabId): void {
    const ids = this.visible();
    const i = ids.indexOf(id);
    let next: TabId | undefined;
    if (e.key === 'ArrowRight') next = ids[(i + 1) % ids.length];
    else if (e.key === 'ArrowLeft') next = ids[(i - 1 + ids.length) % ids.length];
    else if (e.key === 'Home') next = ids[0];
    else if (e.key === 'End') next = ids[ids.length - 1];
    if (!next) return;
    e.preventDefault();
    this.onSelect(next);
    this.buttons.get(next)?.focus();
  }
}
