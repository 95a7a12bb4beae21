// The Prometheus text format (what GET /metrics answers) into samples, and the few sums the
// operator view needs.

/** @returns {{name: string, labels: Object<string, string>, value: number}[]} */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) {
      continue;
    }
    const sample = parseLine(line);
    if (sample) {
      samples.push(sample);
    }
  }
  return samples;
}

function parseLine(line) {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  let name;
  const labels = {};
  let rest;
  if (brace >= 0 && (space < 0 || brace < space)) {
    name = line.slice(0, brace);
    let i = brace + 1;
    while (i < line.length && line[i] !== '}') {
      const equals = line.indexOf('=', i);
      if (equals < 0 || line[equals + 1] !== '"') {
        return null;
      }
      const label = line.slice(i, equals).trim();
      let value = '';
      let j = equals + 2;
      for (; j < line.length && line[j] !== '"'; j += 1) {
        if (line[j] === '\\' && j + 1 < line.length) {
          j += 1;
          value += line[j] === 'n' ? '\n' : line[j];
        } else {
          value += line[j];
        }
      }
      labels[label] = value;
      i = j + 1;
      if (line[i] === ',') {
        i += 1;
      }
    }
    rest = line.slice(i + 1).trim();
  } else {
    name = line.slice(0, space);
    rest = line.slice(space + 1).trim();
  }
  const value = Number(rest.split(/\s+/)[0]);
  return Number.isNaN(value) && !/NaN/.test(rest) ? null : { name, labels, value };
}

/** The sum of the samples of a name whose labels include the given ones. */
export function sum(samples, name, labels = {}) {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + (Number.isFinite(s.value) ? s.value : 0), 0);
}

/** The distinct values of one label among the samples of a name. */
export function labelValues(samples, name, label) {
  return [...new Set(samples.filter((s) => s.name === name && s.labels[label] !== undefined).map((s) => s.labels[label]))].sort();
}
