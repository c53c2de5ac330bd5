"""The optional LLM: an OpenAI-compatible chat endpoint behind llama-index's ``LLM`` interface.

This is the only module that imports llama-index's LLM classes, and it is imported only when
an LLM is configured (``llm_base_url`` in :class:`ingest.settings.Settings`, env
``BUDGETQA_LLM_BASE_URL`` / ``_MODEL`` / ``_API_KEY``). The engine works without it.

- :class:`OpenAICompatibleLLM` — a llama-index ``CustomLLM`` that POSTs
  ``{base_url}/chat/completions`` with httpx (``model``, ``messages``, ``temperature`` 0, a
  timeout of :data:`DEFAULT_TIMEOUT` seconds, ``Authorization: Bearer <key>`` when a key is
  given). No provider package is needed.
- :func:`make_llm` — the configured LLM, or ``None``.
- :func:`chat_text` — one system + user exchange with any llama-index LLM, as text (what
  :mod:`qa.phrasing` uses, so that it never touches llama-index types).

llama-index's global ``Settings`` is never read or changed: the LLM is passed explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import httpx
from llama_index.core.llms import (
    LLM,
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    CompletionResponseGen,
    CustomLLM,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import Field, PrivateAttr

from ingest.settings import Settings

__all__ = ["DEFAULT_TIMEOUT", "LLM", "LLMError", "OpenAICompatibleLLM", "chat_text", "make_llm"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
"""Seconds allowed for one request (connect, write, read)."""


class LLMError(RuntimeError):
    """The endpoint refused the request or answered something that is not a chat completion."""


class OpenAICompatibleLLM(CustomLLM):
    """A chat model served at an OpenAI-compatible ``/chat/completions`` endpoint.

    Args:
        base_url: the API root, e.g. ``http://localhost:8000/v1`` (``/chat/completions`` is appended).
        model: the model name sent with each request.
        api_key: sent as ``Authorization: Bearer <key>`` when not empty (kept private: it is
            not a model field, so it never appears in reprs, payloads or instrumentation events).
        timeout: seconds per request.
        max_tokens: sent as ``max_tokens`` when given.
        transport: an httpx transport (tests pass ``httpx.MockTransport``); ``None`` = network.
    """

    base_url: str = Field(description="API root; /chat/completions is appended.")
    model: str = Field(default="", description="Model name sent with each request.")
    timeout: float = Field(default=DEFAULT_TIMEOUT, description="Seconds per request.")
    max_tokens: int | None = Field(default=None, description="Upper bound on the reply's tokens.")

    _api_key: str = PrivateAttr(default="")
    _transport: httpx.BaseTransport | None = PrivateAttr(default=None)

    def __init__(
        self,
        base_url: str,
        model: str = "",
        api_key: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        max_tokens: int | None = None,
        transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            base_url=base_url.strip().rstrip("/"),
            model=model,
            timeout=timeout,
            max_tokens=max_tokens,
            **kwargs,
        )
        self._api_key = api_key
        self._transport = transport

    @classmethod
    def class_name(cls) -> str:
        return "openai_compatible_llm"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            model_name=self.model or "openai-compatible", is_chat_model=True, num_output=self.max_tokens or -1
        )

    @property
    def endpoint(self) -> str:
        """The URL each request is POSTed to."""
        return f"{self.base_url}/chat/completions"

    def payload(self, messages: Sequence[ChatMessage]) -> dict[str, Any]:
        """The JSON body for ``messages`` (model, messages, temperature 0, no streaming)."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": _role(m), "content": m.content or ""} for m in messages],
            "temperature": 0,
            "stream": False,
        }
        if self.max_tokens:
            body["max_tokens"] = self.max_tokens
        return body

    def _post(self, messages: Sequence[ChatMessage]) -> tuple[str, dict[str, Any]]:
        """POST the messages; the reply's text and the raw JSON.

        Raises:
            httpx.TimeoutException: the endpoint did not answer within ``timeout``.
            httpx.HTTPError: the connection failed.
            LLMError: a non-2xx status, or a body without ``choices[0].message.content``.
        """
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        with httpx.Client(timeout=self.timeout, transport=self._transport) as client:
            response = client.post(self.endpoint, json=self.payload(messages), headers=headers)
        if response.status_code >= 400:
            raise LLMError(f"{self.endpoint} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            data = response.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(
                f"{self.endpoint} answered something that is not a chat completion: {exc!r}"
            ) from exc
        if not isinstance(content, str):
            raise LLMError(f"{self.endpoint} answered without text content")
        return content, data

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Send the messages as they are (system, user …) and return the assistant's reply."""
        text, data = self._post(messages)
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), raw=data)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """Send ``prompt`` as one user message."""
        text, data = self._post([ChatMessage(role=MessageRole.USER, content=prompt)])
        return CompletionResponse(text=text, raw=data)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        """No streaming: the whole reply as one chunk."""
        response = self.complete(prompt, formatted=formatted, **kwargs)

        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text=response.text, delta=response.text, raw=response.raw)

        return gen()


def _role(message: ChatMessage) -> str:
    role = message.role
    return role.value if isinstance(role, MessageRole) else str(role)


def make_llm(settings: Settings, transport: httpx.BaseTransport | None = None) -> LLM | None:
    """The LLM the settings configure, or ``None`` when ``llm_base_url`` is empty.

    Args:
        settings: ``llm_base_url``, ``llm_model`` and ``llm_api_key`` are used.
        transport: an httpx transport for tests; ``None`` = network.
    """
    base_url = settings.llm_base_url.strip()
    if not base_url:
        return None
    if not settings.llm_model:
        log.warning("llm_base_url is set but llm_model is empty: requests are sent without a model name")
    return OpenAICompatibleLLM(base_url, settings.llm_model, settings.llm_api_key, transport=transport)


def chat_text(llm: LLM, system: str, user: str) -> str:
    """One exchange with ``llm``: a system and a user message in, the reply's text out (stripped).

    Raises:
        Whatever the LLM raises (timeouts, HTTP errors, :class:`LLMError`).
    """
    messages = [
        ChatMessage(role=MessageRole.SYSTEM, content=system),
        ChatMessage(role=MessageRole.USER, content=user),
    ]
    response = llm.chat(messages)
    return (response.message.content or "").strip()
