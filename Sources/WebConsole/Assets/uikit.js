// UIKit for the web chat: text objects (`mrkdwn` through a small safe subset), layout blocks with their buttons,
// and views (modals and contextual bars) as forms whose state goes back to the app on submit. Everything an app
// sends is written as text; no app string ever becomes HTML.

import { h } from './common.js';

/// UIKit `mrkdwn`, a safe subset: *bold*, _italic_, ~strike~ and `code` become elements, line breaks stay;
/// everything else is text.
export function mrkdwn(text) {
  const source = String(text);
  const parts = [];
  const pattern = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|`[^`\n]+`|\n)/g;
  let last = 0;
  for (const match of source.matchAll(pattern)) {
    if (match.index > last) parts.push(source.slice(last, match.index));
    if (match[0] === '\n') parts.push(h('br'));
    else parts.push(h({ '*': 'strong', _: 'em', '~': 's', '`': 'code' }[match[0][0]], {}, match[0].slice(1, -1)));
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return parts;
}

/// A UIKit text object (`plain_text` or `mrkdwn`).
export function textOf(object) {
  if (!object) return '';
  return object.type === 'mrkdwn' ? mrkdwn(object.text || '') : String(object.text || '');
}

/// A layout block; `onButton(block, button)` handles its buttons (messages and views both have them).
export function renderBlock(block, onButton) {
  switch (block.type) {
    case 'section': return h('div', { class: 'block-section' }, textOf(block.text), (block.fields || []).map((f) => h('div', {}, textOf(f))));
    case 'context': return h('div', { class: 'muted' }, (block.elements || []).map(textOf));
    case 'divider': return h('hr');
    case 'actions':
      return h('div', { class: 'block-actions' }, (block.elements || []).filter((e) => e.type === 'button').map((button) =>
        h('button', { type: 'button', onclick: () => onButton(block, button) }, textOf(button.text))));
    default: return '';
  }
}

/// An input block's field: text (one line or several) or a static select, with the app's initial value.
function inputField(element) {
  if (element.type === 'static_select') {
    return h('select', {}, (element.options || []).map((option) =>
      h('option', { value: option.value, selected: option.value === element.initialValue }, textOf(option.text))));
  }
  const field = element.multiline ? h('textarea', {}) : h('input', { placeholder: element.placeholder ? element.placeholder.text : '' });
  if (element.initialValue !== undefined) field.value = String(element.initialValue);
  return field;
}

/// A view as a form: its blocks, input fields with an error slot each (`data-error` = block id), a general error
/// slot (`_`), Close and (when the view has one) Submit. `onSubmit(state)` gets `{blockId: {actionId: value}}`.
export function viewForm(view, { id, onSubmit, onClose, onButton }) {
  const inputs = [];
  const body = (view.blocks || []).map((block) => {
    if (block.type !== 'input') return renderBlock(block, onButton);
    const element = block.element || {};
    const field = inputField(element);
    field.dataset.block = block.blockId;
    field.dataset.action = element.actionId;
    inputs.push(field);
    return h('label', { class: 'field' }, textOf(block.label), field, h('span', { class: 'error', 'data-error': block.blockId }));
  });
  const submit = (event) => {
    event.preventDefault();
    const state = {};
    for (const field of inputs) (state[field.dataset.block] = state[field.dataset.block] || {})[field.dataset.action] = field.value;
    onSubmit(state);
  };
  const form = h('form', { id, class: 'view', onsubmit: submit },
    h('h2', {}, textOf(view.title)), body, h('p', { class: 'error', 'data-error': '_' }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: onClose }, view.close ? textOf(view.close.text) : 'Close'),
      view.submit || inputs.length ? h('button', { class: 'primary', type: 'submit' }, view.submit ? textOf(view.submit.text) : 'Submit') : ''));
  return { form, firstInput: inputs[0] };
}

/// Writes the app's errors (`{blockId: message}`) into a view's error slots.
export function markErrors(root, errors) {
  for (const slot of root.querySelectorAll('[data-error]')) slot.textContent = errors[slot.dataset.error] || '';
}
