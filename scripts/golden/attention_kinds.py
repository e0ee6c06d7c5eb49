"""Golden PyTorch fixtures for the attention projector kinds (qformer, perceiver-resampler,
gated-cross-attention, cross-attention-resampler, output-transformer).

In: nothing (seeded torch RNG). Out: tests/fixtures/golden/<name>/{meta.json, config.json, weights.safetensors,
input.safetensors, output.safetensors}; input holds `vision` [B, Nv, Dv] (and `text` [B, Nt, Dm]
where the kind reads text; for qformer-instruct, `text` is the embedded instruction [B, Nt, W] and
`mask` [B, Nt] its padding), output holds `tokens` (and, for the Qwen-VL resampler, the position
tables `pos_query` [Q, D] and `pos_key` [Nv, D] so the TS sin-cos/bicubic code is checked alone).

Each module below is this project's own definition, written to follow the reference code's structure
and parameter names (papers: li2023blip2, alayrac2022flamingo, awadalla2023openflamingo,
bai2023qwenvl, wu2024nextgpt, koh2023generating):
- Q-Former query path: salesforce/LAVIS lavis/models/blip2_models/Qformer.py (post-LN BERT layers,
  cross-attention when layer % freq == 0, query FFN), blip2_opt.py (opt_proj); the instruction-aware
  variant (fixture qformer-instruct) after blip2_vicuna_instruct.py (instruction tokens join the
  self-attention and pass through the text FFN; llm_proj);
- Perceiver Resampler and gated block: mlfoundations/open_flamingo open_flamingo/src/helpers.py;
- Qwen-VL resampler: nn.MultiheadAttention, 2D sin-cos table and bicubic F.interpolate, after the
  third-party copies of Qwen/Qwen-VL visual.py (module code UNVERIFIED, see facts.md);
- output Transformer: torch's own nn.Transformer, as kohjingyu/gill gill/layers.py uses it.
Departures: configs are small (width 32, 2-4 heads, 2-3 layers, 16 vision tokens) so fixtures stay
under 200 KB; every parameter is randomised (LayerNorm gains around 1, biases and gates non-zero)
so the comparison exercises every weight; eval mode, no dropout.

Run: /usr/bin/python3 scripts/golden/attention_kinds.py  (from the repository root)
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "golden")


# ---------------------------------------------------------------- shared pieces


def heads_attention(q, k, v, heads, key_mask=None):
    """Scaled dot-product attention over already-projected q [B,Nq,E], k/v [B,Nk,E] → [B,Nq,E];
    key_mask [B,Nk] (1 keep, 0 pad) is added BERT-style as (1 − mask)·(−10000)."""
    b, nq, e = q.shape
    nk = k.shape[1]
    dh = e // heads
    qh = q.view(b, nq, heads, dh).transpose(1, 2)  # [B,Nq,E] → [B,H,Nq,Dh]
    kh = k.view(b, nk, heads, dh).transpose(1, 2)  # [B,Nk,E] → [B,H,Nk,Dh]
    vh = v.view(b, nk, heads, dh).transpose(1, 2)
    scores = (qh * dh ** -0.5) @ kh.transpose(-1, -2)  # [B,H,Nq,Nk]
    if key_mask is not None:
        scores = scores + (1.0 - key_mask[:, None, None, :]) * -10000.0  # [B,Nk] → [B,1,1,Nk]
    ctx = scores.softmax(-1) @ vh  # [B,H,Nq,Dh]
    return ctx.transpose(1, 2).reshape(b, nq, e)  # [B,H,Nq,Dh] → [B,Nq,E]


def feed_forward(dim, mult):
    # open_flamingo FeedForward: LayerNorm → Linear(no bias) → GELU → Linear(no bias); indices 0,1,3.
    return nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim * mult, bias=False), nn.GELU(), nn.Linear(dim * mult, dim, bias=False))


class SquaredReLU(nn.Module):
    def forward(self, x):
        return torch.relu(x) ** 2


# ---------------------------------------------------------------- gated cross-attention


class FlamingoCrossAttention(nn.Module):
    def __init__(self, dim, dim_visual, dim_head, heads):
        super().__init__()
        inner = dim_head * heads
        self.heads = heads
        self.norm = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(dim_visual, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)

    def forward(self, x, media):
        x = self.norm(x)
        k, v = self.to_kv(media).chunk(2, dim=-1)
        return self.to_out(heads_attention(self.to_q(x), k, v, self.heads))


class GatedBlock(nn.Module):
    def __init__(self, dim, dim_visual, dim_head, heads, ff_mult):
        super().__init__()
        self.attn = FlamingoCrossAttention(dim, dim_visual, dim_head, heads)
        self.attn_gate = nn.Parameter(torch.tensor([0.0]))
        self.ff = feed_forward(dim, ff_mult)
        self.ff_gate = nn.Parameter(torch.tensor([0.0]))

    def forward(self, x, media):
        x = self.attn(x, media) * self.attn_gate.tanh() + x
        return self.ff(x) * self.ff_gate.tanh() + x


# ---------------------------------------------------------------- perceiver resampler


class PerceiverAttention(nn.Module):
    def __init__(self, dim, dim_head, heads):
        super().__init__()
        inner = dim_head * heads
        self.heads = heads
        self.norm_media = nn.LayerNorm(dim)
        self.norm_latents = nn.LayerNorm(dim)
        self.to_q = nn.Linear(dim, inner, bias=False)
        self.to_kv = nn.Linear(dim, 2 * inner, bias=False)
        self.to_out = nn.Linear(inner, dim, bias=False)

    def forward(self, media, latents):
        media = self.norm_media(media)
        latents = self.norm_latents(latents)
        kv_in = torch.cat([media, latents], dim=1)  # [B, Nv+Q, D], media first
        k, v = self.to_kv(kv_in).chunk(2, dim=-1)
        return self.to_out(heads_attention(self.to_q(latents), k, v, self.heads))


class Perceiver(nn.Module):
    def __init__(self, dim, depth, dim_head, heads, num_latents, ff_mult, activation):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(num_latents, dim))
        self.layers = nn.ModuleList()
        for _ in range(depth):
            ff = feed_forward(dim, ff_mult)
            if activation == "squared-relu":
                ff[2] = SquaredReLU()
            self.layers.append(nn.ModuleList([PerceiverAttention(dim, dim_head, heads), ff]))
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        lat = self.latents.unsqueeze(0).expand(x.shape[0], -1, -1)  # [Q,D] → [B,Q,D]
        for attn, ff in self.layers:
            lat = attn(x, lat) + lat
            lat = ff(lat) + lat
        return self.norm(lat)


# ---------------------------------------------------------------- Q-Former (query path)


class Holder(nn.Module):
    """An empty module used only to reproduce LAVIS's nested attribute names."""


