// Owner dashboard: the organization's experts (status, version, health), their policies, activate / deactivate /
// revoke with a confirmation, uploading a package with progress, usage charts and CSV export. An operator sees
// every organization's experts here too (the gateway scopes every list to the caller).
import {h, clear, toast, confirmDialog, fmt} from './dom.js';
import * as api from './api.js';
import {stackedColumns, legend} from './charts.js';

export async function render(main, user) {
  const list = h('div', {id: 'experts-list'}, h('p', {}, 'Loading experts…'));
  const usage = h('section', {id: 'usage', 'aria-labelledby': 'usage-title'});
  clear(main).append(h('h1', {}, 'Experts of ' + user.organizations.join(', ')),
    list, uploadSection(() => refresh()), usage);

  async function refresh() {
    const [experts, health] = await Promise.all([api.get('/v1/experts'),
      api.get('/v1/operations/experts').catch(() => ({data: []}))]);
    clear(list).append(expertsTable(experts.data, health.data, refresh));
  }
  await refresh();
  await usageSection(usage);
}

function short(hash) {
  return hash ? hash.slice(0, 12) : '–';
}

function healthOf(health, id) {
  const rows = health.filter(s => s.expert === id);
  if (!rows.length) return 'no service';
  return rows.map(s => s.status).join(', ');
}

