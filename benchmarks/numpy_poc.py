"""An independent numpy (OpenBLAS) implementation of the Proof-of-Compute forward pass,
written from DESIGN.md §4 and batched over nonces, used as the yardstick for the engine."""

import hashlib

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
U64 = np.uint64

PROFILES = {
    "dev": dict(dim=128, layers=2, heads=4, ffn=344, seq=16, out=1024),
    "testnet": dict(dim=512, layers=8, heads=8, ffn=1376, seq=32, out=4096),
}


def key(*parts: bytes) -> int:
    digest = hashlib.blake2b(b"".join(parts), digest_size=32).digest()
    return int.from_bytes(digest[:8], "little")


def mix(z):
    with np.errstate(over="ignore"):
        z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


def stream(k, index):
    """stream(k, i) for an array of keys `k` broadcast against indices `index` (uint64)."""
    with np.errstate(over="ignore"):
        return mix(np.asarray(k, dtype=U64) + (np.asarray(index, dtype=U64) + U64(1)) * GAMMA)


def symmetric(k, index):
    uniform = (stream(k, index) >> U64(40)).astype(np.float32) * np.float32(2.0**-24)
    return np.float32(2.0) * uniform - np.float32(1.0)


def f16_round(x):
    return x.astype(np.float16).astype(np.float32)


class Model:
    def __init__(self, seed: bytes, p: dict):
        self.seed, self.p = seed, p
        dim, ffn, out = p["dim"], p["ffn"], p["out"]

        def weights(label, rows, cols):
            scale = np.float32(np.sqrt(np.float32(3.0) / np.float32(rows)))
            idx = np.arange(rows * cols, dtype=U64)
            return f16_round(symmetric(key(seed, label.encode()), idx) * scale).reshape(rows, cols)

        self.layers = []
        for l in range(p["layers"]):
            w = lambda name, r, c: weights(f"layer.{l}.{name}", r, c)
            self.layers.append(
                dict(
                    wqkv=np.ascontiguousarray(np.hstack([w("wq", dim, dim), w("wk", dim, dim), w("wv", dim, dim)])),
                    wo=w("wo", dim, dim),
                    w13=np.ascontiguousarray(np.hstack([w("w1", dim, ffn), w("w3", dim, ffn)])),
                    w2=w("w2", ffn, dim),
                )
            )
        self.head = weights("head", dim, out)
        t = symmetric(key(seed, b"target"), np.arange(out, dtype=U64))
        self.target = (t / np.float32(np.sqrt(np.sum(t.astype(np.float64) ** 2)))).astype(np.float32)
        hd = dim // p["heads"]
        s = np.arange(p["seq"], dtype=np.float64)[:, None]
        i = np.arange(hd // 2, dtype=np.float64)[None, :]
        theta = s * 10000.0 ** (-2.0 * i / hd)
        self.cos, self.sin = np.cos(theta).astype(np.float32), np.sin(theta).astype(np.float32)

    def distances(self, account: bytes, nonces) -> np.ndarray:
        p = self.p
        dim, heads, ffn, seq, out = p["dim"], p["heads"], p["ffn"], p["seq"], p["out"]
        hd, B = dim // heads, len(nonces)
        tags = [account + int(n).to_bytes(8, "little") for n in nonces]
        in_keys = np.array([key(self.seed, b"input", t) for t in tags], dtype=U64)
        perm_keys = np.array([key(self.seed, b"perm", t) for t in tags], dtype=U64)

        idx = np.arange(seq * dim, dtype=U64)[None, :]
        x = f16_round(symmetric(in_keys[:, None], idx) * np.float32(np.sqrt(np.float32(3.0))))
        x = x.reshape(B * seq, dim)

        def rms(v):
            return v / np.sqrt(np.mean(v * v, axis=-1, keepdims=True) + np.float32(1e-5))

        def rope(m):  # m: (B, seq, heads, hd)
            a, b = m[..., : hd // 2], m[..., hd // 2 :]
            c, s = self.cos[None, :, None, :], self.sin[None, :, None, :]
            return np.concatenate([a * c - b * s, b * c + a * s], axis=-1)

        mask = np.triu(np.full((seq, seq), -np.inf, dtype=np.float32), k=1)
        for layer in self.layers:
            qkv = rms(x) @ layer["wqkv"]
            q, k, v = (qkv[:, i * dim : (i + 1) * dim].reshape(B, seq, heads, hd) for i in range(3))
            q, k = rope(q).transpose(0, 2, 1, 3), rope(k).transpose(0, 2, 1, 3)
            v = v.transpose(0, 2, 1, 3)
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(np.float32(hd))) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            attention = (scores @ v).transpose(0, 2, 1, 3).reshape(B * seq, dim)
            x = x + attention @ layer["wo"]
            g = rms(x) @ layer["w13"]
            gate, up = g[:, :ffn], g[:, ffn:]
            x = x + (gate / (np.float32(1.0) + np.exp(-gate)) * up) @ layer["w2"]

        last = rms(x.reshape(B, seq, dim)[:, -1, :])
        z = last @ self.head
        perm = np.tile(np.arange(out), (B, 1))
        rows = np.arange(B)
        for j in range(out - 1):
            i = out - 1 - j
            r = (stream(perm_keys, U64(j)) % U64(i + 1)).astype(np.int64)
            held = perm[rows, i].copy()
            perm[rows, i] = perm[rows, r]
            perm[rows, r] = held
        norm = np.sqrt(np.sum(z.astype(np.float64) ** 2, axis=1, keepdims=True)).astype(np.float32)
        u = np.take_along_axis(z, perm, axis=1) / norm
        return np.sqrt(np.sum((u - self.target[None, :]).astype(np.float64) ** 2, axis=1)).astype(np.float32)
