/**
 * The model catalogue: every parameter and token count the page shows is recomputed from the
 * projector presets, and must equal the figure content/data/models.json transcribes from the
 * reference facts (facts.md section b). Some rows are also pinned to the literal facts.md figures so
 * a wrong edit of the file cannot make code and file agree on a wrong number.
 */
import { describe, expect, it } from 'vitest';
import raw from '../../../content/data/models.json';
import { loadBibliography } from '../../../src/site/build/bibliography';
import { catalogueMismatches, loadCatalogue, parseModels, type CatalogueEntry } from '../../../src/reference/catalogue';

const entries = loadCatalogue();
const byId = (id: string): CatalogueEntry => {
  const e = entries.find((x) => x.id === id);
  if (!e) throw new Error(`no row ${id}`);
  return e;
};

describe('model catalogue', () => {
  it('has every model of the reference catalogue and its additions', () => {
    // facts.md b has 27 rows; MobileVLM and MobileVLM V2 each give two widths, split into rows here
    // (29), plus the source article's LVP and two token-compression projectors of facts.md d.6.
    expect(entries).toHaveLength(32);
    expect(entries.filter((e) => e.group === 'catalogue' || e.group === 'source-comparison').length).toBe(30);
  });

  it('computed parameter and token counts equal the verified figures exactly', () => {
    expect(catalogueMismatches(entries)).toEqual([]);
    const checked = entries.flatMap((e) => e.computed.components);
    expect(checked.length).toBe(34); // every computed component of every row
  });

  it('reproduces the facts.md figures for key rows (literal values)', () => {
    expect(byId('llava-1-5-7b').computed.inputParams).toBe(20_979_712);
    expect(byId('llava-1-5-13b').computed.inputParams).toBe(31_467_520);
    expect(byId('llava-1-5-7b').computed.tokensIn).toBe(576);
    expect(byId('llava-1-5-7b').computed.tokensOut).toBe(576);
    expect(byId('blip-2-opt-2-7b').computed.tokensIn).toBe(257);
    expect(byId('blip-2-opt-2-7b').computed.tokensOut).toBe(32);
    expect(byId('blip-2-opt-2-7b').computed.inputParams).toBe(105_162_240 + 1_968_640);
    expect(byId('openflamingo-3b').computed.inputParams).toBe(63_019_008 + 881_000_496);
    expect(byId('openflamingo-9b').computed.components[1]?.paramsEach).toBe(139_476_994);
    expect(byId('internvl-1-5').computed.inputParams).toBe(116_429_824);
    expect(byId('internvl-1-5').computed.tokensOut).toBe(256);
    expect(byId('mobilevlm-1-7b').computed.inputParams).toBe(18_936_832);
    expect(byId('mobilevlm-v2-3b').computed.inputParams).toBe(9_205_760);
    expect(byId('honeybee-c-7b-m144').computed.tokensOut).toBe(144);
    expect(byId('next-gpt').computed.outputParams).toBe(31_958_784 + 32_090_112 + 31_788_544);
    expect(byId('gill').computed.tokensOut).toBe(4);
    expect(byId('clip-vit-b-32').computed.inputParams).toBe(655_360);
    expect(byId('minigpt-4-llama-2').computed.tokensOut).toBe(64);
  });

  it('counts InstructBLIP’s trainable Q-Former, not llm_proj alone, and says the count is a lower bound', () => {
    // The Q-Former trains with llm_proj (LAVIS blip2_vicuna_instruct.py); BLIP-2's query path is computed by the site.
    expect(byId('instructblip-vicuna-7b').computed.inputParams).toBe(105_162_240 + 3_149_824);
    expect(byId('instructblip-vicuna-13b').computed.inputParams).toBe(105_162_240 + 3_937_280);
    for (const id of ['instructblip-vicuna-7b', 'instructblip-vicuna-13b']) {
      expect(byId(id).lowerBound, id).toBe(true);
      expect(byId(id).note, id).not.toMatch(/not counted separately|counted separately/);
    }
    // MiniGPT-4's Q-Former is frozen: only its linear layer trains, and its count is exact.
    expect(byId('minigpt-4-vicuna-13b').computed.inputParams).toBe(3_937_280);
    expect(byId('minigpt-4-vicuna-13b').lowerBound).toBeUndefined();
  });

  it('files no computed count under a paper’s citation', () => {
    // facts.md a: a computed count is "computed from <repository path>", never the paper's own number.
    for (const e of entries) for (const q of e.quoted) expect(q.label, e.id).not.toMatch(/computed/i);
  });

  it('keeps UNVERIFIED rows labelled and never computes what is not recorded', () => {
    expect(byId('qwen-vl').status).toBe('UNVERIFIED');
    expect(byId('qwen-vl').quoted.find((q) => q.text === '0.08B')?.status).toBe('UNVERIFIED');
    expect(byId('pali').computed.inputParams).toBeNull();
    expect(byId('pali').computed.tokensOut).toBeNull();
    expect(byId('flamingo-3b').computed.inputParams).toBeNull(); // paper Table 5 only, not computed
    expect(byId('flamingo-3b').computed.tokensIn).toBeNull(); // variable
    expect(byId('flamingo-3b').computed.tokensOut).toBe(64);
  });

  it('puts no visual tokens into the sequence of cross-attention models', () => {
    expect(byId('openflamingo-9b').computed.tokensInSequence).toBe(0);
    expect(byId('openflamingo-9b').computed.prefillFlops).toBe(0);
    // 2 FLOPs per parameter per token: 2 × 7e9 × 576.
    expect(byId('llava-1-5-7b').computed.prefillFlops).toBe(8_064_000_000_000);
  });

  it('each row cites a bibliography entry whose year matches the row', () => {
    const bib = loadBibliography();
    for (const e of entries) {
      if (e.cite === null) continue;
      const entry = bib.get(e.cite);
      expect(entry, `${e.id}: ${e.cite}`).toBeDefined();
      expect(String(e.year), e.id).toBe(entry?.year);
      for (const q of e.quoted) if (q.cite !== null) expect(bib.has(q.cite), `${e.id} quoted ${q.cite}`).toBe(true);
    }
  });

  it('rejects a malformed file with a message naming the row and field', () => {
    const broken = structuredClone(raw) as { models: Array<Record<string, unknown>> };
    const first = broken.models[0] as { tokens: { in: unknown } };
    first.tokens.in = -3;
    expect(() => parseModels(broken)).toThrow(/models\[0\]\.tokens\.in/);
    const dup = structuredClone(raw) as { models: Array<{ id: string }> };
    (dup.models[1] as { id: string }).id = (dup.models[0] as { id: string }).id;
    expect(() => parseModels(dup)).toThrow(/duplicate id "clip-vit-b-32"/);
  });

  it('detects a figure that code does not reproduce', () => {
    const wrong = structuredClone(raw) as { models: Array<{ id: string; components: Array<{ figure: number }> }> };
    const row = wrong.models.find((m) => m.id === 'llava-1-5-7b');
    if (!row?.components[0]) throw new Error('fixture');
    row.components[0].figure = 20_979_713;
    const bad = catalogueMismatches(loadCatalogue(wrong));
    expect(bad).toEqual([{ id: 'llava-1-5-7b', field: 'components[mlp2x_gelu]', computed: 20_979_712, file: 20_979_713 }]);
  });
});
