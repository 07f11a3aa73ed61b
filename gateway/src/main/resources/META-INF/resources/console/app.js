// The console's shell: signs the user in, shows the pages the user's roles allow, and routes by the URL's hash
// (#playground, #owner, #operator) so that every page has an address and the back button works.
import {h, clear, toast} from './dom.js';
import * as auth from './auth.js';
import * as playground from './playground.js';
import * as owner from './owner.js';
import * as operator from './operator.js';

const PAGES = [
  {id: 'playground', title: 'Playground', role: 'consumer', render: playground.render},
  {id: 'owner', title: 'Owner dashboard', role: 'owner', render: owner.render},
  {id: 'operator', title: 'Operations', role: 'operator', render: operator.render}
];

/** Gives every cell its column's name, which the phone layout shows in front of it (console.css). */
function labelTables(root) {
  root.querySelectorAll('table.data').forEach(t => {
    const names = [...t.querySelectorAll('thead th')].map(th => th.textContent);
    t.querySelectorAll('tbody tr').forEach(tr => [...tr.children].forEach((cell, i) => {
      if (names[i] && cell.getAttribute('data-label') !== names[i]) cell.setAttribute('data-label', names[i]);
    }));
  });
}

async function start() {
  const main = document.getElementById('main');
  new MutationObserver(() => labelTables(main)).observe(main, {childList: true, subtree: true});
  try {
    await auth.configure();
    await auth.completeSignIn();
  } catch (e) {
    toast(e.message, 'error');
  }
  const token = await auth.accessToken();
  if (!token) {
    signedOut(main);
    return;
  }
  const user = auth.user();
  const pages = PAGES.filter(p => user.roles.includes(p.role) || (p.id === 'owner' && user.roles.includes('operator')));
  const who = document.getElementById('who');
  clear(who).append(h('span', {id: 'signed-in-as'}, user.name, ' · ', user.organizations.join(', '), ' · ', user.roles.join(', ')),
    h('button', {type: 'button', id: 'sign-out', class: 'secondary', onclick: () => auth.signOut()}, 'Sign out'));
  const nav = clear(document.getElementById('nav'));
  pages.forEach(p => nav.append(h('li', {}, h('a', {href: '#' + p.id, id: 'nav-' + p.id}, p.title))));
  if (!pages.length) {
    clear(main).append(h('h1', {}, 'No console pages for you'),
      h('p', {}, 'Your account holds none of the roles consumer, owner or operator.'));
    return;
  }
  const show = async () => {
    operator.stop();
    const page = pages.find(p => '#' + p.id === location.hash) || pages[0];
    nav.querySelectorAll('a').forEach(a => a.toggleAttribute('aria-current', a.id === 'nav-' + page.id));
    document.title = page.title + ' · FlexServe console';
    clear(main).append(h('p', {}, 'Loading…'));
    main.dataset.page = page.id;
    try {
      await page.render(main, user);
      main.dataset.ready = page.id;
    } catch (e) {
      if (e.status === 401) { signedOut(main); return; }
      clear(main).append(h('h1', {}, page.title), h('p', {class: 'warning', role: 'alert'}, 'This page could not load: ' + e.message));
      main.dataset.ready = page.id;
    }
    main.focus();
  };
  window.addEventListener('hashchange', show);
  await show();
}

function signedOut(main) {
  clear(document.getElementById('nav'));
  clear(document.getElementById('who'));
  main.dataset.page = 'sign-in';
  main.dataset.ready = 'sign-in';
  clear(main).append(h('section', {class: 'sign-in', id: 'sign-in-page'},
    h('h1', {}, 'Sign in to FlexServe'),
    h('p', {}, 'Consumers try the model, owners see and control their experts, operators watch the platform. ',
      'The demo users and their passwords: ', h('code', {}, './flexserve users'), '.'),
    h('button', {type: 'button', id: 'sign-in', onclick: () => auth.signIn()}, 'Sign in with Keycloak')));
}

start();
