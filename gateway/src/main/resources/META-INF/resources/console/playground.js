// Playground: a prompt or a chat, streamed token by token; a toggle per expert the caller may use; sampling
// controls; the response's attribution as a bar per expert (weight, tokens), dropped experts marked.
import {h, clear, toast, fmt} from './dom.js';
import * as api from './api.js';
import {bars} from './charts.js';

let controller = null;
const transcript = [];

export async function render(main) {
  const models = await api.get('/v1/models');
  const model = models.data[0];
  const experts = model.experts || [];
  const expertBoxes = experts.map(e => h('label', {class: 'toggle'},
    h('input', {type: 'checkbox', name: 'expert', value: e.id, checked: true}),
    h('span', {}, e.id), h('small', {}, ' ', e.owner)));
  const output = h('pre', {id: 'output', class: 'output', 'aria-label': 'Generated text', tabindex: '0'});
  const chatLog = h('ol', {id: 'chat-log', class: 'chat-log', 'aria-label': 'Conversation'});
  const status = h('p', {id: 'generation-status', class: 'muted', role: 'status'}, 'Ready.');
  const attribution = h('section', {id: 'attribution', 'aria-labelledby': 'attribution-title'},
    h('h2', {id: 'attribution-title'}, 'Attribution'), h('p', {class: 'muted'}, 'Generate something to see which experts took part.'));
  const mode = h('select', {id: 'mode', name: 'mode'},
    h('option', {value: 'completion'}, 'Completion (prompt)'), h('option', {value: 'chat'}, 'Chat'));
  const number = (id, label, value, attrs) => h('div', {class: 'field'},
    h('label', {for: id}, label), h('input', {id, name: id, type: 'number', value, ...attrs}));
  const prompt = h('textarea', {id: 'prompt', name: 'prompt', rows: 4, required: true}, 'In the beginning');
  const stopButton = h('button', {type: 'button', id: 'stop', class: 'secondary', disabled: true,
    onclick: () => controller && controller.abort()}, 'Stop');

  const form = h('form', {id: 'playground-form', onsubmit: e => { e.preventDefault(); generate(); }},
    h('div', {class: 'field'}, h('label', {for: 'mode'}, 'Mode'), mode),
    h('div', {class: 'field'}, h('label', {for: 'prompt', id: 'prompt-label'}, 'Prompt'), prompt),
    h('fieldset', {id: 'experts'}, h('legend', {}, 'Experts of ' + model.id + ' (uncheck to exclude)'),
      expertBoxes.length ? expertBoxes : h('p', {class: 'muted'}, 'No expert is offered to your organization right now.')),
    h('fieldset', {class: 'sampling'}, h('legend', {}, 'Sampling'),
      number('max-tokens', 'Max tokens', 48, {min: 1, max: 1024}),
      number('temperature', 'Temperature', 0, {min: 0, max: 2, step: 0.1}),
      number('top-p', 'Top p', 1, {min: 0.01, max: 1, step: 0.01}),
      number('seed', 'Seed (empty: random)', '', {min: 0})),
    h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'generate'}, 'Generate'), stopButton,
      h('button', {type: 'button', class: 'secondary', id: 'clear-chat', onclick: () => { transcript.length = 0; clear(chatLog); }}, 'Clear chat')));

  mode.addEventListener('change', () => {
    document.getElementById('prompt-label').textContent = mode.value === 'chat' ? 'Your message' : 'Prompt';
    chatLog.hidden = mode.value !== 'chat';
  });
  chatLog.hidden = true;

  clear(main).append(h('h1', {}, 'Playground'),
    h('div', {class: 'columns'},
      h('section', {'aria-label': 'Request'}, form),
      h('section', {'aria-labelledby': 'response-title'}, h('h2', {id: 'response-title'}, 'Response'), chatLog, output, status, attribution)));

  async function generate() {
    const excluded = [...form.querySelectorAll('input[name=expert]')].filter(b => !b.checked).map(b => b.value);
    const body = {model: model.id, max_tokens: Number(form['max-tokens'].value),
      temperature: Number(form.temperature.value), top_p: Number(form['top-p'].value)};
    if (form.seed.value !== '') body.seed = Number(form.seed.value);
    if (excluded.length) body.experts = {exclude: excluded};
    let path, assistant = null;
    if (mode.value === 'chat') {
      transcript.push({role: 'user', content: prompt.value});
      chatLog.append(h('li', {class: 'user'}, h('strong', {}, 'You: '), prompt.value));
      assistant = h('span', {});
      chatLog.append(h('li', {class: 'assistant'}, h('strong', {}, 'Model: '), assistant));
      body.messages = transcript.slice();
      path = '/v1/chat/completions';
    } else {
      body.prompt = prompt.value;
      path = '/v1/completions';
    }
    const target = assistant || output;
    output.textContent = '';
    let text = '';
    let final = null;
    let chunks = 0;
    output.dataset.chunks = '0';
    controller = new AbortController();
    form.generate.disabled = true;
    stopButton.disabled = false;
    status.textContent = 'Generating…';
    status.dataset.state = 'running';
    try {
      await api.stream(path, body, chunk => {
        const c = chunk.choices && chunk.choices[0];
        if (!c) return;
        const piece = c.text !== undefined ? c.text : (c.delta && c.delta.content) || '';
        if (piece) {
          text += piece;
          target.textContent = text;
          output.dataset.chunks = String(++chunks);
        }
        if (c.finish_reason || chunk.attribution) final = chunk;
      }, controller.signal);
      if (assistant) transcript.push({role: 'assistant', content: text});
      status.textContent = 'Done' + (final && final.choices[0].finish_reason ? ' (' + final.choices[0].finish_reason + ')' : '') + '.';
      status.dataset.state = 'done';
      showAttribution(attribution, final, excluded);
    } catch (e) {
      status.textContent = e.name === 'AbortError' ? 'Stopped.' : 'Failed: ' + e.message;
      status.dataset.state = e.name === 'AbortError' ? 'stopped' : 'failed';
      if (e.name !== 'AbortError') toast(e.message, 'error');
    } finally {
      controller = null;
      form.generate.disabled = false;
      stopButton.disabled = true;
    }
  }
}

