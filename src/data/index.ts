/**
 * The data loader, browser-safe entry point (Node-only disk reading lives in ./node-reader).
 *
 *   import { fetchReader, loadEmoji } from '../lib/data';
 *   const emoji = await loadEmoji(fetchReader(import.meta.env.BASE_URL), ['pooled', 'use']);
 *
 *   import { fsReader } from '../lib/data/node-reader';      // Node: tests, notebooks
 *   const emoji = await loadEmoji(fsReader(), ['pooled', 'use']);
 */
export * from './manifest';
export * from './reader';
export * from './load';
export * from '../primitives/fp16';
export * from '../primitives/checksum';
export * from './emoji';
export * from './fashion-mnist';
export * from './constants';
