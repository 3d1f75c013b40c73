// The kernels of kernels.cu run on the host, for the tests (`host_emulation.rs`): each block's
// threads are OS threads, `__syncthreads` a barrier, a warp shuffle an exchange through memory
// between two barriers of the warp, and `__shared__` memory a static (blocks run one at a
// time). Usage: `host_emulation KERNEL DIR`; the inputs and outputs are raw files in DIR.
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t f16;
typedef uint8_t u8;

struct Dim3 {
    u32 x = 1, y = 1, z = 1;
};
thread_local Dim3 threadIdx, blockIdx;
Dim3 blockDim, gridDim;

struct Warp {
    float slots[32];
    std::barrier<> meet{32};
};
std::vector<std::unique_ptr<Warp>> warps;
std::unique_ptr<std::barrier<>> block_barrier;
std::vector<unsigned char> dynamic_shared;

#define __device__
#define __global__
#define __forceinline__ inline
#define __launch_bounds__(threads)
#define __constant__ static const
#define __shared__ static
#define DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(dynamic_shared.data())

inline void __syncthreads() { block_barrier->arrive_and_wait(); }

inline float __int_as_float(int bits) {
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
}

inline float __shfl_xor_sync(unsigned, float value, int offset) {
    Warp& warp = *warps[threadIdx.x / 32];
    u32 lane = threadIdx.x % 32;
    warp.slots[lane] = value;
    warp.meet.arrive_and_wait();
    float other = warp.slots[lane ^ (u32)offset];
    warp.meet.arrive_and_wait();
    return other;
}

inline f16 to_f16(float value) {
    _Float16 half = (_Float16)value;
    f16 bits;
    std::memcpy(&bits, &half, 2);
    return bits;
}

inline float from_f16(f16 bits) {
    _Float16 half;
    std::memcpy(&half, &bits, 2);
    return (float)half;
}

#define GONKA_HOST_EMULATION
#include "kernels.cu"

template <class Kernel>
void launch(Dim3 grid, u32 threads, size_t shared_bytes, Kernel kernel) {
    gridDim = grid;
    blockDim = Dim3{threads, 1, 1};
    for (u32 z = 0; z < grid.z; ++z)
        for (u32 y = 0; y < grid.y; ++y)
            for (u32 x = 0; x < grid.x; ++x) {
                block_barrier = std::make_unique<std::barrier<>>(threads);
                warps.clear();
                for (u32 w = 0; w < (threads + 31) / 32; ++w) warps.push_back(std::make_unique<Warp>());
                dynamic_shared.assign(shared_bytes, 0);
                std::vector<std::thread> pool;
                for (u32 t = 0; t < threads; ++t)
                    pool.emplace_back([=] {
                        threadIdx = Dim3{t, 0, 0};
                        blockIdx = Dim3{x, y, z};
                        kernel();
                    });
                for (auto& thread : pool) thread.join();
            }
}

std::string folder;

template <class T>
std::vector<T> input(const char* name) {
    std::ifstream file(folder + "/" + name, std::ios::binary | std::ios::ate);
    if (!file) {
        std::fprintf(stderr, "missing input %s\n", name);
        std::exit(2);
    }
    std::vector<T> data(file.tellg() / sizeof(T));
    file.seekg(0);
    file.read(reinterpret_cast<char*>(data.data()), data.size() * sizeof(T));
    return data;
}

template <class T>
void output(const char* name, const std::vector<T>& data) {
    std::ofstream(folder + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(T));
}

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    std::string kernel = argv[1];
    folder = argv[2];
    std::vector<u32> shape = input<u32>("shape");
    if (kernel == "nonce_keys") {
        auto seed = input<u8>("seed"), account = input<u8>("account");
        auto nonces = input<u64>("nonces");
        u32 count = nonces.size();
        std::vector<u64> input_keys(count), perm_keys(count);
        launch(Dim3{(count + 63) / 64}, 64, 0, [&] {
            nonce_keys(seed.data(), account.data(), nonces.data(), count, input_keys.data(),
                       perm_keys.data());
        });
        output("input_keys", input_keys);
        output("perm_keys", perm_keys);
    } else if (kernel == "attention") {
        u32 batch = shape[0], seq = shape[1], dim = shape[2], head_dim = shape[3], warps = shape[4];
        auto qkv = input<float>("qkv"), cos_table = input<float>("cos"), sin_table = input<float>("sin");
        std::vector<f16> out((size_t)batch * seq * dim);
        launch(Dim3{dim / head_dim, batch, (seq + warps - 1) / warps}, 32 * warps,
               (size_t)warps * 2 * head_dim * 4, [&] {
                   attention(qkv.data(), cos_table.data(), sin_table.data(), out.data(), seq, dim,
                             head_dim);
               });
        output("out", out);
    } else if (kernel == "distance") {
        u32 batch = shape[0], out = shape[1], in_shared = shape[2];
        auto z = input<float>("z"), target = input<float>("target");
        auto keys = input<u64>("keys");
        std::vector<u32> scratch(in_shared ? 1 : (size_t)batch * 2 * out);
        std::vector<float> distances(batch);
        launch(Dim3{batch}, 256, in_shared ? (size_t)2 * out * 4 : 0, [&] {
            distance(z.data(), target.data(), keys.data(), scratch.data(), distances.data(), out,
                     in_shared);
        });
        output("distances", distances);
    } else {
        std::fprintf(stderr, "unknown kernel %s\n", kernel.c_str());
        return 2;
    }
    return 0;
}
