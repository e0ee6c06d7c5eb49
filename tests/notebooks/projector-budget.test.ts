import { describe, expect, test } from 'vitest';
import { notebook } from '../../notebooks/experiments/projector-budget';
import type { Result } from '../../notebooks/experiments/projector-budget';
import { defaultsRun, notebookContract, quietCtx } from './helpers';

const id = 'projector-budget';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { presets: ['nope'], resolution: 300 }, fields: ['presets.0', 'resolution'] },
    rejects: [
      { change: { resolution: 300 }, message: /^resolution: .*multiple of 28/ },
      { change: { extra: 1 }, message: /extra/ },
    ],
    // Six presets, one progress report each: Cancel after the second stops before the third.
    cancel: { stopsBefore: 0.5 },
  });

  test('LLaVA-1.5-7B at 336 px: 576 tokens, 20,979,712 parameters, ≈24.2 GFLOP', () => {
    const row = run.result().rows.find((r) => r.preset === 'llava-1.5-7b');
    expect(row).toMatchObject({ inputTokens: 576, outputTokens: 576, llmDim: 4096, params: 20_979_712 });
    // 2·576·(1024·4096 + 4096·4096) = 24,159,191,040
    expect(row?.flops).toBe(24_159_191_040);
  });

  test('resolution rescales patch grids but not fixed query outputs', async () => {
    const cfg = { ...notebook.defaults, resolution: 224, presets: ['llava-1.5-7b', 'instructblip-vicuna7b', 'minigpt4-llama2'] };
    const result = (await notebook.run(cfg, quietCtx())) as Result;
    expect(result.rows.map((r) => [r.preset, r.inputTokens, r.outputTokens, r.gridScaled])).toEqual([
      ['llava-1.5-7b', 256, 256, true],
      ['instructblip-vicuna7b', 32, 32, false],
      ['minigpt4-llama2', 256, 64, true], // 4 adjacent tokens concatenated
    ]);
  });

  test('inputs that are not a full patch grid, or fixed by the config, keep their native size', async () => {
    const cfg = { ...notebook.defaults, resolution: 448, presets: ['honeybee-c-abs-7b-m144', 'openflamingo-9b-resampler', 'blip2-opt-2.7b', 'nextgpt-image-output'] };
    const result = (await notebook.run(cfg, quietCtx())) as Result;
    expect(result.rows.map((r) => [r.preset, r.inputTokens, r.outputTokens, r.gridScaled])).toEqual([
      ['honeybee-c-abs-7b-m144', 256, 144, false], // its positional embedding is sized for 256 tokens
      ['openflamingo-9b-resampler', 1024, 64, true], // 448 px → 32² patches, still 64 latents out
      ['blip2-opt-2.7b', 257, 32, false], // Q-Former input includes CLS: not rescaled
      ['nextgpt-image-output', 4, 77, false], // output side: the LLM's signal tokens
    ]);
  });

  test('an aborted signal stops the run with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(notebook.run(notebook.defaults, quietCtx(controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  });
});
