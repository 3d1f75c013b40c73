// NVRTC kernels of the CUDA backend: everything of DESIGN.md §4 except the matrix products,
// which cuBLAS runs (f16 inputs, f32 accumulation and output).
//
// Layouts: row-major. The residual stream `x` and GEMM outputs are f32; GEMM inputs
// (normalised activations) are f16, stored as raw 16-bit values so that no CUDA header is
// needed. Random streams follow DESIGN.md §4 bit for bit.

typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short f16;

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

// RoPE on the q and k parts of each qkv row (width 3*dim): pairs (i, i + half) per head.
extern "C" __global__ void rope(float* qkv, const float* cos_table, const float* sin_table,
                                u32 rows, u32 seq, u32 dim, u32 head_dim) {
    u32 half = head_dim / 2;
    u32 per_row = 2 * dim / 2;  // q and k, one thread per pair
    u32 idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= rows * per_row) return;
    u32 r = idx / per_row, pair = idx % per_row;
    u32 part = pair / (dim / 2), within = pair % (dim / 2);
    u32 head = within / half, i = within % half;
    float* base = qkv + (u64)r * 3 * dim + part * dim + head * head_dim;
    u32 s = r % seq;
    float c = cos_table[s * half + i], sn = sin_table[s * half + i];
    float a = base[i], b = base[i + half];
    base[i] = a * c - b * sn;
    base[i + half] = b * c + a * sn;
}

// Causal attention of one (head, nonce) per block; scores in shared memory (seq*seq floats).
extern "C" __global__ void attention(const float* qkv, f16* out, u32 seq, u32 dim, u32 head_dim) {
    extern __shared__ float scores[];
    u32 head = blockIdx.x, b = blockIdx.y, width = 3 * dim;
    const float* base = qkv + (u64)b * seq * width + head * head_dim;
    float root = sqrtf((float)head_dim);
    for (u32 idx = threadIdx.x; idx < seq * seq; idx += blockDim.x) {
        u32 s = idx / seq, t = idx % seq;
        if (t > s) continue;
        const float* q = base + (u64)s * width;
        const float* k = base + (u64)t * width + dim;
        float dot = 0.0f;
        for (u32 j = 0; j < head_dim; ++j) dot += q[j] * k[j];
        scores[idx] = dot / root;
    }
    __syncthreads();
    for (u32 s = threadIdx.x; s < seq; s += blockDim.x) {
        float* row = scores + s * seq;
        float max = -__int_as_float(0x7f800000);
        for (u32 t = 0; t <= s; ++t) max = fmaxf(max, row[t]);
        float sum = 0.0f;
        for (u32 t = 0; t <= s; ++t) {
            row[t] = expf(row[t] - max);
            sum += row[t];
        }
        for (u32 t = 0; t <= s; ++t) row[t] = row[t] / sum;
    }
    __syncthreads();
    for (u32 idx = threadIdx.x; idx < seq * head_dim; idx += blockDim.x) {
        u32 s = idx / head_dim, j = idx % head_dim;
        float acc = 0.0f;
        for (u32 t = 0; t <= s; ++t) acc += scores[s * seq + t] * base[(u64)t * width + 2 * dim + j];
        out[((u64)b * seq + s) * dim + head * head_dim + j] = to_f16(acc);
    }
}

// act[r][j] = f16(silu(gate[r][j]) * gate[r][ffn + j]).
extern "C" __global__ void swiglu(const float* gate, f16* act, u32 ffn, u32 total) {
    u32 idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    u32 r = idx / ffn, j = idx % ffn;
    float g = gate[(u64)r * 2 * ffn + j], u = gate[(u64)r * 2 * ffn + ffn + j];
    act[idx] = to_f16(g / (1.0f + expf(-g)) * u);
}

// distance[b] = |z_b[perm_b] / |z_b| - target|, one block (256 threads) per nonce; perm is
// scratch of out entries per nonce.
extern "C" __global__ void distance(const float* z, const float* target, const u64* keys,
                                    u32* perm, float* distances, u32 out) {
    __shared__ double partial[256];
    u32 b = blockIdx.x;
    const float* zb = z + (u64)b * out;
    u32* p = perm + (u64)b * out;
    for (u32 i = threadIdx.x; i < out; i += blockDim.x) p[i] = i;
    __syncthreads();
    if (threadIdx.x == 0) {
        u64 key = keys[b];
        for (u32 j = 0; j + 1 < out; ++j) {
            u32 i = out - 1 - j;
            u32 r = (u32)(stream(key, j) % (u64)(i + 1));
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
