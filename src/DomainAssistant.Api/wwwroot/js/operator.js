// The operator dashboard: lists the experiments (GET /api/operator/experiments), shows one with the same figures as
// GET /api/operator/experiments/{id} (variants, difference, sample ratio check, guardrails, audit), draws each
// variant's up-rate over time with its interval band and the exposures (GET .../{id}/timeline; uPlot, vendored),
// and changes the experiment (PATCH for the share; POST .../pause|resume|promote|rollback). Refreshes while the tab
// is open.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { failure, getJson } from './api.js';

const $ = (selector) => document.querySelector(selector);
const keyForm = $('#key-form');
const keyInput = $('#key');
const errorBox = $('#error');
const list = $('#experiments');
const rows = $('#experiment-rows');
const detail = $('#detail');
const RefreshMilliseconds = 5000;
const Colours = { control: '#0b57d0', treatment: '#b3261e' };

let selected = null;
let chart = null;
let timer = null;

keyInput.value = sessionStorage.getItem('da-operator-key') || '';
keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('da-operator-key', keyInput.value.trim());
  refresh();
});
$('#percent-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setShare();
});
for (const button of document.querySelectorAll('[data-action]')) button.addEventListener('click', () => act(button.dataset.action));
if (keyInput.value) refresh();

function headers() {
  const key = keyInput.value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

function showError(message) {
  errorBox.textContent = message;
}

async function refresh() {
  clearTimeout(timer);
  showError('');
  try {
    const experiments = await getJson('/api/operator/experiments', headers());
    renderList(experiments);
    if (!selected && experiments.length) selected = experiments[0].id;
    if (selected) {
      const id = encodeURIComponent(selected);
      const [experiment, timeline] = await Promise.all([
        getJson(`/api/operator/experiments/${id}`, headers()),
        getJson(`/api/operator/experiments/${id}/timeline`, headers()),
      ]);
      renderDetail(experiment, timeline);
    }
  } catch (error) {
    showError(error.status === 401 || error.status === 403 ? `This key cannot see experiments: ${error.message}` : error.message);
    return;
  }
  timer = setTimeout(refresh, RefreshMilliseconds);
}

function renderList(experiments) {
  list.hidden = false;
  $('#no-experiments').hidden = experiments.length > 0;
  rows.replaceChildren(...experiments.map((experiment) => {
    const row = document.createElement('tr');
    const name = document.createElement('td');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = experiment.name;
    open.setAttribute('aria-pressed', String(experiment.id === selected));
    open.addEventListener('click', () => {
      selected = experiment.id;
      refresh().then(() => $('#detail-title').focus());
    });
    name.append(open);
    row.append(name, cell(experiment.domain), cell(statusText(experiment.status)), cell(treatmentShare(experiment), 'num'));
    return row;
  }));
}

function treatmentShare(experiment) {
  if (experiment.treatmentPercent !== undefined) return `${experiment.treatmentPercent}%`;
  const treatment = experiment.variants?.find((v) => v.name === 'treatment');
  return treatment ? `${treatment.percent}%` : '';
}

function renderDetail(experiment, timeline) {
  detail.hidden = false;
  $('#detail-title').textContent = `${experiment.name} (${experiment.domain ?? ''})`;
  $('#detail-status').textContent = `Status: ${statusText(experiment.status)}`;
  $('#variant-rows').replaceChildren(...experiment.variants.map((v) => {
    const row = document.createElement('tr');
    row.dataset.variant = v.name;
    // An arm without an adapter id serves the host's default (production) adapter.
    const sha = v.adapterSha256 ? ` (${v.adapterSha256.slice(0, 12)})` : '';
    const adapter = v.adapter ? `${v.adapter}${sha}` : `production default${sha}`;
    row.append(cell(v.name), cell(adapter, 'mono'), cell(`${v.percent}%`, 'num'), cell(count(v.exposures), 'num'),
      cell(count(v.users), 'num'), cell(count(v.ratingsUp), 'num'), cell(count(v.ratingsDown), 'num'),
      cell(v.upRate === null || v.upRate === undefined ? 'no ratings yet' : `${pct(v.upRate)} (${pct(v.upRateCiLow)} to ${pct(v.upRateCiHigh)})`, 'num'));
    return row;
  }));
  const d = experiment.difference;
  $('#difference').textContent = d
    ? `Treatment minus control: ${points(d.estimate)} (95% interval ${points(d.ciLow)} to ${points(d.ciHigh)}); decision: ${d.decision.replaceAll('_', ' ')}.`
    : 'Treatment minus control: not enough ratings yet.';
  $('#srm').textContent = experiment.srmPValue === null || experiment.srmPValue === undefined
    ? 'Sample ratio check: not enough exposures yet.'
    : `Sample ratio check: p = ${experiment.srmPValue.toPrecision(3)}${experiment.srmPValue < 0.001 ? ' — the split is not what was asked for (mismatch).' : ' (no mismatch).'}`;
  $('#guardrails').replaceChildren(...(experiment.guardrails || []).map((g) => {
    const item = document.createElement('li');
    item.textContent = typeof g === 'string' ? g : guardrailText(g);
    return item;
  }));
  $('#percent').value = experiment.variants.find((v) => v.name === 'treatment')?.percent ?? '';
  for (const button of document.querySelectorAll('[data-action]')) button.disabled = !allowed(experiment.status, button.dataset.action);
  $('#percent-form button').disabled = experiment.status !== 'running' && experiment.status !== 'paused';
  $('#audit-rows').replaceChildren(...(experiment.audit || []).map((entry) => {
    const row = document.createElement('tr');
    row.append(cell(new Date(entry.at).toLocaleString()), cell(entry.actor), cell(entry.action + (entry.reason ? `: ${entry.reason}` : '')),
      cell(settings(entry.before), 'mono'), cell(settings(entry.after), 'mono'));
    return row;
  }));
  drawChart(timeline);
}

function allowed(status, action) {
  switch (action) {
    case 'pause': return status === 'running';
    case 'resume': return status === 'paused';
    default: return status === 'running' || status === 'paused';
  }
}

function guardrailText(g) {
  const name = g.metric ?? g.name ?? 'guardrail';
  const state = g.breached ? 'BREACHED' : 'holding';
  return `${name}: ${state}${g.reason ? ` — ${g.reason}` : ''}`;
}

// One x axis (the union of the points' times); each variant's cumulative estimate holds until its next point.
function drawChart(timeline) {
  const container = $('#chart');
  const variants = [...new Set(timeline.map((p) => p.variant))];
  const times = [...new Set(timeline.map((p) => Date.parse(p.until) / 1000))].sort((a, b) => a - b);
  $('#chart-summary').textContent = times.length
    ? `${times.length} points from ${new Date(times[0] * 1000).toLocaleString()}; lines are each variant's up-rate, shaded bands its 95% interval, dashed lines its exposures (right axis).`
    : 'No ratings yet: the chart fills in as users rate answers.';
  const data = [times];
  const series = [{}];
  const bands = [];
  for (const variant of variants) {
    const points = timeline.filter((p) => p.variant === variant).map((p) => ({ ...p, t: Date.parse(p.until) / 1000 }));
    const column = (pick) => {
      let k = -1;
      return times.map((t) => {
        while (k + 1 < points.length && points[k + 1].t <= t) k++;
        return k < 0 ? null : pick(points[k]);
      });
    };
    const colour = Colours[variant] || '#4a5260';
    const base = data.length;
    data.push(column((p) => p.upRate), column((p) => p.upRateCiHigh), column((p) => p.upRateCiLow), column((p) => p.exposures));
    series.push(
      { label: `${variant} up-rate`, stroke: colour, width: 2, scale: 'rate', value: (u, v) => (v === null ? '-' : pct(v)) },
      { label: `${variant} 95% high`, stroke: colour, width: 0, scale: 'rate', points: { show: false } },
      { label: `${variant} 95% low`, stroke: colour, width: 0, scale: 'rate', points: { show: false } },
      { label: `${variant} exposures`, stroke: colour, width: 1, dash: [4, 4], scale: 'count' },
    );
    bands.push({ series: [base + 1, base + 2], fill: `${colour}26` });
  }
  const options = {
    width: Math.min(container.clientWidth || 720, 900),
    height: 300,
    series,
    bands,
    scales: { x: { time: true }, rate: { range: [0, 1] }, count: {} },
    axes: [{}, { scale: 'rate', values: (u, ticks) => ticks.map(pct) }, { scale: 'count', side: 1, grid: { show: false } }],
  };
  if (chart) chart.destroy();
  chart = new uPlot(options, data, container);
}

async function setShare() {
  const value = Number($('#percent').value);
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    $('#percent').setAttribute('aria-invalid', 'true');
    showError('The share is a whole number from 0 to 100.');
    return;
  }
  $('#percent').removeAttribute('aria-invalid');
  await send('PATCH', `/api/operator/experiments/${encodeURIComponent(selected)}`, { treatmentPercent: value });
}

async function act(action) {
  await send('POST', `/api/operator/experiments/${encodeURIComponent(selected)}/${action}`);
}

async function send(method, url, body) {
  showError('');
  const response = await fetch(url, {
    method,
    headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers() },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    showError((await failure(response)).message);
    return;
  }
  await refresh();
}

function settings(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

function statusText(status) {
  return (status || '').replace('_', ' ');
}

function count(n) {
  return (n ?? 0).toLocaleString('en');
}

function pct(x) {
  return x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`;
}

function points(x) {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} points`;
}
