// A small element builder: h('button', {class: 'x', onclick: f}, 'text', child...). Attributes whose value is
// null/false are left out; `on…` functions become listeners. Children may be strings, nodes, arrays or null.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let toastTimer;
/** A short status message read out by screen readers (role=status). */
export function toast(message, kind) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = 'toast show' + (kind ? ' ' + kind : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.className = 'toast'; }, 6000);
}

/** A modal confirmation (the native <dialog>: focus is trapped and Escape cancels). Resolves true or false. */
export function confirmDialog(title, text, confirmLabel) {
  return new Promise(resolve => {
    const dialog = h('dialog', {class: 'confirm', 'aria-labelledby': 'confirm-title'},
      h('h2', {id: 'confirm-title'}, title),
      h('p', {}, text),
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'secondary', 'data-action': 'cancel', onclick: () => dialog.close('cancel')}, 'Cancel'),
        h('button', {type: 'button', class: 'danger', 'data-action': 'confirm', onclick: () => dialog.close('confirm')}, confirmLabel)));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('[data-action=cancel]').focus();
  });
}

export function fmt(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return Number(n).toLocaleString('en', {maximumFractionDigits: digits === undefined ? 2 : digits});
}

export function seconds(s) {
  if (s === null || s === undefined) return '–';
  return s < 1 ? fmt(s * 1000, 1) + ' ms' : fmt(s, 2) + ' s';
}
