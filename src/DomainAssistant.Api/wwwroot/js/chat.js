// The chat page: streams answers from POST /api/chat, shows their citations (each a link to its passage on
// source.html, and a preview opened on demand from /api/chunks/{id}) and sends thumbs up/down with an optional reason
// to /api/feedback. The conversation continues until the domain changes or "New conversation" is pressed. Model
// output and corpus text are always set as text (textContent), never parsed as markup.
import { failure, getJson, loadDomains, newId, postJson } from './api.js';
import { readEvents } from './sse.js';

const $ = (selector, root = document) => root.querySelector(selector);
const log = $('#log');
const form = $('#ask');
const question = $('#question');
const send = $('#send');
const status = $('#ask-status');
const domainSelect = $('#domain');

// A stable anonymous id, so flag variants stay the same for this browser (the API's X-User-Id).
const userId = localStorage.getItem('da-user-id') || newId();
localStorage.setItem('da-user-id', userId);

let conversationId = null;
let busy = false;

init();

async function init() {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ask();
  });
  question.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask();
    }
  });
  $('#new-chat').addEventListener('click', () => startOver('New conversation started.'));
  domainSelect.addEventListener('change', () => {
    describeDomain();
    startOver(`Now asking about ${domainSelect.selectedOptions[0].text}.`);
  });
  try {
    await loadDomains(domainSelect);
    describeDomain();
  } catch (error) {
    status.textContent = `Could not load the domains: ${error.message}`;
  }
}

function describeDomain() {
  $('#domain-description').textContent = domainSelect.selectedOptions[0]?.dataset.description || '';
}

function startOver(note) {
  conversationId = null;
  log.querySelectorAll('.message').forEach((m) => m.remove());
  $('#empty').hidden = false;
  status.textContent = note;
  question.focus();
}

async function ask() {
  const text = question.value.trim();
  if (busy) return;
  if (!text) {
    status.textContent = 'Type a question first.';
    question.focus();
    return;
  }
  busy = true;
  send.disabled = true;
  status.textContent = 'Answering…';
  $('#empty').hidden = true;
  addUserMessage(text);
  question.value = '';
  const answer = addAssistantMessage();
  try {
    const response = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'X-User-Id': userId },
      body: JSON.stringify({ message: text, conversationId, domain: domainSelect.value || null }),
    });
    if (!response.ok) throw await failure(response);
    for await (const event of readEvents(response)) {
      if (event.type === 'token') appendText(answer, event.text);
      else if (event.type === 'done') finish(answer, event);
      else if (event.type === 'error') throw new Error(event.message || 'The answer could not be completed.');
    }
    status.textContent = 'Answer complete.';
  } catch (error) {
    fail(answer, error);
  } finally {
    answer.setAttribute('aria-busy', 'false');
    busy = false;
    send.disabled = false;
  }
}

function addUserMessage(text) {
  const message = $('#user-message').content.firstElementChild.cloneNode(true);
  $('.text', message).textContent = text;
  log.append(message);
}

function addAssistantMessage() {
  const message = $('#assistant-message').content.firstElementChild.cloneNode(true);
  log.append(message);
  message.scrollIntoView({ block: 'end' });
  return message;
}

function appendText(message, text) {
  $('.text', message).textContent += text;
  if (isNearBottom()) message.scrollIntoView({ block: 'end' });
}

function isNearBottom() {
  return window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
}

function finish(message, done) {
  conversationId = done.conversationId;
  message.dataset.messageId = done.messageId;
  if (!$('.text', message).textContent) $('.text', message).textContent = '(no answer)';
  showCitations(message, done);
  enableFeedback(message, done.messageId);
}

function fail(message, error) {
  message.classList.add('failed');
  const text = $('.text', message);
  text.textContent = (text.textContent ? text.textContent + '\n\n' : '') + error.message;
  status.textContent = `The question could not be answered: ${error.message}`;
}