function showAttribution(section, final, excluded) {
  clear(section).append(h('h2', {id: 'attribution-title'}, 'Attribution'));
  const rows = (final && final.attribution) || [];
  const dropped = (final && final.dropped_experts) || [];
  const droppedIds = new Set(dropped.map(d => d.expert));
  if (!rows.length) {
    section.append(h('p', {class: 'muted'}, 'The response carried no attribution.'));
    return;
  }
  section.append(bars(rows.map(r => ({
    key: r.expert, label: r.expert, value: r.weight, marked: droppedIds.has(r.expert),
    note: `· ${r.tokens} tokens` + (droppedIds.has(r.expert) ? ' · dropped' : '')
  })), {label: 'Share of the gate weight per expert', max: 1}));
  section.append(h('table', {class: 'data', id: 'attribution-table'},
    h('caption', {}, 'Experts that took part in this response'),
    h('thead', {}, h('tr', {}, ['Expert', 'Owner', 'Weight', 'Tokens', 'Prompt tokens', 'Note'].map(c => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, rows.map(r => h('tr', {'data-expert': r.expert},
      h('th', {scope: 'row'}, r.expert), h('td', {}, r.owner), h('td', {}, fmt(r.weight, 3)), h('td', {}, r.tokens),
      h('td', {}, r.prompt_tokens), h('td', {}, droppedIds.has(r.expert) ? 'dropped' : ''))))));
  if (dropped.length) {
    section.append(h('p', {id: 'dropped', class: 'warning'}, 'Dropped during generation: ',
      dropped.map(d => `${d.expert} (layer ${d.layer}: ${d.reason})`).join('; ')));
  }
  if (excluded.length) {
    section.append(h('p', {id: 'excluded', class: 'muted'}, 'Excluded by you: ' + excluded.join(', ')));
  }
}
