import { describe, expect, it } from 'vitest';

import { defaultSeriesName, goQuote, renderLegendFormat, seriesName } from './legend';

describe('legendFormat', () => {
  const labels = { __name__: 'http_requests_total', job: 'api', instance: 'a:9090' };

  it('renders {{label}} with and without spaces', () => {
    expect(renderLegendFormat('{{job}} - {{ instance }}', labels)).toBe('api - a:9090');
    expect(renderLegendFormat('{{__name__}}', labels)).toBe('http_requests_total');
  });

  it('missing labels render empty', () => {
    expect(renderLegendFormat('{{job}}/{{missing}}', labels)).toBe('api/');
  });

  it('text without placeholders is kept', () => {
    expect(renderLegendFormat('p99', labels)).toBe('p99');
  });
});

describe('default series name', () => {
  it('puts __name__ first and sorts the other labels', () => {
    expect(defaultSeriesName({ c: 'd', __name__: 'up', a: 'b' })).toBe('up{a="b", c="d"}');
  });

  it('no __name__ → braces only', () => {
    expect(defaultSeriesName({ job: 'x' })).toBe('{job="x"}');
  });

  it('only __name__ → the metric name; no labels → {}', () => {
    expect(defaultSeriesName({ __name__: 'up' })).toBe('up');
    expect(defaultSeriesName({})).toBe('{}');
  });

  it('quotes values like Go %q', () => {
    expect(goQuote('a"b\\c\n')).toBe('"a\\"b\\\\c\\n"');
    expect(defaultSeriesName({ path: '/x"y' })).toBe('{path="/x\\"y"}');
  });

  it('sorts bytewise on the formatted strings', () => {
    expect(defaultSeriesName({ a_b: '1', a: '2', B: '3' })).toBe('{B="3", a="2", a_b="1"}');
  });

  it('seriesName falls back to the default and replaces {} with the expression', () => {
    expect(seriesName({ __name__: 'up', job: 'x' }, '', 'up')).toBe('up{job="x"}');
    expect(seriesName({ __name__: 'up', job: 'x' }, '__auto', 'up')).toBe('up{job="x"}');
    expect(seriesName({}, '', 'sum(rate(x[5m]))')).toBe('sum(rate(x[5m]))');
    expect(seriesName({ job: 'x' }, '{{job}}', 'e')).toBe('x');
  });
});
