"""Writes tests/fixtures/ggml-blocks: random blocks of each ggml block type the engine reads,
and their values as the `gguf` package (llama.cpp's own Python reader, pinned below)
expands them. The engine's expansion is tested against these files (tests/ggml_blocks.rs).

    pip install gguf==0.19.0 numpy && python3 inference-engine/tests/ggml_blocks.py
"""
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.constants import GGML_QUANT_SIZES
from gguf.quants import dequantize

OUT = pathlib.Path(__file__).parent / "fixtures" / "ggml-blocks"
BLOCKS = 4

rng = np.random.default_rng(20261130)
for kind in (T.Q4_0, T.Q4_1, T.Q8_0, T.Q4_K, T.Q6_K):
    block_len, block_bytes = GGML_QUANT_SIZES[kind]
    raw = rng.integers(0, 256, size=(BLOCKS, block_bytes), dtype=np.uint8)
    # Scales as finite f16 values of a sensible size: where each format keeps its f16 fields.
    fields = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q8_0: [0], T.Q4_K: [0, 2], T.Q6_K: [208]}[kind]
    for at in fields:
        scale = rng.uniform(-0.05, 0.05, size=BLOCKS).astype(np.float16)
        raw[:, at:at + 2] = scale.view(np.uint8).reshape(BLOCKS, 2)
    values = dequantize(raw.reshape(-1), kind).astype(np.float32)
    assert values.size == BLOCKS * block_len
    (OUT / f"{kind.name}.blocks").write_bytes(raw.tobytes())
    (OUT / f"{kind.name}.values").write_bytes(values.tobytes())
