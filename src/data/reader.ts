/**
 * How the loader gets bytes. One small interface so the same loader runs in the browser (fetch from
 * the site) and in Node (read from public/ on disk, see node-reader.ts), and tests can inject faults.
 */

/** Reads one file given its path relative to the site root, e.g. "data/emoji/manifest.json". */
export type ByteReader = (path: string) => Promise<ArrayBuffer>;

/**
 * Browser reader: fetch relative to the site's base URL (Astro's import.meta.env.BASE_URL), so the
 * site works under a sub-path. Same-origin only: the site never fetches from elsewhere.
 */
export function fetchReader(baseUrl: string, fetchImpl: typeof fetch = fetch): ByteReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (path) => {
    const response = await fetchImpl(`${base}${path}`);
    if (!response.ok) throw new Error(`could not load ${path}: HTTP ${response.status}`);
    return response.arrayBuffer();
  };
}
