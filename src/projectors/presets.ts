/**
 * Real-model projector presets, one table for every kind: each names the model, the projector kind
 * and config, the input it receives in that model, and where every dimension comes from (a locator
 * into /work/shared/reference/facts.md and the upstream file). `verifiedParams` is set only where
 * facts.md marks the count VERIFIED (or computed from verified inputs); a test checks
 * paramCount(config) equals it exactly. Qwen-VL's and InstructBLIP's Q-Former counts are computed
 * but not verified, so they are left out and tests pin them directly.
 *
 * Shapes: each preset's `input` is the real per-image (or per-tile) input, batch 1 (text lengths,
 * where a kind needs text, are illustrative and the note says so).
 * Papers: per preset `cite`. Departures from each paper are in the preset's `note`.
 */
import type { InputShapes, ProjectorKind } from './types';

export interface Preset {
  /** Stable kebab-case id, used in URLs and the CLI. */
  id: string;
  /** Human-readable model name. */
  model: string;
  kind: ProjectorKind;
  /** Raw config for the kind's schema (validated by tests and the CLI). */
  config: Record<string, unknown>;
  /** bib keys. */
  cite: readonly string[];
  /** facts.md section + upstream repository path the dims come from. */
  sourceLocator: string;
  /** Parameter count marked VERIFIED (or computed from verified inputs) in facts.md. */
  verifiedParams?: number;
  /** The real input in the model (batch 1); describe uses it for FLOPs and the output shape. */
  input?: InputShapes;
  /** Output visual tokens per image/tile in the model (VERIFIED in facts.md). */
  outputTokens?: number;
  /** How this preset differs from the paper's figures, and anything unverified. */
  note: string;
}

const CLIP_L14_224: InputShapes = { vision: [1, 256, 1024] }; // 16×16 patches, CLS dropped (facts.md CLIP notes)
const CLIP_L14_336: InputShapes = { vision: [1, 576, 1024] }; // 24×24 patches, CLS dropped
const EVA_G_224: InputShapes = { vision: [1, 257, 1408] }; // EVA ViT-g/14 at 224 px: 16×16 + CLS (facts.md BLIP-2 note)

/** BLIP-2 / InstructBLIP Q-Former dims (bert-base-uncased + LAVIS bert_config.json, facts.md BLIP-2 note). */
const QFORMER_BASE = {
  numQueries: 32,
  hiddenDim: 768,
  depth: 12,
  numHeads: 12,
  ffnDim: 3072,
  crossAttentionFreq: 2,
  visionDim: 1408,
  eps: 1e-12,
} as const;

/** OpenFlamingo resampler (open_flamingo helpers.py defaults, factory.py dim = vis_dim = 1024). */
const OPENFLAMINGO_RESAMPLER = { visionDim: 1024, depth: 6, numHeads: 8, headDim: 64, numQueries: 64, ffnMult: 4, activation: 'gelu' } as const;

/** nn.Transformer core of NExT-GPT TextFcLayer / GILLMapper (gill/layers.py; facts.md NExT-GPT note). */
const TINY_TRANSFORMER = { mode: 'transformer', llmDim: 4096, hiddenDim: 512, numHeads: 4, encoderDepth: 4, decoderDepth: 4, ffnDim: 2048, eps: 1e-5 } as const;

