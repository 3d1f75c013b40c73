// The decoder's kernels between the cuBLAS products (inference-engine/src/cuda/decoder.rs).
// Activations between layers stay f32 on the device; products take f16 inputs; the KV cache
// is f16. No CUDA headers: NVRTC compiles this alone.

typedef unsigned short f16;

__device__ __forceinline__ float from_f16(f16 h) {
    float value;
    asm("cvt.f32.f16 %0, %1;" : "=f"(value) : "h"(h));
    return value;
}

__device__ __forceinline__ f16 to_f16(float value) {
    f16 h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(value));
    return h;
}

__device__ __forceinline__ float warp_sum(float value) {
    for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_xor_sync(0xffffffff, value, offset);
    return value;
}

// The factor of RMSNorm of one row of `width`, for a block of threads.
__device__ float rms_factor(const float* row, int width, float eps) {
    __shared__ float partial[32];
    float sum = 0.0f;
    for (int i = threadIdx.x; i < width; i += blockDim.x) sum += row[i] * row[i];
    sum = warp_sum(sum);
    if ((threadIdx.x & 31) == 0) partial[threadIdx.x >> 5] = sum;
    __syncthreads();
    if (threadIdx.x < 32) {
        sum = threadIdx.x < (blockDim.x >> 5) ? partial[threadIdx.x] : 0.0f;
        sum = warp_sum(sum);
        if (threadIdx.x == 0) partial[0] = sum;
    }
    __syncthreads();
    return rsqrtf(partial[0] / width + eps);
}

// One block per row of `width`: the row times 1/sqrt(mean square + eps) times `scale`, in f16
// for the next product.
extern "C" __global__ void rms_norm_half(const float* x, const float* scale, f16* out, int width, float eps) {
    const float* row = x + (size_t)blockIdx.x * width;
    const float factor = rms_factor(row, width, eps);
    for (int i = threadIdx.x; i < width; i += blockDim.x)
        out[(size_t)blockIdx.x * width + i] = to_f16(row[i] * factor * scale[i]);
}

// The same in f32: the final states.
extern "C" __global__ void rms_norm_float(const float* x, const float* scale, float* out, int width, float eps) {
    const float* row = x + (size_t)blockIdx.x * width;
    const float factor = rms_factor(row, width, eps);
    for (int i = threadIdx.x; i < width; i += blockDim.x)
        out[(size_t)blockIdx.x * width + i] = row[i] * factor * scale[i];
}

// One block per token: biases (zeros for a model without), the rotary embedding of the token's
// position on every query and key head, and its keys and values appended to the cache.
// `adjacent` pairs dimensions 2i and 2i+1 (GGUF's Llama), otherwise i and i + d/2.
extern "C" __global__ void qkv_epilogue(float* q, const float* k, const float* v, const float* q_bias,
                                        const float* k_bias, const float* v_bias,
                                        const float* frequencies, f16* key_cache, f16* value_cache,
                                        int first, int heads, int kv_heads, int head_dim, int adjacent) {
    const int t = blockIdx.x;
    const int position = first + t;
    const int half = head_dim / 2;
    const int q_width = heads * head_dim;
    const int kv_width = kv_heads * head_dim;
    for (int pair = threadIdx.x; pair < (heads + kv_heads) * half; pair += blockDim.x) {
        const bool is_query = pair < heads * half;
        const int index = is_query ? pair : pair - heads * half;
        const int head = index / half, i = index % half;
        const int a = head * head_dim + (adjacent ? 2 * i : i);
        const int b = head * head_dim + (adjacent ? 2 * i + 1 : i + half);
        const float* row = is_query ? q + (size_t)t * q_width : k + (size_t)t * kv_width;
        const float* bias = is_query ? q_bias : k_bias;
        const float x = row[a] + bias[a];
        const float y = row[b] + bias[b];
        const float angle = (float)position * frequencies[i];
        const float c = cosf(angle), s = sinf(angle);
        if (is_query) {
            q[(size_t)t * q_width + a] = x * c - y * s;
            q[(size_t)t * q_width + b] = y * c + x * s;
        } else {
            key_cache[(size_t)position * kv_width + a] = to_f16(x * c - y * s);
            key_cache[(size_t)position * kv_width + b] = to_f16(y * c + x * s);
        }
    }
    for (int i = threadIdx.x; i < kv_width; i += blockDim.x) {
        const float value = v[(size_t)t * kv_width + i] + v_bias[i];
        value_cache[(size_t)position * kv_width + i] = to_f16(value);
    }
}

// One warp per (token, query head): causal attention over the cache with an online softmax,
// each lane holding head_dim / 32 (at most 8) dimensions; the output in f16 for the next
// product.
extern "C" __global__ void attention(const float* q, const f16* key_cache, const f16* value_cache,
                                     f16* out, int first, int heads, int kv_heads, int head_dim,
                                     float scale) {
    const int t = blockIdx.x / heads, head = blockIdx.x % heads;
    const int kv_head = head / (heads / kv_heads);
    const int kv_width = kv_heads * head_dim;
    const int per_lane = head_dim / 32;
    const int lane = threadIdx.x;
    const float* query = q + (size_t)t * heads * head_dim + head * head_dim;
    float qv[8], acc[8];
    for (int j = 0; j < per_lane; ++j) {
        qv[j] = query[lane + 32 * j];
        acc[j] = 0.0f;
    }
    float max = __int_as_float(0xff800000), sum = 0.0f;  // -infinity
    const int positions = first + t + 1;
    for (int p = 0; p < positions; ++p) {
        const size_t at = (size_t)p * kv_width + kv_head * head_dim;
        float score = 0.0f;
        for (int j = 0; j < per_lane; ++j) score += qv[j] * from_f16(key_cache[at + lane + 32 * j]);
        score = warp_sum(score) * scale;
        const float next = fmaxf(max, score);
        const float rescale = expf(max - next), weight = expf(score - next);
        for (int j = 0; j < per_lane; ++j)
            acc[j] = acc[j] * rescale + weight * from_f16(value_cache[at + lane + 32 * j]);
        sum = sum * rescale + weight;
        max = next;
    }
    const float inverse = sum > 0.0f ? 1.0f / sum : 0.0f;
    for (int j = 0; j < per_lane; ++j)
        out[(size_t)t * heads * head_dim + head * head_dim + lane + 32 * j] = to_f16(acc[j] * inverse);
}

// SwiGLU: silu(gate) * up, in f16 for the down projection.
extern "C" __global__ void silu_mul(const float* gate, const float* up, f16* out, int count) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) out[i] = to_f16(gate[i] / (1.0f + expf(-gate[i])) * up[i]);
}

// f32 to f16, for the output head's input.
extern "C" __global__ void to_half(const float* x, f16* out, int count) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) out[i] = to_f16(x[i]);
}
