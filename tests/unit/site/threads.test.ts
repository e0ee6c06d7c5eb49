/** GitHub thread references become links: issues to /issues/N, pull requests to /pull/N, bad ones fail. */
import { describe, expect, it } from 'vitest';
import { parseThreads } from '../../../src/site/threads';

describe('thread references', () => {
  it('link an issue, a pull request and a list of numbers of one repository', () => {
    expect(parseThreads('haotian-liu/LLaVA #752')).toEqual([{ label: 'haotian-liu/LLaVA #752', href: 'https://github.com/haotian-liu/LLaVA/issues/752' }]);
    expect(parseThreads('oobabooga/textgen PR #1664')).toEqual([{ label: 'oobabooga/textgen PR #1664', href: 'https://github.com/oobabooga/textgen/pull/1664' }]);
    expect(parseThreads('haotian-liu/LLaVA #723, #1059').map((l) => l.label)).toEqual(['haotian-liu/LLaVA #723', '#1059']);
    expect(parseThreads('ggml-org/llama.cpp PR #3645')[0]?.href).toBe('https://github.com/ggml-org/llama.cpp/pull/3645');
  });

  it('reject a reference that is not a thread, naming it', () => {
    expect(() => parseThreads('LLaVA #752')).toThrow(/"LLaVA #752" must look like/);
    expect(() => parseThreads('haotian-liu/LLaVA issue 752')).toThrow(/"issue 752" is not/);
  });
});