const list: Preset[] = [
  // LLaVA v1: facts.md b "LLaVA (v1)"; haotian-liu/LLaVA builder.py (linear), scripts/pretrain.sh (ViT-L/14 224 px,
  // select layer -2). Dv 1024 from clip_encoder.py; Dm from the Vicuna config.json (4096 / 5120).
  {
    id: 'llava-v1-7b',
    model: 'LLaVA (v1), 7B LLM',
    kind: 'linear',
    config: { visionDim: 1024, llmDim: 4096 },
    cite: ['liu2023visual'],
    sourceLocator: 'facts.md b "LLaVA (v1), 7B LLM"; haotian-liu/LLaVA llava/model/multimodal_projector/builder.py; width lmsys/vicuna-7b-v1.5 config.json',
    verifiedParams: 4_198_400,
    input: CLIP_L14_224,
    outputTokens: 256,
    note: 'Count = 1024·d + d, computed from the code (the paper gives no parameter figure).',
  },
  {
    id: 'llava-v1-13b',
    model: 'LLaVA (v1), Vicuna-13B',
    kind: 'linear',
    config: { visionDim: 1024, llmDim: 5120 },
    cite: ['liu2023visual'],
    sourceLocator: 'facts.md b "LLaVA (v1), Vicuna-13B"; haotian-liu/LLaVA builder.py, scripts/pretrain.sh',
    verifiedParams: 5_248_000,
    input: CLIP_L14_224,
    outputTokens: 256,
    note: 'Count = 1024·d + d, computed from the code.',
  },
  // LLaVA-1.5: facts.md b "LLaVA-1.5-7B/13B"; scripts/v1_5/pretrain.sh sets mlp2x_gelu and ViT-L/14-336.
  {
    id: 'llava-1.5-7b',
    model: 'LLaVA-1.5-7B',
    kind: 'mlp',
    config: { visionDim: 1024, llmDim: 4096, depth: 2 },
    cite: ['liu2023improved'],
    sourceLocator: 'facts.md b "LLaVA-1.5-7B"; haotian-liu/LLaVA scripts/v1_5/pretrain.sh, builder.py',
    verifiedParams: 20_979_712,
    input: CLIP_L14_336,
    outputTokens: 576,
    note: 'Count = (1024·d + d) + (d² + d), computed from the code; third-party pages saying "a few hundred thousand" are wrong (facts.md P25).',
  },
  {
    id: 'llava-1.5-13b',
    model: 'LLaVA-1.5-13B',
    kind: 'mlp',
    config: { visionDim: 1024, llmDim: 5120, depth: 2 },
    cite: ['liu2023improved'],
    sourceLocator: 'facts.md b "LLaVA-1.5-13B"; haotian-liu/LLaVA scripts/v1_5/pretrain.sh; width lmsys/vicuna-13b-v1.5 config.json',
    verifiedParams: 31_467_520,
    input: CLIP_L14_336,
    outputTokens: 576,
    note: 'Count = (1024·d + d) + (d² + d), computed from the code.',
  },
  // MiniGPT-4: the trainable llama_proj after a frozen Q-Former (32 × 768 in): facts.md b, minigpt4.py, minigpt4_vicuna0.yaml.
  {
    id: 'minigpt4-vicuna7b',
    model: 'MiniGPT-4 (Vicuna-7B)',
    kind: 'linear',
    config: { visionDim: 768, llmDim: 4096 },
    cite: ['zhu2023minigpt4'],
    sourceLocator: 'facts.md b "MiniGPT-4 (Vicuna-7B)"; Vision-CAIR/MiniGPT-4 minigpt4/models/minigpt4.py',
    verifiedParams: 3_149_824,
    input: { vision: [1, 32, 768] },
    outputTokens: 32,
    note: 'Only the trainable Linear `llama_proj`; the frozen Q-Former before it is not part of this preset.',
  },
  {
    id: 'minigpt4-vicuna13b',
    model: 'MiniGPT-4 (Vicuna-13B)',
    kind: 'linear',
    config: { visionDim: 768, llmDim: 5120 },
    cite: ['zhu2023minigpt4'],
    sourceLocator: 'facts.md b "MiniGPT-4 (Vicuna-13B)"; minigpt4/configs/models/minigpt4_vicuna0.yaml',
    verifiedParams: 3_937_280,
    input: { vision: [1, 32, 768] },
    outputTokens: 32,
    note: 'Only the trainable Linear `llama_proj`.',
  },
  {
    id: 'minigpt4-llama2',
    model: 'MiniGPT-4 (LLaMA-2-7B variant)',
    kind: 'linear',
    config: { visionDim: 1408, llmDim: 4096, concat: 4 },
    cite: ['zhu2023minigpt4'],
    sourceLocator: 'facts.md b "MiniGPT-4 (LLaMA-2-7B variant)"; minigpt4/configs/models/minigpt4_llama2.yaml (has_qformer False)',
    verifiedParams: 23_072_768,
    input: { vision: [1, 256, 1408] }, // EVA ViT-g/14 at 224 px, CLS dropped
    outputTokens: 64,
    note: 'No Q-Former: 4 consecutive tokens (raster order, a view) are concatenated 256×1408 → 64×5632, then one Linear.',
  },
  // InstructBLIP llm_proj: facts.md b "InstructBLIP"; blip2_vicuna_instruct.py. Input = the Q-Former's 32 × 768 outputs.
  {
    id: 'instructblip-vicuna7b',
    model: 'InstructBLIP (Vicuna-7B), llm_proj',
    kind: 'linear',
    config: { visionDim: 768, llmDim: 4096 },
    cite: ['dai2023instructblip'],
    sourceLocator: 'facts.md b "InstructBLIP (Vicuna-7B)"; salesforce/LAVIS lavis/models/blip2_models/blip2_vicuna_instruct.py',
    verifiedParams: 3_149_824,
    input: { vision: [1, 32, 768] },
    outputTokens: 32,
    note: 'Only `llm_proj`; the instruction-aware Q-Former is a separate (attention) module.',
  },
  {
    id: 'instructblip-vicuna13b',
    model: 'InstructBLIP (Vicuna-13B), llm_proj',
    kind: 'linear',
    config: { visionDim: 768, llmDim: 5120 },
    cite: ['dai2023instructblip'],
    sourceLocator: 'facts.md b "InstructBLIP (Vicuna-13B)"; salesforce/LAVIS blip2_vicuna_instruct.py',
    verifiedParams: 3_937_280,
    input: { vision: [1, 32, 768] },
    outputTokens: 32,
    note: 'Only `llm_proj`.',
  },
  // InternVL: facts.md b "InternVL 1.5", "InternVL 1.5-Plus", "InternVL2-8B" and the InternVL note; modeling_internvl_chat.py
  // (pixel_shuffle scale 0.5, mlp1). Dv: InternViT-6B hidden 3200 (configuration_intern_vit.py), InternViT-300M 1024 (config.json).
  {
    id: 'internvl-1.5',
    model: 'InternVL 1.5 (InternViT-6B + InternLM2-20B)',
    kind: 'pixel-shuffle-mlp',
    config: { visionDim: 3200, llmDim: 6144, downsample: 2, psVersion: 'v1' },
    cite: ['chen2024how'],
    sourceLocator: 'facts.md b "InternVL 1.5"; OpenGVLab/InternVL internvl_chat/internvl/model/internvl_chat/modeling_internvl_chat.py; official InternVL 1.5 model card (MLP 116.43M)',
    verifiedParams: 116_429_824,
    input: { vision: [1, 1024, 3200] }, // one 448×448 tile: 32×32 patches (patch 14), CLS dropped
    outputTokens: 256,
    note: 'Per 448×448 tile (1–12 tiles in training, up to 40 at test). psVersion v1 (grid left transposed) is this preset\'s assumption for the 1.5 release; facts.md does not record ps_version, and it changes only the token order, not the count.',
  },
  {
    id: 'internvl-1.5-plus',
    model: 'InternVL 1.5-Plus',
    kind: 'pixel-shuffle-mlp',
    config: { visionDim: 3200, llmDim: 7168, downsample: 2, psVersion: 'v1' },
    cite: ['chen2024how'],
    sourceLocator: 'facts.md b "InternVL 1.5-Plus"; official V1-5-Plus model card (MLP 143.17M)',
    verifiedParams: 143_170_560,
    input: { vision: [1, 1024, 3200] },
    outputTokens: 256,
    note: 'The LLM width 7168 is inferred from the match with the official 143.17M, not read in a config (facts.md). psVersion as for internvl-1.5 (an assumption).',
  },
  {
    id: 'internvl2-8b',
    model: 'InternVL2-8B (InternViT-300M-448px + internlm2_5-7b-chat)',
    kind: 'pixel-shuffle-mlp',
    config: { visionDim: 1024, llmDim: 4096, downsample: 2, psVersion: 'v2' },
    cite: ['chen2024how'],
    sourceLocator: 'facts.md b "InternVL2-8B"; OpenGVLab/InternViT-300M-448px config.json; OpenGVLab/InternVL2-8B-MPO config.json',
    verifiedParams: 33_570_816,
    input: { vision: [1, 1024, 1024] },
    outputTokens: 256,
    note: 'No separate InternVL2 paper is identified; chen2024how describes the architecture family. psVersion v2 is an assumption (not in facts.md).',
  },
  // Honeybee: facts.md b "Honeybee C-Abstractor (C-7B-M144)" and the Honeybee note; configs/model_config/c-abs.yaml, configs/default.yaml.
  {
    id: 'honeybee-c-abs-7b-m144',
    model: 'Honeybee C-7B-M144 (C-Abstractor)',
    kind: 'c-abstractor',
    config: { visionDim: 1024, hiddenDim: 1024, llmDim: 4096, depth: 3, mlpDepth: 2, numQueries: 144, numInputTokens: 256, posEmb: true },
    cite: ['cha2024honeybee'],
    sourceLocator: 'facts.md b "Honeybee C-Abstractor"; kakaobrain/honeybee honeybee/projectors/projectors.py, configs/model_config/c-abs.yaml; timm/models/regnet.py',
    verifiedParams: 37_070_336,
    input: CLIP_L14_224,
    outputTokens: 144,
    note: 'Count = 6 × 2,638,080 (RegNet blocks at C = 1024) + 256·1024 (pos_emb) + readout MLP. Blocks checked against current timm, not the version Honeybee pins.',
  },
  // MobileVLM: facts.md b "MobileVLM (LDP)", "MobileVLM V2 (LDPv2)" and the MobileVLM note; widths from the MobileVLM paper Table 2.
  {
    id: 'mobilevlm-ldp-1.7b',
    model: 'MobileVLM 1.7B (LDP, MobileLLaMA 1.4B)',
    kind: 'ldp',
    config: { visionDim: 1024, llmDim: 2048, version: 1 },
    cite: ['chu2023mobilevlm'],
    sourceLocator: 'facts.md b "MobileVLM (LDP)"; Meituan-AutoML/MobileVLM mobilevlm/model/vision_projector.py (LDPBlock); torchvision mobilenetv3.py',
    verifiedParams: 18_936_832,
    input: CLIP_L14_336,
    outputTokens: 144,
    note: 'The paper\'s "less than 20M parameters" (§3.4) matches this d = 2048 count. Norms are LayerNorm (code), whereas the paper\'s Eq. 3 writes LayerNorm over tokens.',
  },
  {
    id: 'mobilevlm-ldp-3b',
    model: 'MobileVLM 3B (LDP, MobileLLaMA 2.7B)',
    kind: 'ldp',
    config: { visionDim: 1024, llmDim: 2560, version: 1 },
    cite: ['chu2023mobilevlm'],
    sourceLocator: 'facts.md b "MobileVLM (LDP)"; vision_projector.py; MobileVLM paper Table 2 (dim 2560)',
    verifiedParams: 28_913_920,
    input: CLIP_L14_336,
    outputTokens: 144,
    note: 'At d = 2560 the LDP has 28.9M parameters, more than the paper\'s "less than 20M", which evidently refers to the 1.4B setting.',
  },
  {
    id: 'mobilevlm-v2-ldpv2-1.7b',
    model: 'MobileVLM V2 1.7B (LDPv2)',
    kind: 'ldp',
    config: { visionDim: 1024, llmDim: 2048, version: 2, poolSize: 12 },
    cite: ['chu2024mobilevlmv2'],
    sourceLocator: 'facts.md b "MobileVLM V2 (LDPv2)"; vision_projector.py (LDPNetV2Projector); run.sh (--mm_projector_type ldpnetv2)',
    verifiedParams: 6_316_032,
    input: CLIP_L14_336,
    outputTokens: 144,
    note: 'Count = (1024·d + d) + (d² + d) + 10d, computed from the code; the V2 paper\'s own LDPv2 figure was not read (UNVERIFIED).',
  },
  {
    id: 'mobilevlm-v2-ldpv2-3b',
    model: 'MobileVLM V2 3B (LDPv2)',
    kind: 'ldp',
    config: { visionDim: 1024, llmDim: 2560, version: 2, poolSize: 12 },
    cite: ['chu2024mobilevlmv2'],
    sourceLocator: 'facts.md b "MobileVLM V2 (LDPv2)"; vision_projector.py; README.md model table (V2 3B uses MobileLLaMA 2.7B)',
    verifiedParams: 9_205_760,
    input: CLIP_L14_336,
    outputTokens: 144,
    note: 'Count computed from the code, as for the 1.7B preset.',
  },
  // CLIP: facts.md b "CLIP ViT-B/32", "CLIP ViT-L/14" and the CLIP note; openai/CLIP clip/model.py; open_clip model_configs.
  {
    id: 'clip-b32',
    model: 'CLIP ViT-B/32',
    kind: 'dual-projection',
    config: { visionDim: 768, textDim: 512, embedDim: 512, learnLogitScale: false },
    cite: ['radford2021learning'],
    sourceLocator: 'facts.md b "CLIP ViT-B/32"; openai/CLIP clip/model.py; mlfoundations/open_clip src/open_clip/model_configs/ViT-B-32.json',
    verifiedParams: 655_360,
    input: { vision: [1, 1, 768], text: [1, 1, 512] },
    outputTokens: 1,
    note: 'Counts the two bias-free projections only (image 393,216 + text 262,144), as facts.md does; CLIP\'s learnable logit_scale (1 more parameter, init ln(1/0.07)) is held fixed here (learnLogitScale false).',
  },
  {
    id: 'clip-l14',
    model: 'CLIP ViT-L/14',
    kind: 'dual-projection',
    config: { visionDim: 1024, textDim: 768, embedDim: 768, learnLogitScale: false },
    cite: ['radford2021learning'],
    sourceLocator: 'facts.md b "CLIP ViT-L/14"; openai/CLIP clip/model.py; mlfoundations/open_clip src/open_clip/model_configs/ViT-L-14.json',
    verifiedParams: 1_376_256,
    input: { vision: [1, 1, 1024], text: [1, 1, 768] },
    outputTokens: 1,
    note: 'Projections only (image 786,432 + text 589,824); the logit_scale scalar is held fixed, as for clip-b32.',
  },
  // GILL input: facts.md b "GILL (OPT-6.7B)": Linear(1024, 4·4096) on the pooled CLIP output, reshaped to 4 tokens.
  {
    id: 'gill-input',
    model: 'GILL (OPT-6.7B), input side',
    kind: 'linear',
    config: { visionDim: 1024, llmDim: 4096, split: 4 },
    cite: ['koh2023generating'],
    sourceLocator: 'facts.md b "GILL (OPT-6.7B)"; kohjingyu/gill gill/models.py, main.py (--n-visual-tokens 4)',
    verifiedParams: 16_793_600,
    input: { vision: [1, 1, 1024] },
    outputTokens: 4,
    note: 'Input projection only (1024·4d + 4d); GILLMapper, the output head, is an output-transformer preset.',
  },
  // NExT-GPT input: facts.md b "NExT-GPT": legacy code llama_proj = Linear(1024, 4096), one token per input.
  {
    id: 'nextgpt-input',
    model: 'NExT-GPT, input side (legacy code)',
    kind: 'linear',
    config: { visionDim: 1024, llmDim: 4096 },
    cite: ['wu2024nextgpt'],
    sourceLocator: 'facts.md b "NExT-GPT"; NExT-GPT/NExT-GPT NExT-GPT-Lagacy/code/model/anyToImageVideoAudio.py',
    verifiedParams: 4_198_400,
    input: { vision: [1, 1, 1024] },
    outputTokens: 1,
    note: 'The legacy code\'s 4.2M Linear; the ICML paper instead reports a 28M "Grouping" module (Table 1), not modelled.',
  },
  // Attention kinds: BLIP-2 / InstructBLIP Q-Former, OpenFlamingo, Qwen-VL, NExT-GPT / GILL output heads.
  {
    id: 'blip2-opt-2.7b',
    model: 'BLIP-2 (OPT-2.7B)',
    kind: 'qformer',
    config: { ...QFORMER_BASE, llmDim: 2560, projName: 'opt_proj' },
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
    config: { ...QFORMER_BASE, llmDim: 4096, projName: 'opt_proj' },
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
    config: { ...QFORMER_BASE, llmDim: 4096, projName: 'llm_proj', instructionAware: true },
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
    config: { llmDim: 2048, visionDim: 1024, numHeads: 8, headDim: 64, ffnMult: 4, activation: 'gelu' },
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
    config: { llmDim: 4096, visionDim: 1024, numHeads: 8, headDim: 64, ffnMult: 4, activation: 'gelu' },
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
    config: { visionDim: 1536, depth: 6, numHeads: 16, headDim: 96, numQueries: 64, ffnMult: 4, activation: 'squared-relu' },
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
    config: { numQueries: 256, llmDim: 4096, numHeads: 32, visionDim: 1664, eps: 1e-6 },
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
    config: { ...TINY_TRANSFORMER, outputDim: 768, numQueries: 77 },
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
    config: { ...TINY_TRANSFORMER, outputDim: 1024, numQueries: 77 },
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
    config: { ...TINY_TRANSFORMER, outputDim: 512, numQueries: 1 },
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
    config: { ...TINY_TRANSFORMER, outputDim: 768, numQueries: 77 },
    cite: ['koh2023generating'],
    sourceLocator: 'facts.md b "GILL (OPT-6.7B)" and GILL note; kohjingyu/gill gill/layers.py (TextFcLayer gill_mapper), main.py (--num-tokens 8, --num-clip-tokens 77)',
    verifiedParams: 31_958_784,
    input: { vision: [1, 8, 4096] },
    outputTokens: 77,
    note: 'Same structure and count as the NExT-GPT image head. GILL adds the [IMG] tokens\' input embeddings to their hidden states before fc (pass them as `text`).',
  },
];

function byId(): Record<string, Preset> {
  const out: Record<string, Preset> = {};
  for (const p of list) {
    if (out[p.id]) throw new Error(`duplicate preset id '${p.id}'`);
    out[p.id] = p;
  }
  return out;
}

/** All presets by id, in table order. */
export const presets: Record<string, Preset> = byId();

export function getPreset(id: string): Preset {
  const p = presets[id];
  if (!p) throw new Error(`unknown preset '${id}' (known: ${Object.keys(presets).sort().join(', ')})`);
  return p;
}
