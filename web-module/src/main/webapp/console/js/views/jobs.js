// The caller's jobs (GET /jobs, newest first): filter by status, cursor paging, submit a job.
// While any job on the page has not ended the page reads the list again every few seconds, so
// progress moves without a reload.

import { badge, excerpt, fill, h, shortId, time } from '../dom.js';
import { pageLink, pager as pagerLinks, paging } from '../paging.js';

const PAGE = 20;
const REFRESH_MS = 2000;
// every status of a job (its prompt's), in the server's order; ConsoleJobStatusesTest compares
const STATUSES = ['scheduled', 'queued', 'running', 'waiting_approval', 'completed', 'failed', 'cancelled'];
// not ended: it can be cancelled, and the page looks again until it has ended; a delayed job and
// one waiting for a person's approval too
export const ACTIVE = new Set(['scheduled', 'queued', 'running', 'waiting_approval']);

export function jobsView(root, context, query) {
  const status = query.get('status') || '';
  const cursor = paging(query);
  const list = h('div', { class: 'list', id: 'jobs' }, h('p', { class: 'muted' }, 'Loading…'));
  const pager = h('div', { class: 'pager' });
  const filter = h('select', { id: 'job-status', onchange: () => context.go(pageLink('#/jobs', { status: filter.value }, '', [])) },
    h('option', { value: '' }, 'every status'),
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)));
  const prompt = h('textarea', { id: 'job-prompt', rows: 2, placeholder: 'What the job should do' });
  const model = h('input', { type: 'text', id: 'job-model', placeholder: 'Model', value: 'echo' });

  root.append(
    h('section', { class: 'head' }, h('h1', {}, 'Jobs'), h('label', {}, 'Show ', filter)),
    h('form', {
      class: 'card inline new-job',
      onsubmit: async (event) => {
        event.preventDefault();
        if (!prompt.value.trim()) {
          return;
        }
        try {
          const job = await context.api.post('/submit', { prompt: prompt.value, model: model.value.trim() || 'echo' });
          context.go(`#/jobs/${job.id}`);
        } catch (error) {
          context.say(`Not submitted: ${error.message}`);
        }
      },
    }, h('strong', {}, 'New job'), prompt, model, h('button', { type: 'submit', id: 'submit-job' }, 'Submit')),
    list,
    pager,
  );

  let live = true;
  let timer = null;
  const params = new URLSearchParams({ limit: PAGE });
  if (status) {
    params.set('status', status);
  }
  if (cursor.after) {
    params.set('after', cursor.after);
  }

  async function load() {
    try {
      const page = await context.api.get(`/jobs?${params}`);
      if (!live) {
        return;
      }
      fill(list, page.items.length === 0
        ? h('p', { class: 'muted empty' }, status ? `No ${status} jobs.` : 'No jobs yet.')
        : h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, ['Job', 'Status', 'Progress', 'Prompt', 'Attempts', 'Artifacts', 'Created'].map((c) => h('th', {}, c)))),
          h('tbody', {}, page.items.map((job) => h('tr', { class: 'row', dataset: { jobId: job.id, status: job.status } },
            h('td', { class: 'mono' }, h('a', { href: `#/jobs/${job.id}` }, shortId(job.id))),
            h('td', {}, badge(job.status)),
            h('td', {}, ACTIVE.has(job.status) ? progress(job) : h('span', { class: 'muted' }, job.status === 'completed' ? 'done' : '—')),
            h('td', { class: 'excerpt' }, excerpt(job.prompt)),
            h('td', {}, `${job.attempts}/${job.max_attempts}`),
            h('td', {}, (job.artifacts || []).length),
            h('td', {}, time(job.created_at)))))));
      fill(pager, pagerLinks('#/jobs', { status }, cursor, page.next_cursor));
      if (page.items.some((job) => ACTIVE.has(job.status))) {
        timer = setTimeout(load, REFRESH_MS);
      }
    } catch (error) {
      if (live) {
        context.say(`Could not list the jobs: ${error.message}`);
      }
    }
  }
  load();

  return () => {
    live = false;
    clearTimeout(timer);
  };
}

/** The progress the agent reported, as a bar. */
export function progress(job) {
  if (job.status === 'scheduled') {
    return h('span', { class: 'muted' }, `runs ${time(job.run_at)}`);
  }
  const percent = job.progress && job.progress.percent;
  if (percent === null || percent === undefined) {
    return h('span', { class: 'muted' }, '—');
  }
  return h('span', { class: 'progress-cell' }, h('progress', { max: 100, value: percent }), ` ${percent} %`);
}
