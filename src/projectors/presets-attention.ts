/**
 * Real-model presets for the attention projector kinds (Q-Former, Perceiver Resampler, gated
 * cross-attention, Qwen-VL resampler, output Transformers), merged into `presets` by ./presets.
 *
 * Shapes: each preset's `input` is the real per-image input at batch 1 (text lengths, where a kind
 * needs text, are illustrative and say so in the note).
 * Papers: per preset `cite`; every dimension comes from /work/shared/reference/facts.md (section b
 * and the per-model notes) and the upstream file named in `sourceLocator`.
 * Departures: `verifiedParams` is set only where facts.md marks the count VERIFIED (computed from
 * verified inputs); Qwen-VL's and InstructBLIP's counts are computed but not verified, so they are
 * left out and tests pin them directly. Each note says how the preset differs from the paper.
 */
import type { Preset } from './presets';

const EVA_G_224 = { vision: [1, 257, 1408] } as const; // EVA ViT-g/14 at 224 px: 16×16 + CLS (facts.md BLIP-2 note)
const CLIP_L14_224 = { vision: [1, 256, 1024] } as const; // 16×16 patches (facts.md OpenFlamingo row)

/** BLIP-2 / InstructBLIP Q-Former dims (bert-base-uncased + LAVIS bert_config.json, facts.md BLIP-2 note). */
const QFORMER_BASE = {
  queries: 32,
  width: 768,
  layers: 12,
  heads: 12,
  intermediate: 3072,
  crossAttentionFreq: 2,
  visionWidth: 1408,
  layerNormEps: 1e-12,
} as const;

/** OpenFlamingo resampler (open_flamingo helpers.py defaults, factory.py dim = vis_dim = 1024). */
const OPENFLAMINGO_RESAMPLER = { dim: 1024, depth: 6, heads: 8, dimHead: 64, latents: 64, ffMult: 4, activation: 'gelu' } as const;

/** nn.Transformer core of NExT-GPT TextFcLayer / GILLMapper (gill/layers.py; facts.md NExT-GPT note). */
const TINY_TRANSFORMER = { mode: 'transformer', inWidth: 4096, hidden: 512, heads: 4, encoderLayers: 4, decoderLayers: 4, ffWidth: 2048, layerNormEps: 1e-5 } as const;

