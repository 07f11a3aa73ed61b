// Our own small SVG charts: horizontal bars (attribution), stacked columns (usage per hour or day by organization)
// and lines (live rates). Each chart is an <svg role="img"> with a label; the pages show the numbers as text too.
const NS = 'http://www.w3.org/2000/svg';
// Colours distinguishable with the common colour-vision deficiencies (Okabe–Ito), readable on white.
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#8C564B'];

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function frame(width, height, label) {
  const root = svg('svg', {viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart',
    preserveAspectRatio: 'xMinYMin meet'});
  root.append(svg('title', {}, label));
  return root;
}

/**
 * Horizontal bars, one per row: rows [{key, label, value, note, marked}] with value in [0, max]. `marked` rows
 * (e.g. dropped experts) are hatched.
 */
export function bars(rows, {label, max = 1, format = v => v.toFixed(2)} = {}) {
  const rowHeight = 28, labelWidth = 110, width = 480, barWidth = width - labelWidth - 130;
  const root = frame(width, Math.max(rowHeight, rows.length * rowHeight) + 4, label);
  root.append(svg('defs', {}, svg('pattern', {id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)'}, svg('rect', {width: 3, height: 6, fill: '#767676'}))));
  rows.forEach((r, i) => {
    const y = i * rowHeight + 2;
    const w = max > 0 ? Math.max(0, Math.min(1, r.value / max)) * barWidth : 0;
    const g = svg('g', {'data-key': r.key, class: 'bar' + (r.marked ? ' marked' : '')});
    g.append(svg('text', {x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'label'}, r.label));
    g.append(svg('rect', {x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 10, class: 'track'}));
    g.append(svg('rect', {x: labelWidth, y: y + 4, width: w, height: rowHeight - 10,
      fill: r.marked ? 'url(#hatch)' : PALETTE[i % PALETTE.length]}));
    g.append(svg('text', {x: labelWidth + barWidth + 8, y: y + 18, class: 'value'}, format(r.value) + (r.note ? ' ' + r.note : '')));
    root.append(g);
  });
  return root;
}

/** Columns per bucket, stacked by series: buckets [label], series [{name, values[]}] aligned with buckets. */
export function stackedColumns(buckets, series, {label, format = v => String(Math.round(v))} = {}) {
  const width = 640, height = 260, left = 56, bottom = 44, top = 10;
  const totals = buckets.map((_, i) => series.reduce((s, x) => s + (x.values[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const root = frame(width, height, label);
  const plotH = height - bottom - top;
  const slot = (width - left - 8) / Math.max(1, buckets.length);
  const colW = Math.max(4, Math.min(48, slot * 0.7));
  for (let t = 0; t <= 4; t++) {
    const v = max * t / 4, y = top + plotH - plotH * t / 4;
    root.append(svg('line', {x1: left, x2: width - 4, y1: y, y2: y, class: 'grid'}));
    root.append(svg('text', {x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis'}, format(v)));
  }
  buckets.forEach((b, i) => {
    let y = top + plotH;
    const x = left + i * slot + (slot - colW) / 2;
    series.forEach((s, k) => {
      const v = s.values[i] || 0;
      if (v <= 0) return;
      const hgt = plotH * v / max;
      y -= hgt;
      root.append(svg('rect', {x, y, width: colW, height: hgt, fill: PALETTE[k % PALETTE.length], 'data-series': s.name},
        svg('title', {}, `${s.name}, ${b}: ${format(v)}`)));
    });
    if (buckets.length <= 12 || i % Math.ceil(buckets.length / 12) === 0) {
      root.append(svg('text', {x: x + colW / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'axis'}, b));
    }
  });
  return root;
}

/** Lines over time: series [{name, points: [[t, v]]}] with t in ms. */
export function lines(series, {label, format = v => v.toFixed(1)} = {}) {
  const width = 640, height = 200, left = 56, bottom = 24, top = 10;
  const all = series.flatMap(s => s.points);
  const root = frame(width, height, label);
  if (all.length < 2) {
    root.append(svg('text', {x: left, y: height / 2, class: 'axis'}, 'collecting samples…'));
    return root;
  }
  const t0 = Math.min(...all.map(p => p[0])), t1 = Math.max(...all.map(p => p[0]));
  const max = Math.max(1e-9, ...all.map(p => p[1]));
  const plotH = height - bottom - top, plotW = width - left - 8;
  const x = t => left + (t1 === t0 ? 0 : (t - t0) / (t1 - t0)) * plotW;
  const y = v => top + plotH - plotH * v / max;
  for (let t = 0; t <= 2; t++) {
    const v = max * t / 2;
    root.append(svg('line', {x1: left, x2: width - 4, y1: y(v), y2: y(v), class: 'grid'}));
    root.append(svg('text', {x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis'}, format(v)));
  }
  series.forEach((s, k) => {
    if (s.points.length === 0) return;
    const d = s.points.map((p, i) => (i ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1)).join(' ');
    root.append(svg('path', {d, fill: 'none', stroke: PALETTE[k % PALETTE.length], 'stroke-width': 2, 'data-series': s.name}));
  });
  return root;
}

/** A legend for series names, as an HTML list. */
export function legend(names) {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  names.forEach((n, k) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = PALETTE[k % PALETTE.length];
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw, document.createTextNode(n));
    ul.append(li);
  });
  return ul;
}
