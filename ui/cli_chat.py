"""``budgetqa chat``: a conversation on the command line — one question per line from standard
input, each read in the context of the earlier ones (:class:`qa.conversation.Conversation`).

Typed at a terminal, each question gets a prompt; piped (``printf '…\\n…\\n' | budgetqa chat``),
the lines are read until the end of input. ``/clear`` (or ``清空``) starts a new conversation;
greetings and nonsense get a short reply without asking the engine (:mod:`qa.smalltalk`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, TextIO

import click

from ui.cli import _dump, _settings, cli
from ui.cli_query import _answer_text, _open_engine, smalltalk_reply

CLEAR_COMMANDS = frozenset({"/clear", "/new", "清空", "清空对话", "新对话"})
"""Lines that start a new conversation (earlier questions no longer count)."""
QUIT_COMMANDS = frozenset({"/quit", "/exit", "退出"})
"""Lines that end the chat (as does the end of input, Ctrl+D)."""
PROMPT = "问> "
WELCOME = (
    "预算/决算问答：每行一个问题，回车提问；追问可省略单位和年度（如“那公务接待费呢？”）。"
    "输入 /clear 或 清空 开始新对话，/quit 或 Ctrl+D 退出。"
)


def question_lines(stream: TextIO, interactive: bool) -> Iterator[str]:
    """The lines of ``stream`` without their line ends; with a prompt when ``interactive``.

    Args:
        stream: standard input (or any text stream).
        interactive: a person types at a terminal: show :data:`PROMPT` before each line
            (``input`` also gives line editing).
    """
    if not interactive:
        for line in stream:
            yield line.rstrip("\r\n")
        return
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            click.echo()
            return


@cli.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One answer JSON object per question line (the fields of `ask --json`, with asked_as).",
)
@click.pass_context
def chat(ctx: click.Context, as_json: bool) -> None:
    """A conversation: one question per line from standard input, each answered in the context
    of the earlier ones (a follow-up may leave out the unit, the year or the topic; the answer
    says how it was understood). /clear or 清空 starts a new conversation; /quit or Ctrl+D ends.

    Example: printf '兖州区政府办2023年三公经费合计是多少？\\n那公务接待费呢？\\n' | budgetqa chat --json
    """
    from qa.conversation import Conversation

    interactive = sys.stdin.isatty()
    engine = _open_engine(_settings(ctx))
    try:
        if interactive:
            click.echo("正在加载报告… / loading the reports…", err=True)
        engine.warm()
        if interactive:
            click.echo(WELCOME)
        conversation = Conversation(engine)
        asked = 0
        for line in question_lines(sys.stdin, interactive):
            question = line.strip()
            if not question:
                continue
            if question.lower() in QUIT_COMMANDS:
                break
            if question.lower() in CLEAR_COMMANDS:
                conversation.clear()
                asked = 0
                click.echo("已开始新对话 / new conversation", err=as_json)
                continue
            answer = _reply(engine, conversation, question, in_conversation=asked > 0)
            asked += 1
            click.echo(_dump(answer.to_json()) if as_json else _answer_text(answer))
            if interactive and not as_json:
                click.echo()
    finally:
        engine.library.close()


def _reply(engine: Any, conversation: Any, question: str, in_conversation: bool) -> Any:
    """Small talk gets its short reply (the conversation is not changed); any other question is
    answered by the conversation."""
    return smalltalk_reply(engine, question, in_conversation=in_conversation) or conversation.ask(question)
