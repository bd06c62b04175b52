// Calls to the server: the REST API (/api/...), the SPARQL endpoint (/sparql), one error shape.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function failure(response) {
  try {
    const { error } = await response.json();
    return new ApiError(error.status, error.code, error.message);
  } catch {
    return new ApiError(response.status, `http-${response.status}`, `${response.url}: ${response.statusText}`);
  }
}

/** GET a REST path as JSON; `params` become the query string. */
export async function getJSON(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v != null && v !== "") url.searchParams.set(k, v);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** Every item of a paginated list ({items, total, limit, offset, next}), following `next`. */
export async function getAll(path, params = {}) {
  let page = await getJSON(path, { limit: 1000, ...params });
  const items = [...(page.items ?? [])];
  while (page.next) {
    page = await getJSON(page.next);
    items.push(...(page.items ?? []));
  }
  return items;
}

/** Run SPARQL by POST (no URL length limit); the Response, or the ApiError of the endpoint. */
export async function sparql(query, accept = "application/sparql-results+json") {
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body: new URLSearchParams({ query }),
  });
  if (!response.ok) throw await failure(response);
  return response;
}

/** The rows of a SELECT as objects of plain values. */
export async function select(query) {
  const json = await (await sparql(query)).json();
  return json.results.bindings.map((b) =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.value])),
  );
}