const list: Preset[] = [
  {
    id: 'blip2-opt-2.7b',
    model: 'BLIP-2 (OPT-2.7B)',
    kind: 'qformer',
    config: { ...QFORMER_BASE, llmWidth: 2560, projName: 'opt_proj' },
    cite: ['li2023blip2'],
    sourceLocator:
      'facts.md b "BLIP-2 (OPT-2.7B)" and the BLIP-2 note; salesforce/LAVIS lavis/models/blip2_models/Qformer.py, blip2.py, blip2_opt.py; lavis/configs/models/bert_config.json; width facebook/opt-2.7b config.json',
    // Generative-stage Q-Former 105,162,240 + opt_proj 1,968,640 (both computed from LAVIS, facts.md).
    // The paper's "188M" (§3.1) describes the stage-1 Q-Former, which still has the text embeddings,
    // the text FFN and the ITC/ITM/MLM heads: computed from LAVIS that is 186,705,470, and the
    // remaining ~1.3M gap to 188M is unexplained (facts.md P19). blip2_opt.py deletes the text
    // parts, so the module that feeds OPT is the 105.2M query path modelled here.
    verifiedParams: 107_130_880,
    input: EVA_G_224,
    outputTokens: 32,
    note: 'Query path of the generative-stage Q-Former (105,162,240, computed from salesforce/LAVIS) plus opt_proj (1,968,640). The paper\'s 188M counts the stage-1 Q-Former with its text parts (computed 186,705,470); do not derive one from the other. ln_vision (2,816) belongs to the vision side and is not counted.',
  },
  {
    id: 'blip2-opt-6.7b',
    model: 'BLIP-2 (OPT-6.7B)',
    kind: 'qformer',
    config: { ...QFORMER_BASE, llmWidth: 4096, projName: 'opt_proj' },
    cite: ['li2023blip2'],
    sourceLocator: 'facts.md BLIP-2 note (opt_proj 3,149,824 for OPT-6.7B); salesforce/LAVIS blip2_opt.py; width facebook/opt-6.7b config.json',
    verifiedParams: 108_312_064, // 105,162,240 + 3,149,824
    input: EVA_G_224,
    outputTokens: 32,
    note: 'Same Q-Former as BLIP-2 OPT-2.7B; only opt_proj changes with the LLM width (768·4096 + 4096 = 3,149,824).',
  },
  {
    id: 'instructblip-qformer-vicuna7b',
    model: 'InstructBLIP (Vicuna-7B), instruction-aware Q-Former + llm_proj',
    kind: 'qformer',
    config: { ...QFORMER_BASE, llmWidth: 4096, projName: 'llm_proj', instructionAware: true },
    cite: ['dai2023instructblip', 'li2023blip2'],
    sourceLocator: 'facts.md b "InstructBLIP (Vicuna-7B)" and InstructBLIP note; salesforce/LAVIS lavis/models/blip2_models/blip2_vicuna_instruct.py, Qformer.py',
    input: { vision: [1, 257, 1408], text: [1, 16, 768] }, // the 16-token instruction is illustrative
    outputTokens: 32,
    note: 'facts.md verifies only llm_proj (3,149,824); the Q-Former is not counted there. This preset counts the query path, the 12 text FFNs and llm_proj (164,999,680, computed); the word and position embedding tables (instruction tokens enter already embedded) are not included, so this total is not a figure for InstructBLIP\'s Q-Former.',
  },
  {
    id: 'openflamingo-3b-resampler',
    model: 'OpenFlamingo-3B (MPT-1B), Perceiver Resampler',
    kind: 'perceiver-resampler',
    config: { ...OPENFLAMINGO_RESAMPLER },
    cite: ['awadalla2023openflamingo', 'alayrac2022flamingo'],
    sourceLocator: 'facts.md b "OpenFlamingo-3B (MPT-1B)"; mlfoundations/open_flamingo open_flamingo/src/helpers.py, factory.py',
    verifiedParams: 63_019_008, // 6 × (2,101,248 + 8,390,656) + 64·1024 + 2,048
    input: CLIP_L14_224,
    outputTokens: 64,
    note: 'Computed from open_flamingo helpers.py (GELU FFN, no biases). Differs from the Flamingo paper\'s resampler (width 1536, 16 heads, Squared ReLU, 194M in its Table 5).',
  },
  {
    id: 'openflamingo-3b-xattn',
    model: 'OpenFlamingo-3B (MPT-1B), one gated cross-attention block',
    kind: 'gated-cross-attention',
    config: { dim: 2048, visionWidth: 1024, heads: 8, dimHead: 64, ffMult: 4, activation: 'gelu' },
    cite: ['awadalla2023openflamingo', 'alayrac2022flamingo'],
    sourceLocator: 'facts.md b "OpenFlamingo-3B (MPT-1B)"; mlfoundations/open_flamingo open_flamingo/src/helpers.py, flamingo_lm.py; width anas-awadalla/mpt-1b-redpajama-200b config.json',
    verifiedParams: 36_708_354, // 4d + 1024d + 1,048,576 + 8d² + 2 at d = 2048
    input: { vision: [1, 64, 1024], text: [1, 64, 2048] },
    outputTokens: 64,
    note: 'One block; OpenFlamingo-3B has one before each of its 24 LM layers: 24 × 36,708,354 = 881,000,496 (crossAttnEveryNLayers(24, 1)). The text length 64 is illustrative; output tokens = text tokens. The keys are the 64 resampled tokens of one image.',
  },
  {
    id: 'openflamingo-9b-resampler',
    model: 'OpenFlamingo-9B (MPT-7B), Perceiver Resampler',
    kind: 'perceiver-resampler',
    config: { ...OPENFLAMINGO_RESAMPLER },
    cite: ['awadalla2023openflamingo'],
    sourceLocator: 'facts.md b "OpenFlamingo-9B (MPT-7B)"; mlfoundations/open_flamingo open_flamingo/src/helpers.py',
    verifiedParams: 63_019_008,
    input: CLIP_L14_224,
    outputTokens: 64,
    note: 'Identical to the 3B resampler: it runs at the CLIP width 1024, not the LM width.',
  },
  {
    id: 'openflamingo-9b-xattn',
    model: 'OpenFlamingo-9B (MPT-7B), one gated cross-attention block',
    kind: 'gated-cross-attention',
    config: { dim: 4096, visionWidth: 1024, heads: 8, dimHead: 64, ffMult: 4, activation: 'gelu' },
    cite: ['awadalla2023openflamingo', 'alayrac2022flamingo'],
    sourceLocator: 'facts.md b "OpenFlamingo-9B (MPT-7B)"; mlfoundations/open_flamingo flamingo_lm.py; width mosaicml/mpt-7b config.json (d_model 4096, 32 layers)',
    verifiedParams: 139_476_994,
    input: { vision: [1, 64, 1024], text: [1, 64, 4096] },
    outputTokens: 64,
    note: 'One block; a block before every 4th of the 32 LM layers gives 8 × 139,476,994 = 1,115,815,952 (crossAttnEveryNLayers(32, 4)). The text length 64 is illustrative.',
  },
  {
    id: 'flamingo-paper-resampler',
    model: 'Flamingo (paper hyper-parameters), Perceiver Resampler',
    kind: 'perceiver-resampler',
    config: { dim: 1536, depth: 6, heads: 16, dimHead: 96, latents: 64, ffMult: 4, activation: 'squared-relu' },
    cite: ['alayrac2022flamingo'],
    sourceLocator: 'facts.md Flamingo note: paper Table 4 (6 layers, 1536, 16 heads, key size 96, Squared ReLU, FFN 4D), Table 5 (194M); no official code',
    input: { vision: [1, 256, 1536] },
    outputTokens: 64,
    note: 'Table 4 hyper-parameters put into the OpenFlamingo module layout; DeepMind released no code. This layout gives 170,025,984 parameters against Table 5\'s 194M, so the paper\'s module differs (e.g. biases or an input projection from the NFNet-F6 width, which the paper does not state): do not quote this count as Flamingo\'s. The 256-token, 1536-wide input is illustrative.',
  },
  {
    id: 'qwen-vl-resampler',
    model: 'Qwen-VL, position-aware cross-attention adapter',
    kind: 'cross-attention-resampler',
    config: { queries: 256, width: 4096, heads: 32, visionWidth: 1664, layerNormEps: 1e-6 },
    cite: ['bai2023qwenvl'],
    sourceLocator: 'facts.md b "Qwen-VL" and Qwen-VL note; QwenLM/Qwen-VL README.md, finetune.py (transformer.visual.attn_pool); module code visual.py on the Hugging Face Hub (Qwen/Qwen-VL), known only through third-party copies',
    input: { vision: [1, 1024, 1664] }, // 448 px / patch 14 = 32×32 ViT-bigG tokens
    outputTokens: 256,
    note: 'UNVERIFIED module code (third-party copies of visual.py). Computed: 75,005,952 trainable + 1,048,576 frozen position table. The paper\'s "0.08B" adapter figure is UNVERIFIED (secondary summaries only); 75.0M rounding to 0.08B is not a confirmation. ln_post and proj after the adapter (16,785,408) are not counted.',
  },
  {
    id: 'nextgpt-image-output',
    model: 'NExT-GPT image output projector (→ Stable Diffusion v1.5)',
    kind: 'output-transformer',
    config: { ...TINY_TRANSFORMER, outWidth: 768, outTokens: 77 },
    cite: ['wu2024nextgpt'],
    sourceLocator: 'facts.md b "NExT-GPT" and NExT-GPT note; NExT-GPT/NExT-GPT NExT-GPT-Lagacy/code/model/layers.py, code/config/base.yaml (num_gen_img_tokens 4, num_clip_tokens 77)',
    verifiedParams: 31_958_784,
    input: { vision: [1, 4, 4096] },
    outputTokens: 77,
    note: 'Computed from the legacy code; the ICML paper\'s Table 1 says 31M for the image output Transformer.',
  },
  {
    id: 'nextgpt-video-output',
    model: 'NExT-GPT video output projector (→ Zeroscope)',
    kind: 'output-transformer',
    config: { ...TINY_TRANSFORMER, outWidth: 1024, outTokens: 77 },
    cite: ['wu2024nextgpt'],
    sourceLocator: 'facts.md b "NExT-GPT"; NExT-GPT/NExT-GPT NExT-GPT-Lagacy/code/model/layers.py, code/config/base.yaml (num_gen_video_tokens 24)',
    verifiedParams: 32_090_112,
    input: { vision: [1, 24, 4096] },
    outputTokens: 77,
    note: 'Computed from the legacy code; the paper\'s Table 1 says 32M.',
  },
  {
    id: 'nextgpt-audio-output',
    model: 'NExT-GPT audio output projector (→ AudioLDM)',
    kind: 'output-transformer',
    config: { ...TINY_TRANSFORMER, outWidth: 512, outTokens: 1 },
    cite: ['wu2024nextgpt'],
    sourceLocator: 'facts.md b "NExT-GPT"; NExT-GPT/NExT-GPT NExT-GPT-Lagacy/code/model/layers.py, code/config/base.yaml (num_gen_audio_tokens 8)',
    verifiedParams: 31_788_544,
    input: { vision: [1, 8, 4096] },
    outputTokens: 1,
    note: 'Computed from the legacy code; the paper\'s Table 1 says 31M.',
  },
  {
    id: 'gill-mapper',
    model: 'GILL (OPT-6.7B) GILLMapper (→ Stable Diffusion v1.5)',
    kind: 'output-transformer',
    config: { ...TINY_TRANSFORMER, outWidth: 768, outTokens: 77 },
    cite: ['koh2023generating'],
    sourceLocator: 'facts.md b "GILL (OPT-6.7B)" and GILL note; kohjingyu/gill gill/layers.py (TextFcLayer gill_mapper), main.py (--num-tokens 8, --num-clip-tokens 77)',
    verifiedParams: 31_958_784,
    input: { vision: [1, 8, 4096] },
    outputTokens: 77,
    note: 'Same structure and count as the NExT-GPT image head. GILL adds the [IMG] tokens\' input embeddings to their hidden states before fc (pass them as `text`).',
  },
];

/** Attention-kind presets by id. */
export const attentionPresets: Record<string, Preset> = Object.fromEntries(list.map((p) => [p.id, p]));
