import { describe, expect, test } from 'vitest';
import { listCards } from '../../../notebooks/catalog';
import { describeFields } from '../../../notebooks/runtime/config-codec';
import { listNotebooks } from '../../../notebooks/registry';

describe('notebook catalogue', () => {
  test('cards (pages) and runnable notebooks (CLI, Worker) name the same notebooks in the same order', () => {
    expect(listCards().map((c) => c.id)).toEqual(listNotebooks().map((n) => n.id));
  });

  test('every notebook is well formed: kebab-case id, a question, valid defaults, labelled fields', () => {
    for (const nb of listNotebooks()) {
      expect(nb.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(nb.question.length).toBeGreaterThan(80);
      expect(nb.schema.parse(nb.defaults)).toEqual(nb.defaults);
      const fields = describeFields(nb);
      expect(fields[0]?.key).toBe('seed');
      for (const f of fields) expect(f.label, `${nb.id}.${f.key} needs .describe()`).not.toBe(f.key);
    }
  });
});
