// The upload page: sends the chosen files to POST /api/domains/{domain}/corpora with the domain team's key, shows
// the stored version, then polls GET /api/jobs/{id} until the version is indexed.
import { failure, getJson, loadDomains } from './api.js';

const $ = (selector) => document.querySelector(selector);
const form = $('#upload');
const keyInput = $('#key');
const domainSelect = $('#domain');
const filesInput = $('#files');
const submit = $('#submit');
const errorBox = $('#error');
const result = $('#result');
const progress = $('#progress');
const jobStatus = $('#job-status');

const PollMilliseconds = 400;

keyInput.value = sessionStorage.getItem('da-upload-key') || '';
form.addEventListener('submit', (event) => {
  event.preventDefault();
  upload();
});
keyInput.addEventListener('change', () => refreshDomains());
refreshDomains();

function keyHeaders() {
  const key = keyInput.value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function refreshDomains() {
  try {
    await loadDomains(domainSelect, keyHeaders());
  } catch (error) {
    // The list is open unless chat needs a key; with a wrong key the upload says so.
    if (!domainSelect.options.length) showError(`Could not load the domains: ${error.message}`);
  }
}

function showError(message) {
  errorBox.textContent = message;
}

function invalid(input, message) {
  input.setAttribute('aria-invalid', 'true');
  input.focus();
  showError(message);
}

async function upload() {
  showError('');
  [keyInput, filesInput].forEach((input) => input.removeAttribute('aria-invalid'));
  if (!keyInput.value.trim()) return invalid(keyInput, 'Enter your API key.');
  if (!filesInput.files.length) return invalid(filesInput, 'Choose one or more files.');
  sessionStorage.setItem('da-upload-key', keyInput.value.trim());

  const body = new FormData();
  for (const file of filesInput.files) body.append('files', file, file.name);
  body.append('mode', form.elements.mode.value);
  submit.disabled = true;
  submit.textContent = 'Uploading…';
  try {
    const response = await fetch(`/api/domains/${encodeURIComponent(domainSelect.value)}/corpora`, {
      method: 'POST', headers: { Accept: 'application/json', ...keyHeaders() }, body,
    });
    if (!response.ok) throw await failure(response);
    const receipt = await response.json();
    showVersion(receipt.version);
    await follow(receipt.job);
  } catch (error) {
    showError(uploadError(error));
  } finally {
    submit.disabled = false;
    submit.textContent = 'Upload';
  }
}

function uploadError(error) {
  switch (error.status) {
    case 401: return `The API key was not accepted: ${error.message}`;
    case 403: return 'This API key may not upload: it needs the domain-team role.';
    case 413: return `Too large: ${error.message}`;
    case 415: return `Not accepted: ${error.message}`;
    default: return error.message;
  }
}

function showVersion(version) {
  const manifest = version.manifest;
  $('#result-title').textContent = `Version ${manifest.version} of ${manifest.domain} stored`;
  $('#files-table').replaceChildren(...manifest.files.map((file) => {
    const row = document.createElement('tr');
    const cells = [file.name, file.kind === 'qa' ? `Q/A, ${count(file.qaPairs, 'pair')}` : 'document', file.bytes.toLocaleString(), file.sha256.slice(0, 12) + '…'];
    cells.forEach((text, i) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (i === 2) cell.className = 'num';
      if (i === 3) { cell.title = file.sha256; cell.className = 'mono'; }
      row.append(cell);
    });
    return row;
  }));
  const sft = $('#sft');
  if (version.sftData) {
    const path = document.createElement('code');
    path.textContent = version.sftData;
    sft.replaceChildren(`Fine-tuning data (${count(manifest.qaPairs, 'question/answer pair')}): `, path);
  } else {
    sft.textContent = 'This version holds no question/answer file.';
  }
  progress.value = 0;
  result.hidden = false;
  $('#result-title').focus();
}

async function follow(job) {
  for (;;) {
    render(job);
    if (job.state === 'succeeded' || job.state === 'failed') return;
    await new Promise((resolve) => setTimeout(resolve, PollMilliseconds));
    job = await getJson(`/api/jobs/${job.id}`, keyHeaders());
  }
}

function render(job) {
  progress.value = job.progress;
  progress.dataset.state = job.state;
  const counts = job.documentsTotal ? ` ${job.documentsDone} of ${count(job.documentsTotal, 'document')}, ${count(job.chunksDone, 'chunk')} written.` : '';
  const text = {
    queued: `Queued: ${job.message}.`,
    running: `Indexing:${counts || ' starting.'}`,
    succeeded: `Done: ${job.message}.`,
    failed: `Indexing failed: ${job.error || job.message}`,
  }[job.state] || job.message;
  if (jobStatus.textContent !== text) jobStatus.textContent = text;
}

function count(n, noun) {
  return `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}
