// Where a graph IRI opens in the page: its view when the page has one, else its Linked Data page.

export const PGID = "https://w3id.org/plangraph/id/";
export const PREFIXES = {
  "https://w3id.org/plangraph/id/": "pgid:",
  "https://w3id.org/plangraph/ontology#": "pg:",
  "http://www.w3.org/2004/02/skos/core#": "skos:",
  "http://purl.org/dc/terms/": "dcterms:",
  "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
  "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
  "http://www.w3.org/2001/XMLSchema#": "xsd:",
  "http://www.w3.org/ns/prov#": "prov:",
  "http://www.w3.org/ns/org#": "org:",
};

/** The page route (#/...) for a resource IRI, or its /id/ path, or the IRI itself. */
export function hrefOf(iri) {
  if (!iri.startsWith(PGID)) return iri;
  const path = iri.slice(PGID.length);
  const item = path.match(/^plan\/([^/]+)(?:\/area\/(\d+)(?:\/(goal|measure)\/(\d+))?)?$/);
  if (item) {
    const [, slug, area, kind, k] = item;
    return `#/plan/${slug}` + (area ? `/area/${area}` : "") + (kind ? `/${kind}/${k}` : "");
  }
  if (/^department\/.+/.test(path)) return `#/${path}`;
  if (/^indicator\/.+/.test(path)) return `#/${path}`;
  return `/id/${path}`;
}

/** An IRI written short with the contract's prefixes. */
export function compact(iri) {
  for (const [ns, prefix] of Object.entries(PREFIXES)) if (iri.startsWith(ns)) return prefix + iri.slice(ns.length);
  return iri;
}
