"""A scoped edit asks every provider the same thing (the whole file first, then the part
and the instruction last) and is spliced the same way, through each real SDK."""

from __future__ import annotations

import pytest

from desktop.core.generation.generate import GenerationRequest, GenerationResult, generate
from desktop.core.generation.scoped import Scope
from desktop.core.providers.chat_completions import CerebrasProvider, OpenAIProvider
from desktop.core.providers.claude import ClaudeProvider
from tests.fakes.anthropic_server import AnthropicServer
from tests.fakes.chat_server import ChatCompletionsServer
from tests.fakes.cloud_env import ANTHROPIC_KEY, CEREBRAS_KEY

PAGE = ("<!DOCTYPE html>\n<html><head><style>\nbody { margin: 0; }\n</style></head>\n<body>\n"
        "  <button id=\"start\">Start</button>\n  <button id=\"stop\">Stop</button>\n"
        "</body></html>\n")
REPLY = ('```html\n<button id="start" class="go">Start</button>\n```\n'
         '```css\n.go { background: green; }\n```')


def scoped_reply(instruction: str) -> str:
    return REPLY if instruction == "make it green" else "unexpected: " + instruction


@pytest.fixture
def servers():
    with ChatCompletionsServer(api_key=CEREBRAS_KEY, reply=scoped_reply) as chat, \
            AnthropicServer(api_key=ANTHROPIC_KEY, reply=scoped_reply) as claude:
        yield chat, claude


def last_user_text(body: dict) -> str:
    content = body["messages"][-1]["content"]
    if isinstance(content, list):  # Anthropic's blocks (the cached prefix is its own block)
        return "".join(block.get("text", "") for block in content)
    return content


def test_every_provider_gets_the_same_scoped_request_and_splices_the_same(servers):
    chat, claude = servers
    providers = [CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat.url),
                 OpenAIProvider("gpt-oss-120b", CEREBRAS_KEY, chat.url + "/v1"),
                 ClaudeProvider("claude-sonnet-5-5", ANTHROPIC_KEY, claude.url)]
    request = GenerationRequest("make it green", PAGE, scope=Scope.parse(PAGE, "#start"))
    codes, asked = [], []
    for provider in providers:
        result = [e for e in generate(provider, request) if isinstance(e, GenerationResult)][-1]
        assert result.ok, result.message
        codes.append(result.code)
    for body in [r.body for r in chat.posts("/chat/completions")] + \
            [r.body for r in claude.posts("/v1/messages")]:
        asked.append(last_user_text(body))
    expected = PAGE.replace('<button id="start">', '<button id="start" class="go">').replace(
        "</style>", ".go { background: green; }\n</style>")
    assert codes == [expected] * 3
    assert len(set(asked)) == 1, "the same words to every provider"
    text = asked[0]
    assert text.index("<body>") < text.index("the element button#start (line 6)")
    assert text.rstrip().endswith("Rewrite it so that: make it green")
