// Operator view: every expert, every service's health, and live figures from the router's metrics (requests
// running, time to first token, inter-token latency, per-expert call rates from the difference of two samples).
import {h, clear, fmt, seconds} from './dom.js';
import * as api from './api.js';
import {lines, legend} from './charts.js';

let timer = null;
const history = [];

export function stop() {
  clearInterval(timer);
  timer = null;
}

export async function render(main) {
  stop();
  history.length = 0;
  const experts = h('div', {id: 'all-experts'});
  const services = h('div', {id: 'services'});
  const figures = h('div', {id: 'figures'});
  const rates = h('div', {id: 'rates'});
  clear(main).append(h('h1', {}, 'Operations'),
    h('section', {'aria-labelledby': 'figures-title'}, h('h2', {id: 'figures-title'}, 'Live figures'), figures, rates),
    h('section', {'aria-labelledby': 'services-title'}, h('h2', {id: 'services-title'}, 'Services'), services),
    h('section', {'aria-labelledby': 'all-experts-title'}, h('h2', {id: 'all-experts-title'}, 'Every expert'), experts));

  const [list, health] = await Promise.all([api.get('/v1/experts'), api.get('/v1/operations/health')]);
  services.append(h('div', {class: 'table-wrap'}, h('table', {class: 'data', id: 'services-table'},
    h('caption', {}, 'Health as of ' + health.checked_at),
    h('thead', {}, h('tr', {}, ['Service', 'Address', 'Health', 'Detail'].map(c => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, health.data.map(s => h('tr', {'data-service': s.name},
      h('th', {scope: 'row'}, s.name), h('td', {}, s.url || ''),
      h('td', {}, h('span', {class: 'badge ' + (s.status === 'up' ? 'active' : 'revoked')}, s.status)),
      h('td', {}, s.expert ? 'expert ' + s.expert + ' of ' + s.owner + ' (' + s.expert_status + ')' : '', s.detail ? ' ' + s.detail : '')))))));
  experts.append(h('div', {class: 'table-wrap'}, h('table', {class: 'data', id: 'all-experts-table'},
    h('caption', {}, list.data.length + ' experts'),
    h('thead', {}, h('tr', {}, ['Expert', 'Owner', 'Status', 'Version', 'Policy'].map(c => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, list.data.map(e => h('tr', {'data-expert': e.id},
      h('th', {scope: 'row'}, e.id), h('td', {}, e.owner),
      h('td', {}, h('span', {class: 'badge ' + e.status}, e.status)),
      h('td', {}, h('code', {}, (e.version || '').slice(0, 12))),
      h('td', {}, (e.policy.organizations || []).join(', ').replace(/^\*$/, 'everyone') || 'nobody')))))));

  async function sample() {
    const m = await api.get('/v1/operations/metrics');
    history.push({t: Date.parse(m.sampled_at), m});
    if (history.length > 60) history.shift();
    clear(figures).append(m.router_reachable ? h('dl', {class: 'figures'},
      figure('Requests running', fmt(m.requests_running, 0), 'requests-running'),
      figure('Requests queued', fmt(m.requests_queued, 0), 'requests-queued'),
      figure('Time to first token (mean / p50 / p99)', latency(m.time_to_first_token), 'ttft'),
      figure('Inter-token latency (mean / p50 / p99)', latency(m.inter_token_latency), 'itl'))
      : h('p', {class: 'warning'}, 'The router does not answer: no live figures.'));
    const ids = [...new Set(history.flatMap(x => x.m.experts.map(e => e.expert)))].sort();
    const series = ids.map(id => ({name: id, points: []}));
    for (let i = 1; i < history.length; i++) {
      const a = history[i - 1], b = history[i];
      const dt = (b.t - a.t) / 1000;
      if (dt <= 0) continue;
      ids.forEach((id, k) => {
        const before = a.m.experts.find(e => e.expert === id), after = b.m.experts.find(e => e.expert === id);
        if (before && after) series[k].points.push([b.t, Math.max(0, after.calls - before.calls) / dt]);
      });
    }
    const last = history[history.length - 1].m.experts;
    clear(rates).append(h('h3', {}, 'Expert calls per second'), lines(series, {label: 'Forward calls per second per expert'}),
      legend(ids), h('div', {class: 'table-wrap'}, h('table', {class: 'data', id: 'calls-table'},
        h('caption', {}, 'Forward calls since the router started'),
        h('thead', {}, h('tr', {}, ['Expert', 'Owner', 'Calls', 'Failures', 'Calls/s (last sample)'].map(c => h('th', {scope: 'col'}, c)))),
        h('tbody', {}, last.map(e => {
          const s = series[ids.indexOf(e.expert)].points;
          return h('tr', {'data-expert': e.expert}, h('th', {scope: 'row'}, e.expert), h('td', {}, e.owner),
            h('td', {}, e.calls), h('td', {}, e.failures), h('td', {}, s.length ? fmt(s[s.length - 1][1], 1) : '–'));
        })))));
  }
  await sample();
  timer = setInterval(() => sample().catch(() => stop()), 5000);
}

function figure(label, value, id) {
  return h('div', {class: 'figure', id}, h('dt', {}, label), h('dd', {}, value));
}

function latency(l) {
  if (!l || !l.count) return 'no requests yet';
  return [l.mean, l.p50, l.p99].map(seconds).join(' / ');
}
