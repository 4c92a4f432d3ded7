// The operator's two charts, drawn as inline SVG with no library: users with MFA on per day, and
// MFA turned on and removed per day. Each has a text alternative (aria-label) that says what it
// shows.

import { el, setText } from './dom.js';
import { NUMBER, longDay, num, parseDay, shortDay } from './format.js';

let drawnWidth = 0; // width the charts were drawn for

/**
 * Users with MFA on per day: the daily report's snapshots when there are any; else (a fresh or
 * local stack) counted back from today's number with each day's net change. A removal already
 * counts every helpdesk reset of a user whose MFA was on (AdoptionChange: `removals` is "MFA
 * turned off by this write, by the user or an operator"; `adminResets` also counts resets of
 * setups in progress), so the net change is enablements minus removals: subtracting the resets
 * as well would count them twice.
 */
export function adoptionSeries(data) {
  const snapshots = (Array.isArray(data.adoption) ? data.adoption : [])
    .filter((s) => s && parseDay(s.date))
    .map((s) => ({ date: s.date, value: num(s.enabledUsers) }))
    .sort((a, b) => parseDay(a.date).n - parseDay(b.date).n);
  if (snapshots.length) return { source: 'report', points: snapshots };
  const daily = dailyOf(data);
  const points = new Array(daily.length);
  let value = num(data.enabledUsers);
  for (let i = daily.length - 1; i >= 0; i -= 1) {
    points[i] = { date: daily[i].date, value: Math.max(0, value) };
    value -= num(daily[i].enablements) - num(daily[i].removals);
  }
  return { source: 'estimate', points };
}

export function dailyOf(data) {
  return (Array.isArray(data.daily) ? data.daily : [])
    .filter((d) => d && parseDay(d.date))
    .sort((a, b) => parseDay(a.date).n - parseDay(b.date).n);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgNode(name, attributes, parent) {
  const node = document.createElementNS(SVG_NS, name);
  Object.entries(attributes || {}).forEach(([key, value]) => node.setAttribute(key, String(value)));
  if (parent) parent.appendChild(node);
  return node;
}

function svgText(parent, x, y, text, attributes) {
  const node = svgNode('text', Object.assign({ x, y }, attributes || {}), parent);
  node.textContent = text;
  return node;
}

function svgTitle(parent, text) {
  svgNode('title', {}, parent).textContent = text;
}

/** 1, 2, 5, 10, 20, 50...: the smallest at or above `value` (at least 1). */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value);
  return Math.max(1, step * power);
}

const CHART_MARGIN = { top: 14, right: 14, bottom: 26, left: 40 };

/** A chart frame of the container's width: the drawing area, the day scale and the y grid. */
function chartFrame(container, width, height, domain, yMax) {
  container.textContent = '';
  const m = CHART_MARGIN;
  const plotWidth = width - m.left - m.right;
  const plotHeight = height - m.top - m.bottom;
  const svg = svgNode('svg', {
    xmlns: SVG_NS, viewBox: `0 0 ${width} ${height}`, width, height,
    class: 'chart-svg', 'aria-hidden': 'true', focusable: 'false',
  }, container);
  const days = Math.max(1, domain.end - domain.start + 1);
  const band = plotWidth / days;
  const x = (dayNumber) => m.left + (dayNumber - domain.start + 0.5) * band;
  const y = (value) => m.top + plotHeight - (value / yMax) * plotHeight;
  const ticks = [0, yMax / 2, yMax].filter((t) => Number.isInteger(t));
  ticks.forEach((tick) => {
    svgNode('line', { x1: m.left, x2: width - m.right, y1: y(tick), y2: y(tick), class: tick === 0 ? 'chart-axis' : 'chart-grid' }, svg);
    svgText(svg, m.left - 6, y(tick) + 4, NUMBER.format(tick), { 'text-anchor': 'end' });
  });
  // Day labels: first and last, and the middle when there is room.
  const labelled = [domain.startDay, domain.endDay];
  if (plotWidth >= 360 && days > 2) labelled.splice(1, 0, domain.middleDay);
  labelled.forEach((day, i) => {
    const anchor = i === 0 ? 'start' : i === labelled.length - 1 ? 'end' : 'middle';
    const px = anchor === 'start' ? m.left : anchor === 'end' ? width - m.right : x(parseDay(day).n);
    svgText(svg, px, height - 6, shortDay(day), { 'text-anchor': anchor });
  });
  return { svg, x, y, band, plotHeight, bottom: m.top + plotHeight };
}

