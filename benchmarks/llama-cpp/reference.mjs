// Writes what llama.cpp makes of the engine's test corpus, for inference-engine/tests/llama_cpp.rs:
// the token ids of every text (special tokens parsed, as a chat prompt is), and the greedy
// continuation of every prompt. Usage: node reference.mjs MODEL.gguf OUT.json
import {readFileSync, writeFileSync} from "node:fs";
import {getLlama} from "node-llama-cpp";

const [modelPath, outPath] = process.argv.slice(2);
const corpus = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url)));
const llama = await getLlama({gpu: false, build: "never"});
const model = await llama.loadModel({modelPath});
const context = await model.createContext({contextSize: 1024, threads: 2});

const tokenize = (text) => Array.from(model.tokenize(text, true));
const texts = corpus.texts.map((text) => ({text, tokens: tokenize(text)}));
const continuations = [];
for (const prompt of corpus.prompts) {
	const tokens = tokenize(prompt);
	const sequence = context.getSequence();
	const generated = [];
	for await (const token of sequence.evaluate(tokens, {temperature: 0})) {
		generated.push(token);
		if (generated.length >= corpus.continuation_tokens) break;
	}
	continuations.push({prompt, tokens, generated});
	sequence.dispose();
}
// One entry a line, so that a changed fixture reads as a diff of the entries that changed.
const entries = (list) => list.map((entry) => JSON.stringify(entry)).join(",\n");
const model_name = JSON.stringify(modelPath.split("/").pop());
writeFileSync(
	outPath,
	`{\n"model": ${model_name},\n"texts": [\n${entries(texts)}\n],\n"continuations": [\n${entries(continuations)}\n]\n}\n`,
);
