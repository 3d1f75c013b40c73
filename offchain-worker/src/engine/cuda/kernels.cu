// NVRTC kernels of the CUDA backend: everything of DESIGN.md §4 except the matrix products,
// which cuBLAS runs (f16 inputs, f32 accumulation and output).
//
// Layouts: row-major. The residual stream `x` and GEMM outputs are f32; GEMM inputs
// (normalised activations) are f16, stored as raw 16-bit values so that no CUDA header is
// needed. Random streams and keys follow DESIGN.md §4 bit for bit.
//
// The same source also compiles as C++ on the host, for the tests that run every kernel
// there against the CPU reference (`host_emulation.rs`): `GONKA_HOST_EMULATION` supplies what
// NVRTC would (the thread indices, barriers, warp shuffles, f16 conversions).

#ifndef GONKA_HOST_EMULATION
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short f16;
typedef unsigned char u8;
#define DYNAMIC_SHARED(type, name) extern __shared__ type name[]
#endif

#ifndef GONKA_HOST_EMULATION
__device__ __forceinline__ f16 to_f16(float value) {
    f16 h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(value));
    return h;
}

__device__ __forceinline__ float from_f16(f16 h) {
    float value;
    asm("cvt.f32.f16 %0, %1;" : "=f"(value) : "h"(h));
    return value;
}
#endif