// Only the sources the answer's [n] markers name are listed (the server resolves them). Each shows its document's
// title as a link to the passage on its own page (a new tab, so the conversation stays), and a disclosure whose
// passage is fetched the first time it is opened. An answer that cites nothing, or cites numbers that name no
// source, says so.
function showCitations(message, done) {
  const citations = done.citations || [];
  const list = $('.citations', message);
  for (const citation of citations) list.append(citationItem(citation));
  const notes = [];
  if (done.uncited) notes.push('This answer cites none of the documents; check it before relying on it.');
  if (done.droppedMarkers === 1) notes.push('One citation number in the answer names no source, so it is not listed.');
  if (done.droppedMarkers > 1) notes.push(`${done.droppedMarkers} citation numbers in the answer name no source, so they are not listed.`);
  $('.sources-note', message).textContent = notes.join(' ');
  $('.sources', message).hidden = citations.length === 0 && notes.length === 0;
}

function citationItem(citation) {
  const item = document.createElement('li');
  item.className = 'citation';
  const line = document.createElement('p');
  line.className = 'cite-line';
  const number = document.createElement('span');
  number.className = 'cite-n';
  number.textContent = `[${citation.n}]`;
  const link = document.createElement('a');
  link.className = 'cite-title';
  link.href = `source.html?chunk=${encodeURIComponent(citation.chunkId)}`;
  link.target = '_blank';
  link.rel = 'noopener';
  link.textContent = citation.title;
  const newTab = document.createElement('span');
  newTab.className = 'visually-hidden';
  newTab.textContent = ' (opens in a new tab)';
  link.append(newTab);
  const source = document.createElement('span');
  source.className = 'cite-source';
  source.textContent = citation.source;
  line.append(number, ' ', link, ' ', source);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Show the passage';
  const body = document.createElement('div');
  body.className = 'chunk';
  body.textContent = 'Loading…';
  details.append(summary, body);
  details.addEventListener('toggle', () => details.open && openChunk(details, body, citation));
  item.append(line, details);
  return item;
}

async function openChunk(details, body, citation) {
  if (details.dataset.loaded) return;
  details.dataset.loaded = 'true';
  try {
    const chunk = await getJson(`/api/chunks/${encodeURIComponent(citation.chunkId)}`);
    const heading = document.createElement('p');
    heading.className = 'chunk-heading';
    heading.textContent = `Passage ${chunk.ordinal + 1} of ${chunk.source}`;
    const text = document.createElement('blockquote');
    text.className = 'chunk-text';
    text.textContent = chunk.text;
    body.replaceChildren(heading, text);
  } catch (error) {
    delete details.dataset.loaded;
    body.textContent = `Could not open this source: ${error.message}`;
  }
}

function enableFeedback(message, messageId) {
  const feedback = $('.feedback', message);
  const reasonForm = $('.reason', feedback);
  const reason = $('textarea', reasonForm);
  const note = $('.feedback-status', feedback);
  const feedbackId = newId(); // one vote per answer: a retried send is recognised by this id
  let rating = null;
  feedback.hidden = false;
  for (const thumb of feedback.querySelectorAll('.thumb')) {
    thumb.addEventListener('click', () => {
      rating = thumb.dataset.rating;
      feedback.querySelectorAll('.thumb').forEach((t) => t.setAttribute('aria-pressed', String(t === thumb)));
      reasonForm.hidden = false;
      note.textContent = '';
      reason.focus();
      reasonForm.scrollIntoView({ block: 'nearest' });
    });
  }
  $('.cancel', reasonForm).addEventListener('click', () => {
    rating = null;
    reasonForm.hidden = true;
    feedback.querySelectorAll('.thumb').forEach((t) => t.setAttribute('aria-pressed', 'false'));
  });
  reasonForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('button[type=submit]', reasonForm);
    button.disabled = true;
    try {
      await postJson('/api/feedback', { messageId, rating, reason: reason.value.trim() || null, feedbackId }, { 'X-User-Id': userId });
      reasonForm.hidden = true;
      feedback.querySelectorAll('.thumb').forEach((t) => { t.disabled = true; });
      note.textContent = 'Thank you: your feedback was recorded.';
    } catch (error) {
      note.textContent = `Your feedback could not be sent: ${error.message}`;
      button.disabled = false;
    }
  });
}