class BertAttentionBlock(nn.Module):
    def __init__(self, width, kv_width, heads, eps):
        super().__init__()
        self.heads = heads
        self.self = Holder()
        self.self.query = nn.Linear(width, width)
        self.self.key = nn.Linear(kv_width, width)
        self.self.value = nn.Linear(kv_width, width)
        self.output = Holder()
        self.output.dense = nn.Linear(width, width)
        self.output.LayerNorm = nn.LayerNorm(width, eps=eps)

    def forward(self, h, kv, key_mask=None):
        s = self.self
        ctx = heads_attention(s.query(h), s.key(kv), s.value(kv), self.heads, key_mask)
        return self.output.LayerNorm(self.output.dense(ctx) + h)  # BertSelfOutput: post-LN residual


class QFormerLayer(nn.Module):
    def __init__(self, width, vision_width, heads, inter, eps, cross, instruct):
        super().__init__()
        self.instruct = instruct
        if instruct:  # the text FFN (BertIntermediate / BertOutput) that InstructBLIP keeps
            self.intermediate = Holder()
            self.intermediate.dense = nn.Linear(width, inter)
            self.output = Holder()
            self.output.dense = nn.Linear(inter, width)
            self.output.LayerNorm = nn.LayerNorm(width, eps=eps)
        self.attention = BertAttentionBlock(width, width, heads, eps)
        self.has_cross = cross
        if cross:
            self.crossattention = BertAttentionBlock(width, vision_width, heads, eps)
        self.intermediate_query = Holder()
        self.intermediate_query.dense = nn.Linear(width, inter)
        self.output_query = Holder()
        self.output_query.dense = nn.Linear(inter, width)
        self.output_query.LayerNorm = nn.LayerNorm(width, eps=eps)

    def forward(self, h, vision, n_queries, key_mask=None):
        h = self.attention(h, h, key_mask)
        hq, ht = h[:, :n_queries], h[:, n_queries:]  # queries first, then instruction tokens
        if self.has_cross:
            hq = self.crossattention(hq, vision)
        f = F.gelu(self.intermediate_query.dense(hq))
        hq = self.output_query.LayerNorm(self.output_query.dense(f) + hq)
        if ht.shape[1] == 0:
            return hq
        g = F.gelu(self.intermediate.dense(ht))
        return torch.cat([hq, self.output.LayerNorm(self.output.dense(g) + ht)], dim=1)


class QFormerOPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, eps = c["hiddenDim"], c["eps"]
        self.query_tokens = nn.Parameter(torch.zeros(1, c["numQueries"], w).normal_(0, 0.02))
        self.Qformer = Holder()
        self.Qformer.bert = Holder()
        self.Qformer.bert.embeddings = Holder()
        self.Qformer.bert.embeddings.LayerNorm = nn.LayerNorm(w, eps=eps)
        self.Qformer.bert.encoder = Holder()
        self.Qformer.bert.encoder.layer = nn.ModuleList(
            [QFormerLayer(w, c["visionDim"], c["numHeads"], c["ffnDim"], eps, l % c["crossAttentionFreq"] == 0, c.get("instructionAware", False))
             for l in range(c["depth"])]
        )
        setattr(self, c["projName"], nn.Linear(w, c["llmDim"]))
        self.proj_name = c["projName"]

    def forward(self, vision, text=None, mask=None):
        """text: embedded instruction tokens [B,Nt,W] (word + position embeddings); mask [B,Nt]."""
        nq = self.query_tokens.shape[1]
        h = self.query_tokens.expand(vision.shape[0], -1, -1)
        key_mask = None
        if text is not None:
            h = torch.cat([h, text], dim=1)  # BertEmbeddings: cat((query_embeds, embeddings), dim=1)
            key_mask = torch.cat([torch.ones(vision.shape[0], nq), mask], dim=1) if mask is not None else None
        h = self.Qformer.bert.embeddings.LayerNorm(h)
        for layer in self.Qformer.bert.encoder.layer:
            h = layer(h, vision, nq, key_mask)
        return getattr(self, self.proj_name)(h[:, :nq])


# ---------------------------------------------------------------- Qwen-VL resampler


def sincos_1d(dim, pos):
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / 10000 ** omega
    out = pos.reshape(-1).to(torch.float64)[:, None] * omega[None, :]  # [M, D/2]
    return torch.cat([out.sin(), out.cos()], dim=1)