__device__ __forceinline__ u64 mix(u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

__device__ __forceinline__ u64 stream(u64 key, u64 index) {
    return mix(key + (index + 1ull) * 0x9E3779B97F4A7C15ull);
}

__device__ __forceinline__ float symmetric(u64 key, u64 index) {
    float uniform = (float)(stream(key, index) >> 40) * (1.0f / 16777216.0f);
    return 2.0f * uniform - 1.0f;
}

// BLAKE2b (RFC 7693) of one message of at most 128 bytes, 32-byte digest: one compression.
__constant__ u64 BLAKE2B_IV[8] = {
    0x6A09E667F3BCC908ull, 0xBB67AE8584CAA73Bull, 0x3C6EF372FE94F82Bull, 0xA54FF53A5F1D36F1ull,
    0x510E527FADE682D1ull, 0x9B05688C2B3E6C1Full, 0x1F83D9ABFB41BD6Bull, 0x5BE0CD19137E2179ull};

__constant__ u8 BLAKE2B_SIGMA[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

__device__ __forceinline__ u64 rotr64(u64 x, u32 n) { return (x >> n) | (x << (64 - n)); }

__device__ __forceinline__ void blake2b_g(u64* v, u32 a, u32 b, u32 c, u32 d, u64 x, u64 y) {
    v[a] = v[a] + v[b] + x;
    v[d] = rotr64(v[d] ^ v[a], 32);
    v[c] = v[c] + v[d];
    v[b] = rotr64(v[b] ^ v[c], 24);
    v[a] = v[a] + v[b] + y;
    v[d] = rotr64(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = rotr64(v[b] ^ v[c], 63);
}

// The first 8 bytes (little-endian) of blake2b-256 of `length` bytes in `block` (zero
// padded to 128): `key(...)` of DESIGN.md §4.
__device__ u64 blake2b_256_prefix(const u8* block, u32 length) {
    u64 m[16];
    for (u32 i = 0; i < 16; ++i) {
        u64 word = 0;
        for (u32 j = 0; j < 8; ++j) word |= (u64)block[8 * i + j] << (8 * j);
        m[i] = word;
    }
    u64 h0 = BLAKE2B_IV[0] ^ 0x01010020ull;
    u64 v[16];
    v[0] = h0;
    for (u32 i = 1; i < 8; ++i) v[i] = BLAKE2B_IV[i];
    for (u32 i = 0; i < 8; ++i) v[8 + i] = BLAKE2B_IV[i];
    v[12] ^= (u64)length;
    v[14] = ~v[14];
    for (u32 round = 0; round < 12; ++round) {
        const u8* s = BLAKE2B_SIGMA[round];
        blake2b_g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        blake2b_g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        blake2b_g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        blake2b_g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        blake2b_g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        blake2b_g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        blake2b_g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        blake2b_g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    return h0 ^ v[0] ^ v[8];
}

// `key(seed, label ‖ account ‖ nonce LE)` for a label of `label_length` bytes.
__device__ u64 nonce_key(const u8* seed, const char* label, u32 label_length, const u8* account,
                         u64 nonce) {
    u8 block[128];
    for (u32 i = 0; i < 128; ++i) block[i] = 0;
    for (u32 i = 0; i < 32; ++i) block[i] = seed[i];
    for (u32 i = 0; i < label_length; ++i) block[32 + i] = (u8)label[i];
    for (u32 i = 0; i < 32; ++i) block[32 + label_length + i] = account[i];
    for (u32 i = 0; i < 8; ++i) block[64 + label_length + i] = (u8)(nonce >> (8 * i));
    return blake2b_256_prefix(block, 72 + label_length);
}

// Each nonce's input and permutation keys, one thread per nonce: the host sends only the
// nonces (and once per batch the seed and account), not a hash per nonce.
extern "C" __global__ void __launch_bounds__(128) nonce_keys(const u8* seed, const u8* account, const u64* nonces,
                                      u32 count, u64* input_keys, u64* perm_keys) {
    u32 b = blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= count) return;
    input_keys[b] = nonce_key(seed, "input", 5, account, nonces[b]);
    perm_keys[b] = nonce_key(seed, "perm", 4, account, nonces[b]);
}

// x[b][i] = f16_round(symmetric(keys[b], i) * scale) for i < seq*dim.
extern "C" __global__ void fill_input(const u64* keys, float* x, u32 per_nonce, u32 total, float scale) {
    u32 idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    u32 b = idx / per_nonce, i = idx % per_nonce;
    x[idx] = from_f16(to_f16(symmetric(keys[b], i) * scale));
}

// out[r] = f16(rms(x[r * step + offset])), one block per output row.
extern "C" __global__ void rms_rows(const float* x, f16* out, u32 dim, u32 step, u32 offset) {
    __shared__ float partial[256];
    const float* row = x + (u64)(blockIdx.x * step + offset) * dim;
    float sum = 0.0f;
    for (u32 i = threadIdx.x; i < dim; i += blockDim.x) sum += row[i] * row[i];
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (u32 width = blockDim.x / 2; width > 0; width /= 2) {
        if (threadIdx.x < width) partial[threadIdx.x] += partial[threadIdx.x + width];
        __syncthreads();
    }
    float denominator = sqrtf(partial[0] / (float)dim + 1e-5f);
    f16* dst = out + (u64)blockIdx.x * dim;
    for (u32 i = threadIdx.x; i < dim; i += blockDim.x) dst[i] = to_f16(row[i] / denominator);
}

// Causal attention with RoPE (DESIGN.md §4) applied as q and k are read, so no pass rotates
// them in memory first: one warp per query position with an online softmax, for any sequence
// length the chain allows, with no `seq × seq` scores. Block (head, nonce, group of
// `blockDim.x / 32` positions). For the scores, lanes split a head's rotation pairs
// (i, i + head_dim/2); for the values, its dimensions: every load of a k or v row is
// coalesced. `cos_table` and `sin_table` hold cos θ and sin θ at [position · head_dim/2 + i].
// Dynamic shared memory: per warp, the rotated query and the running weighted sum
// (2 · head_dim f32); each lane reads back only what it wrote.
extern "C" __global__ void attention(const float* qkv, const float* cos_table,
                                     const float* sin_table, f16* out, u32 seq, u32 dim,
                                     u32 head_dim) {
    DYNAMIC_SHARED(float, rows);
    u32 warp = threadIdx.x / 32, lane = threadIdx.x % 32, warps = blockDim.x / 32;
    u32 s = blockIdx.z * warps + warp;
    if (s >= seq) return;
    u32 head = blockIdx.x, b = blockIdx.y, width = 3 * dim, half = head_dim / 2;
    const float* base = qkv + (u64)b * seq * width + head * head_dim;
    float* q = rows + warp * 2 * head_dim;
    float* acc = q + head_dim;
    const float* query = base + (u64)s * width;
    for (u32 i = lane; i < half; i += 32) {
        float x = query[i], y = query[i + half];
        float c = cos_table[s * half + i], n = sin_table[s * half + i];
        q[i] = x * c - y * n;
        q[i + half] = y * c + x * n;
    }
    for (u32 j = lane; j < head_dim; j += 32) acc[j] = 0.0f;
    float root = sqrtf((float)head_dim);
    float max = -__int_as_float(0x7f800000), sum = 0.0f;
    for (u32 t = 0; t <= s; ++t) {
        const float* k = base + (u64)t * width + dim;
        const float* cos_t = cos_table + t * half;
        const float* sin_t = sin_table + t * half;
        float dot = 0.0f;
        for (u32 i = lane; i < half; i += 32) {
            float x = k[i], y = k[i + half], c = cos_t[i], n = sin_t[i];
            dot += q[i] * (x * c - y * n) + q[i + half] * (y * c + x * n);
        }
        for (u32 offset = 16; offset > 0; offset /= 2) dot += __shfl_xor_sync(0xffffffffu, dot, offset);
        float score = dot / root;
        float raised = fmaxf(max, score);
        float rescale = expf(max - raised), weight = expf(score - raised);
        sum = sum * rescale + weight;
        const float* v = base + (u64)t * width + 2 * dim;
        for (u32 j = lane; j < head_dim; j += 32) acc[j] = acc[j] * rescale + weight * v[j];
        max = raised;
    }
    f16* dst = out + ((u64)b * seq + s) * dim + head * head_dim;
    for (u32 j = lane; j < head_dim; j += 32) dst[j] = to_f16(acc[j] / sum);
}

// act[r][j] = f16(silu(gate[r][j]) * gate[r][ffn + j]).
extern "C" __global__ void swiglu(const float* gate, f16* act, u32 ffn, u32 total) {
    u32 idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    u32 r = idx / ffn, j = idx % ffn;
    float g = gate[(u64)r * 2 * ffn + j], u = gate[(u64)r * 2 * ffn + ffn + j];
    act[idx] = to_f16(g / (1.0f + expf(-g)) * u);
}

// distance[b] = |z_b[perm_b] / |z_b| - target|, one block (256 threads) per nonce. The
// Fisher–Yates draws `stream(key, j) mod (out − j)` are independent, so the threads make them
// in parallel (the 64-bit remainder is the costly part); one thread then applies the swaps in
// order. `scratch` holds the permutation and the draws (2 · out u32): dynamic shared memory
// when the launch gives it, else `global_scratch` (2 · out entries per nonce).
extern "C" __global__ void distance(const float* z, const float* target, const u64* keys,
                                    u32* global_scratch, float* distances, u32 out,
                                    u32 in_shared) {
    DYNAMIC_SHARED(u32, shared_scratch);
    __shared__ double partial[256];
    u32 b = blockIdx.x;
    const float* zb = z + (u64)b * out;
    u32* p = in_shared ? shared_scratch : global_scratch + (u64)b * 2 * out;
    u32* draws = p + out;
    u64 key = keys[b];
    for (u32 i = threadIdx.x; i < out; i += blockDim.x) {
        p[i] = i;
        if (i + 1 < out) draws[i] = (u32)(stream(key, i) % (u64)(out - i));
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (u32 j = 0; j + 1 < out; ++j) {
            u32 i = out - 1 - j, r = draws[j];
            u32 held = p[i];
            p[i] = p[r];
            p[r] = held;
        }
    }
    double sum = 0.0;
    for (u32 i = threadIdx.x; i < out; i += blockDim.x) sum += (double)zb[i] * (double)zb[i];
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (u32 width = blockDim.x / 2; width > 0; width /= 2) {
        if (threadIdx.x < width) partial[threadIdx.x] += partial[threadIdx.x + width];
        __syncthreads();
    }
    float norm = (float)sqrt(partial[0]);
    __syncthreads();
    sum = 0.0;
    for (u32 m = threadIdx.x; m < out; m += blockDim.x) {
        float d = zb[p[m]] / norm - target[m];
        sum += (double)(d * d);
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (u32 width = blockDim.x / 2; width > 0; width /= 2) {
        if (threadIdx.x < width) partial[threadIdx.x] += partial[threadIdx.x + width];
        __syncthreads();
    }
    if (threadIdx.x == 0) distances[b] = (float)sqrt(partial[0]);
}
