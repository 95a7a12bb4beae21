// Cursor paging for the list views. The API's cursors only go forward, so the link of each page
// carries the cursors of the pages before it ("trail", "~" for the first page): "Previous" goes
// back along it.

import { h } from './dom.js';

export function paging(query) {
  return { after: query.get('after') || '', trail: (query.get('trail') || '').split(',').filter(Boolean) };
}

/** The link to a page of a list: its route ('#/jobs'), its filters ({status: …}), cursor and trail. */
export function pageLink(route, filters, after, trail) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value) {
      params.set(name, value);
    }
  }
  if (after) {
    params.set('after', after);
  }
  if (trail.length) {
    params.set('trail', trail.join(','));
  }
  const text = params.toString();
  return text ? `${route}?${text}` : route;
}

/** The "Previous" and "Next" links below a page. */
export function pager(route, filters, { after, trail }, nextCursor) {
  return [
    trail.length
      ? h('a', { class: 'button quiet', id: 'previous-page', href: pageLink(route, filters, trail[trail.length - 1].replace('~', ''), trail.slice(0, -1)) }, '← Previous')
      : '',
    nextCursor
      ? h('a', { class: 'button quiet', id: 'next-page', href: pageLink(route, filters, nextCursor, [...trail, after || '~']) }, 'Next →')
      : '',
  ];
}
