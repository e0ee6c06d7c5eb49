"""Golden fixtures for the non-attention projector kinds, computed by faithful PyTorch modules.

Each fixture dir tests/fixtures/golden/<name>/ holds meta.json ({kind, note}), config.json (the tfjs
module's config), weights.safetensors (PyTorch names and layouts), input.safetensors (`vision`,
and `text`/`mask` where the kind reads text) and output.safetensors (`tokens` plus trace tensors).
The modules below are written from the reference code's structure (names cited per class); weights
are random (not the default init) so that LayerNorm gains/biases and biases are exercised.
Run: /usr/bin/python3 scripts/golden/basic_kinds.py
"""
import json
import math
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "golden")


# ---------------------------------------------------------------- modules
class LinearProj(nn.Module):
    """LLaVA mm_projector / MiniGPT-4 llama_proj (+ MiniGPT-4 LLaMA-2 concat view, GILL split reshape)."""

    def __init__(self, dv, dm, concat=1, split=1):
        super().__init__()
        self.concat, self.split, self.dm = concat, split, dm
        self.proj = nn.Linear(dv * concat, dm * split)

    def forward(self, x):
        b, n, c = x.shape
        x = x.view(b, n // self.concat, c * self.concat)  # minigpt4.py encode_img (LLaMA-2 variant)
        return self.proj(x).reshape(b, -1, self.dm)  # gill/models.py visual_embs reshape

    def named_weights(self):
        return {"weight": self.proj.weight, "bias": self.proj.bias}


def llava_mlp(dv, dm, depth):
    """LLaVA builder.py mlp{n}x_gelu."""
    mods = [nn.Linear(dv, dm)]
    for _ in range(1, depth):
        mods += [nn.GELU(), nn.Linear(dm, dm)]
    return nn.Sequential(*mods)


class LowRank(nn.Module):
    def __init__(self, dv, r, dm):
        super().__init__()
        self.down = nn.Linear(dv, r, bias=False)
        self.up = nn.Linear(r, dm)

    def forward(self, x):
        return self.up(self.down(x))


def internvl_pixel_shuffle(x, scale_factor, ps_version):
    """modeling_internvl_chat.py pixel_shuffle, re-typed from its documented view/permute steps."""
    n, w, h, c = x.size()
    x = x.view(n, w, int(h * scale_factor), int(c / scale_factor))
    x = x.permute(0, 2, 1, 3).contiguous()
    x = x.view(n, int(h * scale_factor), int(w * scale_factor), int(c / (scale_factor * scale_factor)))
    if ps_version != "v1":
        x = x.permute(0, 2, 1, 3).contiguous()
    return x


class PixelShuffleMLP(nn.Module):
    def __init__(self, dv, dm, r, ps_version):
        super().__init__()
        self.r, self.ps = r, ps_version
        self.mlp1 = nn.Sequential(nn.LayerNorm(dv * r * r), nn.Linear(dv * r * r, dm), nn.GELU(), nn.Linear(dm, dm))

    def forward(self, x):
        b, n, c = x.shape
        h = int(math.isqrt(n))
        g = x.reshape(b, h, h, c)
        s = internvl_pixel_shuffle(g, 1.0 / self.r, self.ps)
        s = s.reshape(b, -1, s.shape[-1])
        return self.mlp1(s), s


class LayerNorm2d(nn.LayerNorm):
    """timm LayerNormAct2d / LayerNorm2d: LayerNorm over channels of NCHW, optional activation."""

    def __init__(self, c, eps=1e-5, act=None):
        super().__init__(c, eps=eps)
        self.act = act if act is not None else nn.Identity()

    def forward(self, x):
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(0, 3, 1, 2)
        return self.act(x)


class TvSE(nn.Module):
    """torchvision.ops.SqueezeExcitation with scale_activation=Hardsigmoid (ReLU inside)."""

    def __init__(self, c, s):
        super().__init__()
        self.fc1 = nn.Conv2d(c, s, 1)
        self.fc2 = nn.Conv2d(s, c, 1)

    def forward(self, x):
        scale = F.adaptive_avg_pool2d(x, 1)
        scale = self.fc2(F.relu(self.fc1(scale)))
        return x * F.hardsigmoid(scale)


def make_divisible(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


class InvertedResidualHS(nn.Module):
    """torchvision InvertedResidual for InvertedResidualConfig(d, 3, d, d, True, "HS", stride, 1, 1)."""

    def __init__(self, d, stride, eps):
        super().__init__()
        self.stride = stride
        s = make_divisible(d // 4)
        self.block = nn.Sequential(
            nn.Sequential(nn.Conv2d(d, d, 3, stride, 1, groups=d, bias=False), LayerNorm2d(d, eps), nn.Hardswish()),
            TvSE(d, s),
            nn.Sequential(nn.Conv2d(d, d, 1, bias=False), LayerNorm2d(d, eps)),
        )

    def forward(self, x):
        y = self.block(x)
        return y + x if self.stride == 1 else y


class LDPBlock(nn.Module):
    """MobileVLM vision_projector.py LDPBlock."""

    def __init__(self, dv, d, eps=1e-5):
        super().__init__()
        self.mlp = nn.Sequential(nn.Identity(), nn.Linear(dv, d), nn.GELU(), nn.Linear(d, d))
        self.mb_block = nn.Sequential(nn.Identity(), InvertedResidualHS(d, 1, eps), InvertedResidualHS(d, 2, eps))

    def forward(self, x):
        b, n, c = x.shape
        h = int(math.isqrt(n))
        x = self.mlp(x)
        x = x.permute(0, 2, 1).reshape(b, -1, h, h)
        x = self.mb_block(x)
        return x.flatten(2).permute(0, 2, 1)


class LDPv1(nn.Module):
    def __init__(self, dv, d):
        super().__init__()
        self.model = LDPBlock(dv, d)

    def forward(self, x):
        return self.model(x)


class FeatureIR(nn.Module):
    def __init__(self, dv, d):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(dv, d), nn.GELU(), nn.Linear(d, d))


class PosInject(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.peg = nn.Sequential(nn.Conv2d(d, d, 3, 1, 1, bias=True, groups=d))


class LDPv2(nn.Module):
    """MobileVLM vision_projector.py LDPNetV2Projector (FeatureIRLayer, TokenDownLayer, PosInjectLayer)."""

    def __init__(self, dv, d, pool):
        super().__init__()
        self.mlp = FeatureIR(dv, d)
        self.pool = pool
        self.peg = PosInject(d)

    def forward(self, x):
        x = self.mlp.mlp(x)
        b, n, c = x.shape
        h = int(math.isqrt(n))
        x = x.permute(0, 2, 1).reshape(b, -1, h, h)
        x = F.adaptive_avg_pool2d(x, (self.pool, self.pool)).flatten(2).transpose(1, 2)
        b, n, c = x.shape
        h = int(math.isqrt(n))
        f = x.transpose(1, 2).reshape(b, c, h, h)
        x = self.peg.peg(f) + f
        return x.flatten(2).transpose(1, 2)


class ConvNormAct(nn.Module):
    """timm ConvNormAct naming: .conv then .bn (here a LayerNorm2d with optional SiLU)."""

    def __init__(self, cin, cout, k, groups=1, act=True, eps=1e-5):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, 1, k // 2, groups=groups, bias=False)
        self.bn = LayerNorm2d(cout, eps, nn.SiLU() if act else None)

    def forward(self, x):
        return self.bn(self.conv(x))


class TimmSE(nn.Module):
    """timm SEModule with act SiLU and sigmoid gate."""

    def __init__(self, c, rd):
        super().__init__()
        self.fc1 = nn.Conv2d(c, rd, 1)
        self.fc2 = nn.Conv2d(rd, c, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.fc2(F.silu(self.fc1(s))))


class RegBottleneck(nn.Module):
    """timm regnet Bottleneck: bottle_ratio 1, group_size 1, se_ratio 0.25, SiLU, LayerNorm2d."""

    def __init__(self, cin, cout, eps=1e-5):
        super().__init__()
        self.conv1 = ConvNormAct(cin, cout, 1, eps=eps)
        self.conv2 = ConvNormAct(cout, cout, 3, groups=cout, eps=eps)
        self.se = TimmSE(cout, int(round(cin * 0.25)))
        self.conv3 = ConvNormAct(cout, cout, 1, act=False, eps=eps)
        self.downsample = ConvNormAct(cin, cout, 1, act=False, eps=eps) if cin != cout else None

    def forward(self, x):
        shortcut = x
        x = self.conv3(self.se(self.conv2(self.conv1(x))))
        x = x + (self.downsample(shortcut) if self.downsample is not None else shortcut)
        return F.silu(x)


class RegStage(nn.Module):
    def __init__(self, depth, cin, cout):
        super().__init__()
        for i in range(depth):
            self.add_module(f"b{i + 1}", RegBottleneck(cin if i == 0 else cout, cout))

    def forward(self, x):
        for m in self.children():
            x = m(x)
        return x


class CAbstractor(nn.Module):
    """Honeybee projectors.py CAbstractor (pos_emb + RegStage + AdaptiveAvgPool2d + RegStage + readout)."""

    def __init__(self, dv, dh, dm, depth, mlp_depth, n_queries, n_in):
        super().__init__()
        self.pos_emb = nn.Parameter(torch.zeros(1, n_in, dv))
        hw = int(math.isqrt(n_queries))
        self.net = nn.Sequential(RegStage(depth, dv, dh), nn.AdaptiveAvgPool2d((hw, hw)), RegStage(depth, dh, dh))
        mods = [nn.Linear(dh, dm)]
        for _ in range(1, mlp_depth):
            mods += [nn.SiLU(), nn.Linear(dm, dm)]
        self.readout = nn.Sequential(*mods)

    def forward(self, x):
        x = x + self.pos_emb
        b, n, c = x.shape
        h = int(math.isqrt(n))
        x = x.reshape(b, h, h, c).permute(0, 3, 1, 2)  # "b (h w) d -> b d h w"
        x = self.net(x)
        x = x.permute(0, 2, 3, 1).reshape(b, -1, x.shape[1])  # "b d h w -> b (h w) d"
        return self.readout(x)


class TokenSelection(nn.Module):
    def __init__(self, dv, dm, keep, score):
        super().__init__()
        self.proj = nn.Linear(dv, dm)
        self.keep, self.score = keep, score

    def forward(self, v, t, mask):
        p = self.proj(v)
        m = mask.unsqueeze(2)
        pooled = (t * m).sum(1) / m.sum(1).clamp_min(1e-12)
        s = torch.bmm(p, pooled.unsqueeze(2)).squeeze(2)
        if self.score == "cosine":
            s = s / p.norm(dim=2).clamp_min(1e-12) / pooled.norm(dim=1, keepdim=True).clamp_min(1e-12)
        idx = torch.topk(s, self.keep, dim=1).indices.sort(dim=1).values
        tokens = torch.gather(p, 1, idx.unsqueeze(2).expand(-1, -1, p.shape[2]))
        return tokens, s, idx


class DualProjection(nn.Module):
    """openai/CLIP model.py: visual.proj, text_projection (x @ proj), logit_scale."""

    def __init__(self, dv, dt, e):
        super().__init__()
        self.visual = nn.Module()
        self.visual.proj = nn.Parameter(torch.randn(dv, e) * dv**-0.5)
        self.text_projection = nn.Parameter(torch.randn(dt, e) * dt**-0.5)
        self.logit_scale = nn.Parameter(torch.ones([]) * math.log(1 / 0.07))

    def forward(self, v, t):
        img = v[:, 0] @ self.visual.proj
        txt = t[:, 0] @ self.text_projection
        img = img / img.norm(dim=1, keepdim=True)
        txt = txt / txt.norm(dim=1, keepdim=True)
        logits = self.logit_scale.exp() * img @ txt.t()
        labels = torch.arange(v.shape[0])
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
        return img, txt, logits, loss


class Codebook(nn.Module):
    def __init__(self, k, d, beta):
        super().__init__()
        self.embedding = nn.Embedding(k, d)
        self.beta = beta

    def forward(self, z):
        b, n, d = z.shape
        zf = z.reshape(-1, d)
        e = self.embedding.weight
        dist = (zf**2).sum(1, keepdim=True) - 2 * zf @ e.t() + (e**2).sum(1)[None, :]
        idx = dist.argmin(1)
        q = e[idx]
        codebook = ((zf.detach() - q) ** 2).mean()
        commit = ((zf - q.detach()) ** 2).mean()
        st = zf + (q - zf).detach()
        usage = torch.bincount(idx, minlength=e.shape[0]).float()
        p = usage / idx.numel()
        perplexity = torch.exp(-(p * torch.log(p + 1e-10)).sum())
        return st.reshape(b, n, d), idx.reshape(b, n), codebook, commit, codebook + self.beta * commit, usage, perplexity


# ---------------------------------------------------------------- helpers
def randomize(module, gen, scale=0.5):
    """Random weights (not the default init) so every gain, bias and weight matters."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * scale)


def write(name, kind, config, weights, inputs, outputs, note):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump({"kind": kind, "note": note}, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    save_file({k: v.detach().float().contiguous() for k, v in weights.items()}, os.path.join(d, "weights.safetensors"))
    save_file({k: v.detach().contiguous() for k, v in inputs.items()}, os.path.join(d, "input.safetensors"))
    save_file({k: v.detach().contiguous() for k, v in outputs.items()}, os.path.join(d, "output.safetensors"))
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    assert size < 200_000, f"{name}: fixture is {size} bytes"
    print(f"{name:28s} {size:7d} bytes")


def state(module, drop_prefix=""):
    return {k[len(drop_prefix):] if k.startswith(drop_prefix) else k: v for k, v in module.state_dict().items()}


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1234)
    rn = lambda *s: torch.randn(*s, generator=gen)  # noqa: E731

    with torch.no_grad():
        # linear (LLaVA): Dv 24 → Dm 32
        m = LinearProj(24, 32)
        randomize(m, gen)
        x = rn(2, 16, 24)
        write("linear", "linear", {"visionDim": 24, "llmDim": 32}, m.named_weights(), {"vision": x}, {"tokens": m(x)}, "LLaVA mm_projector")

        # linear with concat 4 (MiniGPT-4 LLaMA-2) and split 2 (GILL-style)
        m = LinearProj(12, 16, concat=4, split=2)
        randomize(m, gen)
        x = rn(2, 16, 12)
        write("linear-concat-split", "linear", {"visionDim": 12, "llmDim": 16, "concat": 4, "split": 2}, m.named_weights(), {"vision": x}, {"tokens": m(x)}, "concat view + split reshape")

        # mlp2x_gelu and mlp3x_gelu
        m = llava_mlp(24, 32, 2)
        randomize(m, gen)
        x = rn(2, 16, 24)
        write("mlp", "mlp", {"visionDim": 24, "llmDim": 32, "depth": 2}, state(m), {"vision": x}, {"tokens": m(x)}, "LLaVA-1.5 mlp2x_gelu")
        m = llava_mlp(24, 32, 3)
        randomize(m, gen)
        x = rn(1, 9, 24)
        write("mlp-depth3", "mlp", {"visionDim": 24, "llmDim": 32, "depth": 3}, state(m), {"vision": x}, {"tokens": m(x)}, "mlp3x_gelu")

        m = LowRank(24, 6, 32)
        randomize(m, gen)
        x = rn(2, 16, 24)
        write("low-rank", "low-rank", {"visionDim": 24, "rank": 6, "llmDim": 32}, state(m), {"vision": x}, {"tokens": m(x)}, "factorised linear")

        for ver in ("v2", "v1"):
            m = PixelShuffleMLP(8, 32, 2, ver)
            randomize(m, gen)
            x = rn(2, 16, 8)  # 4×4 grid → 2×2
            tokens, shuffled = m(x)
            name = "pixel-shuffle-mlp" if ver == "v2" else "pixel-shuffle-mlp-v1"
            write(name, "pixel-shuffle-mlp", {"visionDim": 8, "llmDim": 32, "downsample": 2, "psVersion": ver}, state(m.mlp1), {"vision": x}, {"tokens": tokens, "shuffled": shuffled}, f"InternVL pixel_shuffle ps_version {ver}")

        m = LDPv1(16, 32)
        randomize(m, gen, 0.3)
        x = rn(2, 25, 16)  # 5×5 grid → stride 2 → 3×3
        write("ldp", "ldp", {"visionDim": 16, "llmDim": 32, "version": 1}, state(m), {"vision": x}, {"tokens": m(x)}, "MobileVLM LDP v1, odd grid 5×5 → 3×3")

        m = LDPv2(16, 32, 4)
        randomize(m, gen, 0.3)
        x = rn(2, 36, 16)  # 6×6 → adaptive 4×4 (uneven bins)
        write("ldp-v2", "ldp", {"visionDim": 16, "llmDim": 32, "version": 2, "poolSize": 4}, state(m), {"vision": x}, {"tokens": m(x)}, "MobileVLM LDPv2, 6×6 → 4×4")

        m = CAbstractor(16, 16, 24, 2, 2, 9, 25)
        randomize(m, gen, 0.3)
        x = rn(2, 25, 16)  # 5×5 → adaptive 3×3
        write("c-abstractor", "c-abstractor", {"visionDim": 16, "hiddenDim": 16, "llmDim": 24, "depth": 2, "mlpDepth": 2, "numQueries": 9, "numInputTokens": 25}, state(m), {"vision": x}, {"tokens": m(x)}, "Honeybee C-Abstractor, 5×5 → 3×3")

        m = CAbstractor(12, 16, 24, 1, 2, 4, 16)
        randomize(m, gen, 0.3)
        x = rn(1, 16, 12)
        write("c-abstractor-shortcut", "c-abstractor", {"visionDim": 12, "hiddenDim": 16, "llmDim": 24, "depth": 1, "mlpDepth": 2, "numQueries": 4, "numInputTokens": 16}, state(m), {"vision": x}, {"tokens": m(x)}, "Dv ≠ hidden: first block has a 1×1 conv + LN shortcut")

        m = TokenSelection(24, 32, 5, "cosine")
        randomize(m, gen)
        v, t = rn(2, 16, 24), rn(2, 6, 32)
        mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]], dtype=torch.float32)
        tokens, s, idx = m(v, t, mask)
        write("token-selection", "token-selection", {"visionDim": 24, "llmDim": 32, "keep": 5, "score": "cosine"}, state(m), {"vision": v, "text": t, "mask": mask}, {"tokens": tokens, "scores": s, "keptIndices": idx.int()}, "cosine score against masked-mean text")

        m = DualProjection(24, 16, 8)
        with torch.no_grad():
            m.logit_scale.fill_(1.7)
        v, t = rn(4, 1, 24), rn(4, 1, 16)
        img, txt, logits, loss = m(v, t)
        w = {"visual.proj": m.visual.proj, "text_projection": m.text_projection, "logit_scale": m.logit_scale}
        write("dual-projection", "dual-projection", {"visionDim": 24, "textDim": 16, "embedDim": 8}, w, {"vision": v, "text": t}, {"tokens": img.unsqueeze(1), "imageEmbeds": img, "textEmbeds": txt, "logitsPerImage": logits, "clipLoss": loss}, "CLIP projections + symmetric InfoNCE")

        m = Codebook(16, 8, 0.25)
        randomize(m, gen)
        z = rn(2, 12, 8)
        st, idx, cb, cm, loss, usage, ppl = m(z)
        write("codebook", "codebook", {"codebookSize": 16, "codeDim": 8, "beta": 0.25}, state(m), {"vision": z}, {"tokens": st, "indices": idx.int(), "codebookLoss": cb, "commitmentLoss": cm, "loss": loss, "usage": usage, "perplexity": ppl}, "VQ nearest code + VQ-VAE loss")


if __name__ == "__main__":
    main()
