// Calls to the host's JSON API, shared by the pages. Errors become ApiError with the problem details' text.

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem) {
  const text = problem?.detail || problem?.title || `The server answered ${status}.`;
  if (!problem?.file || text.includes(problem.file)) return text;
  return `${text} (${problem.file}${problem.line ? `, line ${problem.line}` : ''})`;
}

/** Reads a failed response's problem details (or its text) into an ApiError. */
export async function failure(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    problem = { detail: `The server answered ${response.status} ${response.statusText}.` };
  }
  return new ApiError(response.status, problem);
}

/** fetch + JSON, throwing ApiError on a non-2xx answer. */
export async function getJson(url, headers = {}) {
  const response = await fetch(url, { headers: { Accept: 'application/json', ...headers } });
  if (!response.ok) throw await failure(response);
  return response.json();
}

export async function postJson(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** A random UUID (crypto.randomUUID needs a secure context; 127.0.0.1 is one, a LAN address is not). */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Fills a <select> with the domains, the default one selected. */
export async function loadDomains(select, headers = {}) {
  const domains = await getJson('/api/domains', headers);
  const previous = select.value;
  select.replaceChildren(...domains.map((d) => {
    const option = new Option(d.displayName, d.name, false, previous ? d.name === previous : d.isDefault);
    option.dataset.description = d.description || '';
    return option;
  }));
  return domains;
}
