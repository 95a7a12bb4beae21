// <spark-chart>: a small live line chart in SVG, one line per series, with the latest values.
// Drawn with SVG presentation attributes and classes only, so it needs no inline style (the
// console's Content-Security-Policy allows none).

import { fill, h } from './dom.js';

const WIDTH = 300;
const HEIGHT = 80;
// a minute of history at the operator view's pace (a point every 2 s)
const POINTS = 30;

class SparkChart extends HTMLElement {
  constructor() {
    super();
    /** @type {Map<string, number[]>} */
    this.series = new Map();
  }

  connectedCallback() {
    if (this.svg) {
      return;
    }
    this.classList.add('card', 'chart');
    this.peak = h('span', { class: 'chart-peak muted' });
    this.heading = h('div', { class: 'chart-title' }, this.getAttribute('label') || '', this.peak);
    this.svg = h('svg:svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', class: 'chart-plot', role: 'img' });
    this.legend = h('div', { class: 'chart-legend' });
    this.append(this.heading, this.svg, this.legend);
  }

  /** Adds one point to each series given ({name: value}); a series left out gets no point. */
  push(values) {
    for (const [name, value] of Object.entries(values)) {
      const points = this.series.get(name) || [];
      points.push(Number.isFinite(value) ? value : 0);
      if (points.length > POINTS) {
        points.shift();
      }
      this.series.set(name, points);
    }
    this.draw();
  }

  draw() {
    if (!this.svg) {
      return;
    }
    const unit = this.getAttribute('unit') || '';
    const all = [...this.series.values()].flat();
    const highest = Math.max(...all, 0);
    const top = highest || 1;
    fill(this.peak, `max ${format(highest)}${unit}`);
    const lines = [];
    const legend = [];
    let index = 0;
    for (const [name, points] of this.series) {
      const step = WIDTH / (POINTS - 1);
      const offset = (POINTS - points.length) * step;
      const coordinates = points.map((v, i) => `${(offset + i * step).toFixed(1)},${(HEIGHT - 2 - (v / top) * (HEIGHT - 6)).toFixed(1)}`);
      const series = `series-${index % 6}`;
      lines.push(h('svg:polyline', { points: coordinates.join(' '), class: `line ${series}`, fill: 'none' }));
      const latest = points[points.length - 1];
      legend.push(h('span', { class: `key ${series}`, dataset: { series: name } },
        h('span', { class: 'swatch' }), `${name} `, h('strong', { class: 'latest' }, `${format(latest)}${unit}`)));
      index += 1;
    }
    fill(this.svg, h('svg:line', { x1: 0, y1: HEIGHT - 1, x2: WIDTH, y2: HEIGHT - 1, class: 'axis' }), lines);
    fill(this.legend, legend.length ? legend : h('span', { class: 'muted' }, 'no data yet'));
    this.dataset.points = String(Math.max(0, ...[...this.series.values()].map((p) => p.length)));
  }
}

function format(value) {
  if (value === undefined) {
    return '–';
  }
  if (value === 0 || Math.abs(value) >= 100) {
    return String(Math.round(value));
  }
  return Math.abs(value) >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

customElements.define('spark-chart', SparkChart);