function expertsTable(experts, health, refresh) {
  if (!experts.length) return h('p', {id: 'no-experts'}, 'Your organization has no experts.');
  return h('div', {class: 'table-wrap'}, h('table', {class: 'data', id: 'experts-table'},
    h('caption', {}, 'Experts, their status and who may use them'),
    h('thead', {}, h('tr', {}, ['Expert', 'Owner', 'Status', 'Version', 'Service', 'Policy', 'Actions'].map(c => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, experts.map(e => h('tr', {'data-expert': e.id},
      h('th', {scope: 'row'}, e.id),
      h('td', {}, e.owner),
      h('td', {class: 'status', 'data-status': e.status}, h('span', {class: 'badge ' + e.status}, e.status),
        e.reason ? h('small', {}, ' ', e.reason) : null),
      h('td', {}, h('code', {title: e.version}, short(e.version))),
      h('td', {class: 'health'}, healthOf(health, e.id)),
      h('td', {}, policySummary(e.policy)),
      h('td', {class: 'actions'}, h('div', {class: 'actions'}, actions(e, refresh))))))));
}

function policySummary(p) {
  const orgs = p && p.organizations && p.organizations.length ? p.organizations.join(', ') : 'nobody';
  const windows = p && p.windows && p.windows.length
    ? p.windows.map(w => (w.from || '…') + ' – ' + (w.until || '…')).join('; ') : 'any time';
  return h('span', {}, orgs === '*' ? 'everyone' : orgs, h('br', {}), h('small', {}, windows));
}

function actions(e, refresh) {
  if (e.status === 'revoked') return h('span', {class: 'muted'}, 'revoked (final)');
  const act = (action, label, text, danger) => h('button', {type: 'button', class: danger ? 'danger' : 'secondary',
    'data-action': action, 'aria-label': label + ' ' + e.id, onclick: async () => {
      if (!await confirmDialog(label + ' ' + e.id + '?', text, label)) return;
      try {
        await api.send('POST', '/v1/experts/' + encodeURIComponent(e.id) + '/' + action);
        toast(e.id + ': ' + action + ' done');
        await refresh();
      } catch (err) {
        toast(err.message, 'error');
      }
    }}, label);
  return [
    e.status === 'active'
      ? act('deactivate', 'Deactivate', 'No request will use it after this returns; you can activate it again.')
      : act('activate', 'Activate', 'Requests its policy allows will use it again.'),
    act('revoke', 'Revoke', 'Revocation is final: no request will ever use this expert again, running ones included.', true),
    h('button', {type: 'button', class: 'secondary', 'data-action': 'policy', 'aria-label': 'Edit the policy of ' + e.id,
      onclick: () => policyDialog(e, refresh)}, 'Policy')
  ];
}

function localInput(iso) {
  return iso ? iso.slice(0, 16) : '';
}

function policyDialog(e, refresh) {
  const p = e.policy || {organizations: [], windows: []};
  const orgs = h('input', {id: 'policy-orgs', type: 'text', value: (p.organizations || []).join(', '),
    'aria-describedby': 'policy-orgs-help'});
  const windows = h('ol', {id: 'policy-windows', class: 'windows'});
  const addWindow = (w) => {
    const li = h('li', {},
      h('label', {}, 'From (UTC) ', h('input', {type: 'datetime-local', name: 'from', value: localInput(w && w.from)})),
      h('label', {}, 'Until (UTC) ', h('input', {type: 'datetime-local', name: 'until', value: localInput(w && w.until)})),
      h('button', {type: 'button', class: 'secondary', onclick: () => li.remove()}, 'Remove window'));
    windows.append(li);
  };
  (p.windows || []).forEach(addWindow);
  const dialog = h('dialog', {class: 'confirm', 'aria-labelledby': 'policy-title'},
    h('form', {method: 'dialog', onsubmit: async ev => {
      ev.preventDefault();
      const policy = {
        organizations: orgs.value.split(',').map(s => s.trim()).filter(Boolean),
        windows: [...windows.querySelectorAll('li')].map(li => ({
          from: li.querySelector('[name=from]').value ? li.querySelector('[name=from]').value + ':00Z' : null,
          until: li.querySelector('[name=until]').value ? li.querySelector('[name=until]').value + ':00Z' : null
        }))
      };
      try {
        await api.send('PUT', '/v1/experts/' + encodeURIComponent(e.id) + '/policy', policy);
        dialog.close();
        toast('policy of ' + e.id + ' saved');
        await refresh();
      } catch (err) {
        toast(err.message, 'error');
      }
    }},
    h('h2', {id: 'policy-title'}, 'Policy of ' + e.id),
    h('div', {class: 'field'}, h('label', {for: 'policy-orgs'}, 'Organizations'), orgs,
      h('small', {id: 'policy-orgs-help'}, 'Comma-separated names; * is everyone; empty is nobody.')),
    h('fieldset', {}, h('legend', {}, 'Time windows (none: any time)'), windows,
      h('button', {type: 'button', class: 'secondary', onclick: () => addWindow(null)}, 'Add window')),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'secondary', onclick: () => dialog.close()}, 'Cancel'),
      h('button', {type: 'submit'}, 'Save policy'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  orgs.focus();
}

function uploadSection(refresh) {
  const file = h('input', {type: 'file', id: 'package-file', accept: '.zip,application/zip', required: true});
  const progress = h('progress', {id: 'upload-progress', max: 100, value: 0, 'aria-label': 'Upload progress'});
  const note = h('span', {id: 'upload-status', role: 'status'});
  return h('section', {'aria-labelledby': 'upload-title'}, h('h2', {id: 'upload-title'}, 'Contribute an expert'),
    h('form', {onsubmit: async ev => {
      ev.preventDefault();
      if (!file.files.length) return;
      note.textContent = 'uploading…';
      try {
        const accepted = await api.upload('/v1/experts', file.files[0], (loaded, total) => {
          progress.value = Math.round(100 * loaded / total);
        });
        note.textContent = 'accepted: ' + accepted.id + ' (' + accepted.status + ')';
        await refresh();
      } catch (err) {
        note.textContent = 'refused: ' + err.message;
      }
    }},
    h('div', {class: 'field'}, h('label', {for: 'package-file'}, 'Signed package (.zip from flexserve owner package)'), file),
    h('div', {class: 'actions'}, h('button', {type: 'submit'}, 'Upload'), progress, note)));
}

async function usageSection(section) {
  const groupBy = h('select', {id: 'usage-bucket'}, h('option', {value: 'hour'}, 'per hour'), h('option', {value: 'day'}, 'per day'));
  const measure = h('select', {id: 'usage-measure'}, h('option', {value: 'tokens'}, 'tokens'),
    h('option', {value: 'weight_tokens'}, 'weight × tokens'));
  const chart = h('div', {id: 'usage-chart'});
  const table = h('div', {id: 'usage-by-organization'});
  const download = h('button', {type: 'button', id: 'usage-csv', class: 'secondary', onclick: async () => {
    try {
      const blob = await api.csv('/v1/usage?group_by=expert,organization,' + groupBy.value);
      const a = h('a', {href: URL.createObjectURL(blob), download: 'flexserve-usage-' + groupBy.value + '.csv'});
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      toast(err.message, 'error');
    }
  }}, 'Export CSV');
  clear(section).append(h('h2', {id: 'usage-title'}, 'Usage by consumer organization'),
    h('div', {class: 'controls'}, h('label', {for: 'usage-bucket'}, 'Buckets '), groupBy,
      h('label', {for: 'usage-measure'}, ' Measure '), measure, download),
    chart, table);
  async function draw() {
    try {
      const [series, totals] = await Promise.all([
        api.get('/v1/usage?group_by=organization,' + groupBy.value),
        api.get('/v1/usage?group_by=expert,organization')]);
      const buckets = [...new Set(series.data.map(r => r[groupBy.value]))].sort();
      const orgs = [...new Set(series.data.map(r => r.organization))].sort();
      const m = measure.value;
      const label = (b) => groupBy.value === 'hour' ? b.slice(5, 13).replace('T', ' ') + 'h' : b.slice(0, 10);
      clear(chart).append(
        series.data.length ? stackedColumns(buckets.map(label), orgs.map(o => ({name: o,
          values: buckets.map(b => series.data.filter(r => r[groupBy.value] === b && r.organization === o).reduce((s, r) => s + r[m], 0))})),
          {label: (m === 'tokens' ? 'Tokens' : 'Weight × tokens') + ' ' + groupBy.options[groupBy.selectedIndex].text + ' by organization'})
          : h('p', {class: 'muted'}, 'No use recorded yet.'),
        legend(orgs));
      clear(table).append(h('div', {class: 'table-wrap'}, h('table', {class: 'data', id: 'usage-table'},
        h('caption', {}, 'Use of your experts by organization'),
        h('thead', {}, h('tr', {}, ['Expert', 'Organization', 'Requests', 'Tokens', 'Prompt tokens', 'Weight × tokens'].map(c => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, totals.data.map(r => h('tr', {'data-expert': r.expert, 'data-organization': r.organization},
          h('th', {scope: 'row'}, r.expert), h('td', {}, r.organization), h('td', {}, r.requests), h('td', {}, r.tokens),
          h('td', {}, r.prompt_tokens), h('td', {}, fmt(r.weight_tokens))))))));
    } catch (err) {
      clear(chart).append(h('p', {class: 'warning'}, 'Usage is not available: ' + err.message));
    }
  }
  groupBy.addEventListener('change', draw);
  measure.addEventListener('change', draw);
  await draw();
}
