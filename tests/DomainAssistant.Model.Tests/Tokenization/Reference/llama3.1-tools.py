# Writes llama3.1-tools.json: Meta's Llama 3.1 Instruct template (templates/llama3.1-instruct.json) rendered by Python's
# jinja2 with builtin_tools, custom tools, tool calls and ipython turns: the branches @huggingface/jinja cannot render
# (it has no reject filter). Run by hand (python3 llama3.1-tools.py templates/llama3.1-instruct.json > llama3.1-tools.json;
# jinja2 3.1.6 wrote the checked-in file); the C# tests compare with the file and need no Python.
# transformers' _compile_jinja_template environment, reproduced: sandboxed, trim/lstrip blocks, loopcontrols,
# tojson with ensure_ascii=False, raise_exception.
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols
def raise_exception(m): raise Exception(m)
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
spec = json.load(open(sys.argv[1]))
t = env.from_string(spec["chat_template"])
weather = {"type": "function", "function": {"name": "get_current_temperature", "description": "Get the temperature at a location.",
  "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "City, Country"}}, "required": ["location"]}}}
cases = {
 "builtin tools, a call and its result": dict(messages=[
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What is the weather in Oslo?"},
    {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "brave_search", "arguments": {"query": "Oslo weather"}}}]},
    {"role": "ipython", "content": "Sunny, 21 C"}],
   builtin_tools=["brave_search", "code_interpreter", "wolfram_alpha"], date_string="23 Jul 2024", add_generation_prompt=True),
 "custom tools in the first user message": dict(messages=[
    {"role": "user", "content": "  Temperature in Paris?  "},
    {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "get_current_temperature", "arguments": {"location": "Paris, France"}}}]},
    {"role": "tool", "content": {"temperature": 22.5, "unit": "C"}}],
   tools=[weather], add_generation_prompt=True),
 "custom tools in the system message": dict(messages=[{"role": "user", "content": "Hi"}], tools=[weather], tools_in_user_message=False, add_generation_prompt=False),
}
out = {}
for name, ctx in cases.items():
    ctx = {"bos_token": spec["bos_token"], "eos_token": spec["eos_token"], **ctx}
    out[name] = {"context": ctx, "text": t.render(**ctx)}
print(json.dumps(out, indent=1, ensure_ascii=False))
