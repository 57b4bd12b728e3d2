/** Labelled, keyboard-accessible form controls and the titled section every chart sits in. */
import { h, uid } from './dom';

export function section(title: string, controls: Node[], ...content: Node[]): HTMLElement {
  return h(
    'section',
    { class: 'card chart-section' },
    h('div', { class: 'section-head' }, h('h3', {}, title), h('div', { class: 'controls' }, ...controls)),
    ...content,
  );
}

/** `accessibleName` tells same-looking controls apart for screen readers (e.g. "Log scale" on two charts). */
export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void, accessibleName?: string): { root: HTMLLabelElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox' });
  if (accessibleName) input.setAttribute('aria-label', accessibleName);
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return { root: h('label', { class: 'control' }, input, label), input };
}

export function slider(
  label: string,
  value: number,
  range: { min: number; max: number; step: number },
  onInput: (v: number) => void,
): { root: HTMLElement; input: HTMLInputElement; set: (v: number) => void } {
  const id = uid('slider');
  const input = h('input', { type: 'range', id, min: String(range.min), max: String(range.max), step: String(range.step) });
  const out = h('output', { for: id });
  const set = (v: number): void => {
    input.value = String(v);
    out.textContent = v.toFixed(2);
  };
  set(value);
  input.addEventListener('input', () => {
    const v = Number(input.value);
    out.textContent = v.toFixed(2);
    onInput(v);
  });
  return { root: h('span', { class: 'control' }, h('label', { for: id }, label), input, out), input, set };
}

export function select(label: string, onChange: (value: string) => void): { root: HTMLElement; input: HTMLSelectElement } {
  const id = uid('select');
  const input = h('select', { id });
  input.addEventListener('change', () => onChange(input.value));
  return { root: h('span', { class: 'control' }, h('label', { for: id }, label), input), input };
}

/** Replaces a select's options only when they differ (keeps focus and selection stable). */
export function setOptions(sel: HTMLSelectElement, options: { value: string; label: string }[], selected: string): void {
  const same =
    sel.options.length === options.length &&
    options.every((o, i) => sel.options[i].value === o.value && sel.options[i].text === o.label);
  if (!same) {
    sel.replaceChildren(...options.map((o) => h('option', { value: o.value }, o.label)));
  }
  if (sel.value !== selected) sel.value = selected;
}
