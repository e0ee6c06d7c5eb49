"""Minimal safetensors reader/writer for golden fixtures (no `safetensors` package on this machine).

Format (huggingface/safetensors README): 8-byte little-endian u64 header length N, then N bytes of
UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the raw little-endian tensor bytes; offsets are relative to the end of the header.
Departures: only F32, F16, BF16, F64, I64, I32, I16, I8, U8 and BOOL are supported; the header is
padded with spaces to a multiple of 8 bytes, as the reference writer does.
"""
import json
import struct

import torch

_DTYPES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}
_FROM_NAME = {v: k for k, v in _DTYPES.items()}


def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach().contiguous().cpu()
    # bfloat16 has no numpy dtype: reinterpret the 2-byte words as int16 before dumping.
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()  # numpy on x86 is little-endian, as the format requires


def save_file(tensors, path, metadata=None):
    """Write {name: tensor} to `path` in safetensors layout, tensors sorted by name."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        if t.dtype not in _DTYPES:
            raise ValueError(f"tensor '{name}': unsupported dtype {t.dtype}")
        data = _tensor_bytes(t)
        header[name] = {
            "dtype": _DTYPES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def load_file(path):
    """Read a safetensors file into {name: torch.Tensor} (metadata is dropped)."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 8:
        raise ValueError("file shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", buf[:8])
    if 8 + n > len(buf):
        raise ValueError(f"header length {n} exceeds file size {len(buf)}")
    header = json.loads(buf[8 : 8 + n].decode("utf-8"))
    body = buf[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _FROM_NAME.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"tensor '{name}': unknown dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        if not (0 <= begin <= end <= len(body)):
            raise ValueError(f"tensor '{name}': offsets [{begin}, {end}] out of range")
        chunk = bytearray(body[begin:end])
        storage = torch.int16 if dtype == torch.bfloat16 else dtype
        flat = torch.frombuffer(chunk, dtype=storage) if chunk else torch.empty(0, dtype=storage)
        if dtype == torch.bfloat16:
            flat = flat.view(torch.bfloat16)
        out[name] = flat.reshape(info["shape"]).clone()
    return out


if __name__ == "__main__":
    import os
    import tempfile

    g = torch.Generator().manual_seed(0)
    ts = {
        "a": torch.randn(3, 4, generator=g),
        "b": torch.arange(5, dtype=torch.int32),
        "c": torch.randn(2, generator=g).to(torch.bfloat16),
        "d": torch.randn(2, 2, generator=g).half(),
        "e": torch.arange(3, dtype=torch.int64),
    }
    p = os.path.join(tempfile.mkdtemp(), "t.safetensors")
    save_file(ts, p, {"k": "v"})
    back = load_file(p)
    for k in ts:
        assert torch.equal(ts[k], back[k]), k
    print("safetensors_io self-test ok")
