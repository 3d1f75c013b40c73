// The engine and llama.cpp side by side on one GGUF file, the same thread count, in one run:
// prefill tokens/s of a 256-token prompt and decode tokens/s of 128 tokens (greedy), best of
// three rounds each, and their ratios (docs/PERFORMANCE.md). llama.cpp is node-llama-cpp's
// prebuilt CPU binary.
//
// usage: node compare.mjs LLM_THROUGHPUT_BINARY MODEL.gguf [THREADS]
import {execFileSync} from "node:child_process";
import {availableParallelism} from "node:os";
import {getLlama} from "node-llama-cpp";

const [binary, modelPath, threadArg] = process.argv.slice(2);
const threads = Number(threadArg ?? availableParallelism());
const ROUNDS = 3, PROMPT = 256, DECODE = 128;

const llama = await getLlama({gpu: false, build: "never"});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: 1024, threads, batchSize: 512});
const text = "The history of computing is a long story of people and machines. ".repeat(40);
const prompt = Array.from(model.tokenize(text)).slice(0, PROMPT);
let prefill = Infinity, decode = Infinity;
for (let round = 0; round < ROUNDS; round++) {
	const sequence = context.getSequence();
	let start = performance.now();
	let generated = 0;
	for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
		if (generated === 0) {
			// The first token comes once the whole prompt has run (and one token is sampled).
			prefill = Math.min(prefill, (performance.now() - start) / 1000);
			start = performance.now();
		}
		if (++generated > DECODE) break;
	}
	decode = Math.min(decode, (performance.now() - start) / 1000);
	sequence.dispose();
}
const theirs = {prefill_tokens_per_s: prompt.length / prefill, decode_tokens_per_s: DECODE / decode};
await context.dispose();
await model.dispose();

const ours = JSON.parse(execFileSync(binary, [modelPath, String(threads), String(ROUNDS)], {encoding: "utf8"}));
const row = (name, key) =>
	`${name.padEnd(22)} ${ours[key].toFixed(1).padStart(9)} ${theirs[key].toFixed(1).padStart(11)} ${(ours[key] / theirs[key]).toFixed(2).padStart(7)}x`;
console.log(`${modelPath.split("/").pop()}, ${threads} threads, best of ${ROUNDS}`);
console.log(`${"".padEnd(22)} ${"engine".padStart(9)} ${"llama.cpp".padStart(11)} ${"ratio".padStart(8)}`);
console.log(row(`prefill (${prompt.length} tokens)/s`, "prefill_tokens_per_s"));
console.log(row(`decode (${DECODE} tokens)/s`, "decode_tokens_per_s"));
console.log(`engine: a re-check of ${ours.recheck_tokens} tokens costs ${ours.recheck_to_completion.toFixed(3)}x the completion it checks`);
const megabytes = (bytes) => (bytes / 2 ** 20).toFixed(0);
console.log(`engine: peak resident memory while serving ${megabytes(ours.peak_resident_bytes)} MiB for a ${megabytes(ours.model_file_bytes)} MiB model file (KV cache of ${ours.prompt_tokens + ours.decode_tokens} positions included)`);
