/**
 * SHA-256 through Web Crypto (globalThis.crypto.subtle), which exists in Node 20 and in every
 * browser on a secure context (https or localhost), so Node tests and islands verify identically.
 */

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('sha256Hex: Web Crypto is unavailable (the page must be served over https or localhost)');
  // Copy into a fresh ArrayBuffer: a Uint8Array may be a view into a larger (or shared) buffer.
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  const digest = new Uint8Array(await subtle.digest('SHA-256', copy.buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
