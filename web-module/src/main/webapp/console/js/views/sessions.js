// The caller's sessions (GET /sessions): search by title, cursor paging, a new session.

import { badge, fill, h, shortId, time } from '../dom.js';
import { pageLink, pager as pagerLinks, paging } from '../paging.js';

const PAGE = 20;

export function sessionsView(root, context, query) {
  const search = query.get('q') || '';
  const cursor = paging(query);
  const list = h('div', { class: 'list', id: 'sessions' }, h('p', { class: 'muted' }, 'Loading…'));
  const pager = h('div', { class: 'pager' });

  const searchField = h('input', { type: 'search', id: 'session-search', placeholder: 'Search titles', value: search });
  const title = h('input', { type: 'text', id: 'new-title', placeholder: 'Title (optional)' });
  const model = h('input', { type: 'text', id: 'new-model', placeholder: 'Model', value: 'echo' });

  root.append(
    h('section', { class: 'head' },
      h('h1', {}, 'Sessions'),
      h('form', {
        class: 'inline',
        onsubmit: (event) => {
          event.preventDefault();
          context.go(pageLink('#/sessions', { q: searchField.value.trim() }, '', []));
        },
      }, searchField, h('button', { type: 'submit' }, 'Search'))),
    h('form', {
      class: 'card inline new-session',
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const created = await context.api.post('/session', {
            ...(title.value.trim() ? { title: title.value.trim() } : {}),
            model: model.value.trim() || 'echo',
          });
          context.go(`#/sessions/${created.id}`);
        } catch (error) {
          context.say(`Could not create the session: ${error.message}`);
        }
      },
    }, h('strong', {}, 'New session'), title, model, h('button', { type: 'submit', id: 'new-session' }, 'Create')),
    list,
    pager,
  );

  let live = true;
  const params = new URLSearchParams({ limit: PAGE });
  if (search) {
    params.set('q', search);
  }
  if (cursor.after) {
    params.set('after', cursor.after);
  }
  context.api.get(`/sessions?${params}`).then((page) => {
    if (!live) {
      return;
    }
    fill(list, page.items.length === 0
      ? h('p', { class: 'muted empty' }, search ? `No session's title contains "${search}".` : 'No sessions yet.')
      : h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Title', 'Session', 'Status', 'Model', 'Prompts', 'Queue', 'Created'].map((c) => h('th', {}, c)))),
        h('tbody', {}, page.items.map((session) => h('tr', { class: 'row', dataset: { sessionId: session.id } },
          h('td', {}, h('a', { href: `#/sessions/${session.id}` }, session.title || '(untitled)')),
          h('td', { class: 'mono' }, shortId(session.id)),
          h('td', {}, badge(session.status)),
          h('td', {}, session.model),
          h('td', {}, session.prompt_count),
          h('td', {}, session.queue_length),
          h('td', {}, time(session.created_at)))))));
    fill(pager, pagerLinks('#/sessions', { q: search }, cursor, page.next_cursor));
  }).catch((error) => live && context.say(`Could not list the sessions: ${error.message}`));

  return () => {
    live = false;
  };
}
