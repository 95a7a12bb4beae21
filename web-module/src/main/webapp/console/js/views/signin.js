// Sign-in with a bearer token. On a development server (the launcher's embedded key, a page on
// the same machine) the server offers its development token, and one click signs in with it.

import { Api, ApiError } from '../api.js';
import { h } from '../dom.js';

export function signIn(root, done) {
  const field = h('textarea', { id: 'token', rows: 4, placeholder: 'eyJhbGciOi…', autocomplete: 'off', spellcheck: 'false' });
  const message = h('p', { class: 'form-message', role: 'status' });
  const offer = h('div', { class: 'offer', hidden: true });

  async function use(token) {
    message.textContent = 'Checking the token…';
    try {
      // any route of the user group tells whether the server accepts the token
      await new Api(token.trim()).get('/usage');
      done(token.trim());
    } catch (error) {
      message.textContent = error instanceof ApiError && error.status === 401
        ? 'The server does not accept this token.'
        : error.status === 403 ? 'This token lacks the user group.' : `Sign-in failed: ${error.message}`;
    }
  }

  const form = h('form', {
    class: 'card signin',
    onsubmit: (event) => {
      event.preventDefault();
      if (field.value.trim()) {
        use(field.value);
      }
    },
  },
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'Paste a bearer token (a JWT from your identity provider). The console calls the public API with it, '
    + 'as any client would, and keeps it in this tab only.'),
  offer,
  h('label', { for: 'token' }, 'Bearer token'),
  field,
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'sign-in' }, 'Sign in')),
  message);
  root.append(form);

  let live = true;
  fetch('dev-token', { headers: { Accept: 'application/json' } })
    .then((response) => (response.status === 200 ? response.json() : null))
    .then((body) => {
      if (!live || !body || !body.token) {
        return;
      }
      offer.hidden = false;
      offer.append(
        h('p', {}, 'This server runs on its development key and offers its development token to pages on this machine.'),
        h('button', { type: 'button', id: 'use-dev-token', onclick: () => use(body.token) }, 'Sign in with the development token'),
      );
    })
    .catch(() => {});
  return () => {
    live = false;
  };
}
