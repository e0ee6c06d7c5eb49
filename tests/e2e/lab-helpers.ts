/**
 * Shared checks for Lab pages on the built site: read a committed result, read the numbers a page
 * painted, compare them through the named formatter, and compute run(cfg) in Node on wasm (bit-identical
 * to Chromium's wasm, stack.md §5).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { getNotebook } from '../../notebooks/registry';
import { runWithMeta, type RunRecord } from '../../notebooks/runtime/run-meta';
import type { BaseConfig } from '../../notebooks/types';
import { formatSpecSchema, formatValue } from '../../src/primitives/format';
import { readResultNumber } from '../../src/primitives/json-path';
import { useBestBackend } from '../../src/runtime/backend';

export const committed = (id: string): RunRecord => JSON.parse(readFileSync(resolve(process.cwd(), 'content/data', `${id}.json`), 'utf8')) as RunRecord;

export interface PaintedCell {
  key: string;
  value: string;
  format: string;
  text: string;
}

/** The numbers painted in the result of `scope` (a Lab page, or one experiment card of an article). */
export async function paintedCells(scope: Page | Locator): Promise<PaintedCell[]> {
  return scope.locator('[data-lab-result] td[data-key]').evaluateAll((tds) =>
    tds.map((td) => ({
      key: td.getAttribute('data-key') ?? '',
      value: td.getAttribute('data-value') ?? '',
      format: td.getAttribute('data-format') ?? '',
      text: td.textContent ?? '',
    })),
  );
}

/** Every painted number equals the record's value at its key, formatted by its named formatter. */
export function expectCellsMatch(cells: PaintedCell[], result: unknown): void {
  expect(cells.length).toBeGreaterThan(0);
  for (const c of cells) {
    const value = readResultNumber(result, c.key);
    expect(Number(c.value), `data-value of ${c.key}`).toBe(value);
    expect(c.text, `text of ${c.key}`).toBe(formatValue(formatSpecSchema.parse(JSON.parse(c.format)), value));
  }
}

export async function nodeRun(id: string, config: BaseConfig): Promise<RunRecord> {
  const used = await useBestBackend('wasm');
  expect(used.backend).toBe('wasm');
  return runWithMeta(getNotebook(id), config, { onProgress: () => undefined, signal: new AbortController().signal }, used);
}

export const ready = (page: Page) => expect(page.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');
