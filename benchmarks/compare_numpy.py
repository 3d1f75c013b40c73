#!/usr/bin/env python3
"""Runs the engine and the independent numpy implementation side by side on this machine and
prints their throughput and ratios.

usage: compare_numpy.py POC_THROUGHPUT_BINARY [SECONDS]

Both implementations first compute the same nonces, and the comparison stops if their
distances differ by more than 1e-4 (so the race is between two correct implementations).
Targets (issue 3): engine >= 3x numpy on dev, >= 1.25x on testnet, and the testnet forward
pass at >= 75% of the large-SGEMM throughput measured in the same run.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_poc import PROFILES, Model  # noqa: E402

SEED, ACCOUNT = bytes([0x42] * 32), bytes([0x17] * 32)
BATCH = {"dev": 1024, "testnet": 64}


def flops_per_nonce(p):
    dim, layers, ffn, seq, out = p["dim"], p["layers"], p["ffn"], p["seq"], p["out"]
    per_layer = 4 * seq * dim * dim + 3 * seq * dim * ffn + seq * (seq + 1) * dim
    return 2 * (layers * per_layer + dim * out)


def numpy_sgemm_gflops(size=2048):
    a = np.full((size, size), 0.5, dtype=np.float32)
    b = np.full((size, size), 0.25, dtype=np.float32)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def numpy_throughput(model, name, seconds):
    batch, evaluated, nonce = BATCH[name], 0, 1_000_000
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        model.distances(ACCOUNT, range(nonce, nonce + batch))
        evaluated += batch
        nonce += batch
    return evaluated / (time.perf_counter() - start)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary, seconds = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    numpy_peak = numpy_sgemm_gflops()
    print(f"numpy large SGEMM (2048^3): {numpy_peak:.1f} GFLOP/s")
    failures = []
    for name in ("dev", "testnet"):
        p = PROFILES[name]
        engine = json.loads(subprocess.check_output([binary, name, str(seconds), "4"], text=True))
        model = Model(SEED, p)
        reference = model.distances(ACCOUNT, range(4))
        worst = float(np.max(np.abs(reference - np.array(engine["distances"], dtype=np.float32))))
        if worst > 1e-4:
            sys.exit(f"{name}: numpy and engine disagree by {worst:.2e}: {reference} vs {engine['distances']}")
        ours = numpy_throughput(model, name, seconds)
        ratio = engine["nonces_per_s"] / ours
        numpy_gflops = ours * flops_per_nonce(p) / 1e9
        peak = max(engine["large_sgemm_gflops"], numpy_peak)
        share = engine["gflops"] / peak
        print(
            f"{name:8} engine {engine['nonces_per_s']:9.1f} nonces/s ({engine['gflops']:6.1f} GFLOP/s, "
            f"{engine['threads']} threads) | numpy {ours:9.1f} nonces/s ({numpy_gflops:6.1f} GFLOP/s) | "
            f"ratio {ratio:5.2f}x | {100 * share:5.1f}% of large SGEMM ({peak:.1f} GFLOP/s) | "
            f"max |diff| {worst:.1e} | model built in {engine['model_build_seconds']:.2f} s, "
            f"{engine['weight_bytes'] / 2**20:.0f} MiB"
        )
        target = {"dev": 3.0, "testnet": 1.25}[name]
        if ratio < target:
            failures.append(f"{name}: ratio {ratio:.2f} below {target}")
        if name == "testnet" and share < 0.75:
            failures.append(f"testnet: {100 * share:.1f}% of large SGEMM, below 75%")
    print("targets: " + ("all met" if not failures else "; ".join(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
