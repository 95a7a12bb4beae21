// The console's shell: who is signed in, the navigation, and which view is shown (from the URL's
// fragment, so every view can be bookmarked and the browser's back button works).

import { Api, claims } from './api.js';
import { fill, h } from './dom.js';
import { signIn } from './views/signin.js';
import { sessionsView } from './views/sessions.js';
import { chatView } from './views/chat.js';
import { jobsView } from './views/jobs.js';
import { jobView } from './views/job.js';
import { operatorView } from './views/operator.js';

// Per tab and gone with it: the token is not shared with other tabs or kept after the browser closes.
const STORAGE_KEY = 'rafiki.console.token';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
let unmount = () => {};

const context = {
  api: null,
  /** Shows a message above the view (an error, or what just happened). */
  say(text, kind = 'error') {
    notice.hidden = !text;
    notice.dataset.kind = kind;
    fill(notice, text || '');
  },
  go(hash) {
    if (window.location.hash === hash) {
      route();
    } else {
      window.location.hash = hash;
    }
  },
};

function signedIn(token) {
  sessionStorage.setItem(STORAGE_KEY, token);
  context.api = new Api(token, () => signOut('The server refused the token (expired or revoked): sign in again.'));
  const who = claims(token);
  fill(document.getElementById('who-name'), who.subject,
    who.groups.length ? h('span', { class: 'muted' }, ` (${who.groups.join(', ')})`) : '');
  document.getElementById('who').hidden = false;
  document.getElementById('nav').hidden = false;
}

function signOut(message) {
  sessionStorage.removeItem(STORAGE_KEY);
  context.api = null;
  document.getElementById('who').hidden = true;
  document.getElementById('nav').hidden = true;
  route();
  context.say(message || '', 'info');
}

function route() {
  unmount();
  unmount = () => {};
  context.say('');
  view.replaceChildren();
  if (!context.api) {
    unmount = signIn(view, (token) => {
      signedIn(token);
      context.go(window.location.hash && window.location.hash !== '#/' ? window.location.hash : '#/sessions');
    }) || unmount;
    return;
  }
  const [, section = 'sessions', id] = window.location.hash.split('?')[0].split('/');
  const query = new URLSearchParams(window.location.hash.split('?')[1] || '');
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.section === section);
  }
  const views = {
    sessions: () => (id ? chatView(view, context, id) : sessionsView(view, context, query)),
    jobs: () => (id ? jobView(view, context, id) : jobsView(view, context, query)),
    operator: () => operatorView(view, context),
  };
  unmount = (views[section] || views.sessions)() || unmount;
}

document.getElementById('sign-out').addEventListener('click', () => signOut('Signed out.'));
window.addEventListener('hashchange', route);

const kept = sessionStorage.getItem(STORAGE_KEY);
if (kept) {
  signedIn(kept);
}
route();
