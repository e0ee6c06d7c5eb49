/**
 * Real-model projector presets: each names the model, the projector kind and config, the input it
 * receives in that model, and where every dimension comes from (a locator into
 * /work/shared/reference/facts.md and the upstream file). `verifiedParams` is set only where
 * facts.md marks the count VERIFIED; a test checks paramCount(config) equals it exactly.
 *
 * Shapes: each preset's `input` is the real per-image (or per-tile) input, batch 1.
 * Papers: per preset `cite`. Departures from each paper are in the preset's `note`.
 * Attention-kind presets (BLIP-2, OpenFlamingo, Qwen-VL, NExT-GPT/GILL output heads) come from
 * ./presets-attention (another module) and are merged into `presets` below.
 */
import { attentionPresets } from './presets-attention';
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

const own: Preset[] = [
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
];

function merge(): Record<string, Preset> {
  const out: Record<string, Preset> = {};
  for (const p of [...own, ...Object.values(attentionPresets)]) {
    if (out[p.id]) throw new Error(`duplicate preset id '${p.id}'`);
    out[p.id] = p;
  }
  return out;
}

/** All presets by id: this module's plus the attention presets (./presets-attention). */
export const presets: Record<string, Preset> = merge();

export function getPreset(id: string): Preset {
  const p = presets[id];
  if (!p) throw new Error(`unknown preset '${id}' (known: ${Object.keys(presets).sort().join(', ')})`);
  return p;
}
