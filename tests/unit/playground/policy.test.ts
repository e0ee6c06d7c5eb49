/**
 * The code cell's Worker script is the only response whose policy allows eval; pages and every
 * other script keep theirs without it.
 */
import { describe, expect, it } from 'vitest';
import { headersFor } from '../../../scripts/security/policy.mjs';

describe('code cell policy', () => {
  it('adds unsafe-eval to the code cell Worker only', () => {
    expect(headersFor('script', '', '/_astro/code-worker-DormrZ66.js')['Content-Security-Policy']).toContain("script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval';");
    expect(headersFor('script', '', '/_astro/worker-DA1OVLt5.js')['Content-Security-Policy']).not.toContain("'unsafe-eval'");
    expect(headersFor('script', '', '/_astro/x/code-worker-a.js/../evil.js')['Content-Security-Policy']).not.toContain("'unsafe-eval'");
    expect(headersFor('page', '<html></html>', '/_astro/code-worker-DormrZ66.js')['Content-Security-Policy']).not.toContain('eval');
  });
});