function chartDomain(days) {
  const numbers = days.map((d) => parseDay(d).n);
  const start = Math.min(...numbers);
  const end = Math.max(...numbers);
  const byNumber = (n) => days[numbers.indexOf(n)];
  const middle = numbers.reduce((best, n) => (Math.abs(n - (start + end) / 2) < Math.abs(best - (start + end) / 2) ? n : best), start);
  return { start, end, startDay: byNumber(start), endDay: byNumber(end), middleDay: byNumber(middle) };
}

function chartWidth() {
  return Math.max(240, Math.floor(el.adoptionChart.clientWidth || 0) || 600);
}

export function renderCharts(data) {
  const width = chartWidth();
  drawnWidth = width;
  const daily = dailyOf(data);
  const series = adoptionSeries(data);
  const points = series.points;
  setText(el.adoptionChartSource, series.source === 'report'
    ? `From the daily adoption report (${points.length} ${points.length === 1 ? 'day' : 'days'}).`
    : 'Estimated from the changes per day, counted back from today’s number: the daily adoption report has no snapshot yet.');

  const allDays = [...new Set([...daily.map((d) => d.date), ...points.map((p) => p.date)])];
  if (!allDays.length) {
    el.adoptionChart.textContent = '';
    el.changesChart.textContent = '';
    el.adoptionChart.setAttribute('aria-label', 'Users with MFA on: no data yet');
    el.changesChart.setAttribute('aria-label', 'Changes per day: no data yet');
    return;
  }
  const domain = chartDomain(allDays);
  drawAdoption(points, domain, width, series.source);
  drawChanges(daily, domain, width);
}

