// The source page: one cited passage (GET /api/chunks/{id}), opened from a citation on the chat page as
// source.html?chunk={id}. Everything shown comes from the corpus, so it is set as text, never as markup.
import { getJson } from './api.js';

const $ = (selector) => document.querySelector(selector);
const main = $('#passage');

show();

async function show() {
  const id = new URLSearchParams(location.search).get('chunk');
  try {
    if (!id) throw new Error('No passage was named: open this page from a citation under an answer.');
    const chunk = await getJson(`/api/chunks/${encodeURIComponent(id)}`);
    document.title = `${chunk.title} · DomainAssistant`;
    $('#source-title').textContent = chunk.title;
    $('#source-where').textContent = `Passage ${chunk.ordinal + 1} of ${chunk.source} (${chunk.domain})`;
    const text = $('#source-text');
    text.textContent = chunk.text;
    text.hidden = false;
  } catch (error) {
    $('#source-title').textContent = 'The passage could not be opened';
    $('#source-error').textContent = error.message;
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}