def sincos_2d(dim, grid):
    rows, cols = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
    # the first half encodes the column (MAE/Qwen meshgrid(w, h): "w goes first"), the second the row
    return torch.cat([sincos_1d(dim // 2, cols), sincos_1d(dim // 2, rows)], dim=1).float()


def abs_pos(table, n):
    src = int(math.sqrt(table.shape[0]))
    tgt = int(math.sqrt(n))
    if src == tgt:
        return table
    grid = table.reshape(1, src, src, -1).permute(0, 3, 1, 2)  # [s², D] → [1, D, s, s]
    out = F.interpolate(grid, size=(tgt, tgt), mode="bicubic", align_corners=False)
    return out.permute(0, 2, 3, 1).flatten(0, 2)  # [1, D, g, g] → [g², D]


class QwenResampler(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["llmDim"]
        self.grid = int(math.sqrt(c["numQueries"]))
        self.register_buffer("pos_embed", sincos_2d(d, self.grid), persistent=False)
        self.query = nn.Parameter(torch.zeros(c["numQueries"], d).normal_(0, 0.02))
        self.kv_proj = nn.Linear(c["visionDim"], d, bias=False) if c["visionDim"] != d else nn.Identity()
        self.attn = nn.MultiheadAttention(d, c["numHeads"])
        self.ln_q = nn.LayerNorm(d, eps=c["eps"])
        self.ln_kv = nn.LayerNorm(d, eps=c["eps"])

    def forward(self, x):
        pos_k = abs_pos(self.pos_embed, x.shape[1])
        x = self.ln_kv(self.kv_proj(x)).permute(1, 0, 2)  # [B,Nv,D] → [Nv,B,D] (seq-first MHA)
        q = self.ln_q(self.query).unsqueeze(1).expand(-1, x.shape[1], -1)  # [Q,D] → [Q,B,D]
        out = self.attn(q + self.pos_embed.unsqueeze(1), x + pos_k.unsqueeze(1), x, need_weights=False)[0]
        return out.permute(1, 0, 2), pos_k  # [Q,B,D] → [B,Q,D]


# ---------------------------------------------------------------- output Transformer


class OutputTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hiddenDim"]
        self.fc = nn.Linear(c["llmDim"], h)
        self.tfm = nn.Transformer(
            batch_first=True, norm_first=True, d_model=h, nhead=c["numHeads"], num_encoder_layers=c["encoderDepth"],
            num_decoder_layers=c["decoderDepth"], dim_feedforward=c["ffnDim"], dropout=0.0, layer_norm_eps=c["eps"],
        )
        self.model = nn.Linear(h, c["outputDim"])
        self.query_embs = nn.Parameter(torch.randn(1, c["numQueries"], h))

    def forward(self, hidden, input_embs):
        x = self.fc(hidden + input_embs)  # GILL: x = x + input_embs, then fc
        return self.model(self.tfm(x, self.query_embs.repeat(x.shape[0], 1, 1)))


# ---------------------------------------------------------------- fixtures


def randomise(module, gen, gates=None):
    """Give every parameter non-trivial values: LayerNorm gains 1 + 0.1·n and biases 0.1·n, other
    1D params 0.1·n, learned queries 0.5·n, matrices n/√fan_in; named gates get fixed values."""
    with torch.no_grad():
        norms = {f"{n}.weight" if n else "weight" for n, mod in module.named_modules() if isinstance(mod, nn.LayerNorm)}
        for name, p in module.named_parameters():
            if gates and name in gates:
                p.fill_(gates[name])
            elif name in norms:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            elif name in ("latents", "query", "query_embs", "query_tokens"):
                p.copy_(0.5 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[-1]))


def write(name, kind, config, module, inputs, outputs, note):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"kind": kind, "note": note}, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    weights = {k: v.detach().clone().contiguous() for k, v in module.state_dict().items()}
    # The metadata names the fixture (as the committed files do), not the kind.
    save_file(weights, os.path.join(d, "weights.safetensors"), {"kind": name, "torch": torch.__version__})
    save_file({k: v.contiguous() for k, v in inputs.items()}, os.path.join(d, "input.safetensors"))
    save_file({k: v.detach().contiguous() for k, v in outputs.items()}, os.path.join(d, "output.safetensors"))
    sizes = [os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)]
    print(f"{name}: {len(weights)} weights, {sum(w.numel() for w in weights.values())} params, largest file {max(sizes)} B")


def main():
    torch.set_grad_enabled(False)
    gen = torch.Generator().manual_seed(20240611)
    B, NV = 2, 16

    cfg = {"llmDim": 32, "visionDim": 24, "numHeads": 2, "headDim": 8, "ffnMult": 2, "activation": "gelu"}
    m = GatedBlock(32, 24, 8, 2, 2).eval()
    randomise(m, gen, gates={"attn_gate": 0.6, "ff_gate": -0.4})
    text, vision = torch.randn(B, 5, 32, generator=gen), torch.randn(B, NV, 24, generator=gen)
    write("gated-cross-attention", "gated-cross-attention", cfg, m, {"text": text, "vision": vision}, {"tokens": m(text, vision)},
          "OpenFlamingo GatedCrossAttentionBlock, gates open")

    cfg = {"visionDim": 32, "depth": 2, "numHeads": 4, "headDim": 8, "numQueries": 6, "ffnMult": 2, "activation": "squared-relu"}
    m = Perceiver(32, 2, 8, 4, 6, 2, "squared-relu").eval()
    randomise(m, gen)
    vision = torch.randn(B, NV, 32, generator=gen)
    write("perceiver-resampler", "perceiver-resampler", cfg, m, {"vision": vision}, {"tokens": m(vision)},
          "OpenFlamingo PerceiverResampler layout, Squared ReLU FFN")

    cfg = {"numQueries": 4, "hiddenDim": 32, "depth": 3, "numHeads": 4, "ffnDim": 64, "crossAttentionFreq": 2,
           "visionDim": 24, "llmDim": 40, "projName": "opt_proj", "eps": 1e-12}
    m = QFormerOPT(cfg).eval()
    randomise(m, gen)
    vision = torch.randn(B, NV, 24, generator=gen)
    write("qformer", "qformer", cfg, m, {"vision": vision}, {"tokens": m(vision)}, "BLIP-2 Q-Former query path + opt_proj")

    cfg = {"numQueries": 4, "hiddenDim": 32, "depth": 2, "numHeads": 4, "ffnDim": 48, "crossAttentionFreq": 2,
           "visionDim": 24, "llmDim": 40, "projName": "llm_proj", "eps": 1e-12, "instructionAware": True}
    m = QFormerOPT(cfg).eval()
    randomise(m, gen)
    vision, text = torch.randn(B, NV, 24, generator=gen), torch.randn(B, 5, 32, generator=gen)
    mask = torch.tensor([[1.0, 1, 1, 1, 1], [1, 1, 1, 0, 0]])  # the second instruction is 3 tokens + 2 padding
    write("qformer-instruct", "qformer", cfg, m, {"vision": vision, "text": text, "mask": mask}, {"tokens": m(vision, text, mask)},
          "InstructBLIP instruction-aware Q-Former + llm_proj, padded instruction")

    cfg = {"numQueries": 9, "llmDim": 32, "numHeads": 4, "visionDim": 24, "eps": 1e-6}
    m = QwenResampler(cfg).eval()
    randomise(m, gen)
    vision = torch.randn(B, NV, 24, generator=gen)
    tokens, pos_k = m(vision)
    write("cross-attention-resampler", "cross-attention-resampler", cfg, m, {"vision": vision},
          {"tokens": tokens, "pos_query": m.pos_embed, "pos_key": pos_k}, "Qwen-VL resampler, 3x3 query grid resized to 4x4 keys")

    cfg = {"mode": "transformer", "llmDim": 40, "hiddenDim": 32, "numHeads": 4, "encoderDepth": 2, "decoderDepth": 2,
           "ffnDim": 64, "outputDim": 24, "numQueries": 5, "eps": 1e-5}
    m = OutputTransformer(cfg).eval()
    randomise(m, gen)
    hidden, embs = torch.randn(B, 3, 40, generator=gen), torch.randn(B, 3, 40, generator=gen)
    write("output-transformer", "output-transformer", cfg, m, {"vision": hidden, "text": embs}, {"tokens": m(hidden, embs)},
          "GILLMapper / NExT-GPT nn.Transformer head with input embeddings")


if __name__ == "__main__":
    main()