function drawAdoption(points, domain, width, source) {
  const values = points.map((p) => p.value);
  const frame = chartFrame(el.adoptionChart, width, 170, domain, niceMax(Math.max(0, ...values)));
  const coords = points.map((p) => [frame.x(parseDay(p.date).n), frame.y(p.value)]);
  if (coords.length > 1) {
    const line = coords.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)} ${py.toFixed(1)}`).join(' ');
    svgNode('path', {
      d: `${line} L${coords[coords.length - 1][0].toFixed(1)} ${frame.bottom} L${coords[0][0].toFixed(1)} ${frame.bottom} Z`,
      class: 'chart-area',
    }, frame.svg);
    svgNode('path', { d: line, class: 'chart-line' }, frame.svg);
  }
  // A dot per day when there are few; else only today's. Each day's band carries its value on hover.
  points.forEach((p, i) => {
    const group = svgNode('g', {}, frame.svg);
    svgTitle(group, `${shortDay(p.date)}: ${NUMBER.format(p.value)} with MFA on`);
    svgNode('rect', { x: (coords[i][0] - frame.band / 2).toFixed(1), y: frame.bottom - frame.plotHeight, width: frame.band.toFixed(1), height: frame.plotHeight, class: 'chart-hit' }, group);
    const last = i === points.length - 1;
    if (last || points.length <= 12) {
      svgNode('circle', { cx: coords[i][0].toFixed(1), cy: coords[i][1].toFixed(1), r: last ? 4 : 3, class: 'chart-dot' }, group);
    }
  });
  if (points.length) {
    const last = coords[coords.length - 1];
    svgText(frame.svg, last[0] - 6, Math.max(12, last[1] - 8), NUMBER.format(values[values.length - 1]), { 'text-anchor': 'end', class: 'chart-value' });
  }
  const how = source === 'report' ? 'from the daily adoption report' : 'estimated from the changes per day';
  const summary = points.length
    ? `Users with MFA on per day, ${how}, ${longDay(points[0].date)} to ${longDay(points[points.length - 1].date)}: ` +
      `from ${NUMBER.format(values[0])} to ${NUMBER.format(values[values.length - 1])}, highest ${NUMBER.format(Math.max(...values))}.`
    : `Users with MFA on per day, ${how}: no data yet.`;
  el.adoptionChart.setAttribute('aria-label', summary);
}

function drawChanges(daily, domain, width) {
  const most = Math.max(0, ...daily.map((d) => Math.max(num(d.enablements), num(d.removals))));
  const frame = chartFrame(el.changesChart, width, 130, domain, niceMax(most));
  const barWidth = Math.max(1, Math.min(12, frame.band * 0.38));
  daily.forEach((d) => {
    const cx = frame.x(parseDay(d.date).n);
    const on = num(d.enablements);
    const off = num(d.removals);
    const group = svgNode('g', {}, frame.svg);
    svgTitle(group, `${shortDay(d.date)}: ${on} turned on, ${off} removed` +
      (num(d.adminResets) ? ` (${num(d.adminResets)} by the helpdesk)` : ''));
    svgNode('rect', { x: (cx - frame.band / 2).toFixed(1), y: frame.bottom - frame.plotHeight, width: frame.band.toFixed(1), height: frame.plotHeight, class: 'chart-hit' }, group);
    if (on) svgNode('rect', { x: (cx - barWidth - 0.5).toFixed(1), y: frame.y(on).toFixed(1), width: barWidth.toFixed(1), height: (frame.bottom - frame.y(on)).toFixed(1), class: 'chart-bar-on' }, group);
    if (off) svgNode('rect', { x: (cx + 0.5).toFixed(1), y: frame.y(off).toFixed(1), width: barWidth.toFixed(1), height: (frame.bottom - frame.y(off)).toFixed(1), class: 'chart-bar-off' }, group);
  });
  const totalOn = daily.reduce((sum, d) => sum + num(d.enablements), 0);
  const totalOff = daily.reduce((sum, d) => sum + num(d.removals), 0);
  const busiest = daily.reduce((best, d) => (!best || num(d.enablements) > num(best.enablements) ? d : best), null);
  let summary = daily.length
    ? `MFA turned on and removed per day, ${longDay(daily[0].date)} to ${longDay(daily[daily.length - 1].date)}: ` +
      `${NUMBER.format(totalOn)} turned on and ${NUMBER.format(totalOff)} removed in all`
    : 'Changes per day: no data yet';
  if (busiest && num(busiest.enablements) > 0) {
    summary += `; most turned on: ${NUMBER.format(num(busiest.enablements))} on ${longDay(busiest.date)}`;
  }
  el.changesChart.setAttribute('aria-label', `${summary}.`);
}

/** Empties both charts (signed out, or another user signed in). */
export function clearCharts() {
  drawnWidth = 0;
  setText(el.adoptionChartSource, '');
  el.adoptionChart.textContent = '';
  el.adoptionChart.setAttribute('aria-label', 'Adoption chart: no data yet');
  el.changesChart.textContent = '';
  el.changesChart.setAttribute('aria-label', 'Changes per day: no data yet');
}

/**
 * Redraws the charts for a new width (a phone turned, a window resized).
 * @param {() => object|null} shown the figures the charts show, or null when they are not shown
 */
export function redrawOnResize(shown) {
  let resizeFrame = 0;
  window.addEventListener('resize', () => {
    if (resizeFrame) cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      resizeFrame = 0;
      const data = shown();
      if (data && chartWidth() !== drawnWidth) renderCharts(data);
    });
  });
}
