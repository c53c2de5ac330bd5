"""What the optional LLM does for the engine: phrase answers, and reword questions the rules can't read.

Neither ever supplies a figure. :class:`AnswerPhraser` rewords an answered question's text
for a citizen, and the rewording is shown only when :func:`qa.verify.llm_text_problems`
finds nothing wrong with it — every number it writes is a number of the cited cells or
sentences, the formula or the question (with its unit), and the answer's figure is still
there; otherwise, or when the LLM fails or times out, the rule-based text stays and the
reason is logged. Value, unit, formula, citations and status are never changed.

:class:`QuestionRewriter` turns a question the rules could not read (a refusal with
``understood`` False) into the canonical form they do read — unit name + year + the
report's term (``临沂市人民政府办公室2022年公务接待费决算数是多少？``); the engine then runs
the rules again on it (:meth:`qa.engine.QAEngine.ask`), so figures still come only from
cells and sentences.

The LLM is any llama-index ``LLM`` (:mod:`qa.llm` builds the configured one); it is called
through :func:`qa.llm.chat_text`, so this module never touches llama-index types.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from ingest.store import ReportRecord
from qa.lexicon import CONCEPTS
from qa.llm import LLM, chat_text
from qa.model import STATUS_ANSWERED, Answer
from qa.verify import llm_text_problems

log = logging.getLogger(__name__)

MAX_PHRASE_CHARS = 300
"""A rewording longer than this (or than the rule-based text, if longer) is not "one or two sentences"."""
MAX_QUESTION_CHARS = 120
MAX_QUOTE_CHARS = 240

PHRASE_SYSTEM = (
    "你负责把政府预算、决算报告问答系统给出的答案，改写成普通市民一读就懂的中文。\n"
    "要求：\n"
    "1. 只写一到两句话，不要列表、标题或解释改写过程。\n"
    "2. 只能使用“答案”“公式”“出处”中已经出现的数字，阿拉伯数字和单位逐字照抄；"
    "不得计算、换算、四舍五入、估算或新增任何数字，不要用汉字写数字。\n"
    "3. 答案中的主要数字必须写出，数字与它所属的项目、年度、单位不得改变。\n"
    "4. 不要加入出处中没有的信息。\n"
    "只输出改写后的句子。"
)

REWRITE_SYSTEM = (
    "你负责把市民关于政府预算、决算报告的提问，改写成规则引擎能读懂的规范问法。\n"
    "规范问法：<单位全称><年度>年<报告中的术语>[预算数|决算数]是多少？"
    "例如：临沂市人民政府办公室2022年公务接待费决算数是多少？\n"
    "要求：\n"
    "1. 单位全称和年度只能取自“已收录的报告”；问题没说年度而该单位只有一份报告时，用那份报告的年度。\n"
    "2. 术语尽量用“报告术语”中的词（例如“请客吃饭”→公务接待费，“买公车”→公务用车购置费）。\n"
    "3. 保留原问题要做的计算或比较（差额、占比、合计等），但不要回答问题，不要写任何金额或数字（年度除外）。\n"
    "4. 看不出问的是哪一项时，只输出：无法改写\n"
    "只输出改写后的一个问题。"
)

_CANNOT = "无法改写"
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_LEAD = re.compile(r"^(?:改写后?的?(?:问题|问法)?|规范问法|问题|答案|改写)\s*[:：]\s*")
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)
_QUOTES = "“”\"'‘’「」『』`"


def _clean(text: str) -> str:
    """The reply without reasoning (``<think>…</think>``), code fences, a leading "改写：" label,
    surrounding quotes or line breaks."""
    text = _THINK.sub("", text)
    text = re.sub(r"^```\w*\s*|\s*```$", "", text.strip())
    text = _LEAD.sub("", text.strip())
    text = text.strip().strip(_QUOTES).strip()
    return re.sub(r"\s*\n\s*", "", text)


def _new_numbers(text: str, question: str) -> list[str]:
    """Numbers in ``text`` that are neither years (``2024年``) nor printed in ``question``."""
    asked = set(_NUMBER.findall(unicodedata.normalize("NFKC", question)))
    text = unicodedata.normalize("NFKC", text)
    return [
        m.group(0)
        for m in _NUMBER.finditer(text)
        if m.group(0) not in asked
        and not (_YEAR.fullmatch(m.group(0)) and text[m.end() : m.end() + 1] == "年")
    ]


# ---------------------------------------------------------------------------- phrasing


class AnswerPhraser:
    """Rewords answered questions with an LLM, keeping the rewording only if its numbers check out.

    Args:
        llm: a llama-index LLM (e.g. :class:`qa.llm.OpenAICompatibleLLM`).
    """

    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    @staticmethod
    def prompt(answer: Answer) -> str:
        """The user message: question, rule-based answer, formula and the cited quotes."""
        lines = [
            f"问题：{answer.question}",
            f"答案：{answer.answer}",
            f"公式：{answer.formula or '无'}",
            "出处：",
        ]
        for n, c in enumerate(answer.citations, start=1):
            place = " / ".join(p for p in (c.table, c.row, c.column) if p)
            year = f"{c.year}年度" if c.year else ""
            lines.append(f"[{n}] {c.unit_name}{year} {place}：“{c.quote[:MAX_QUOTE_CHARS]}”")
        return "\n".join(lines)

    def phrase(self, answer: Answer) -> Answer:
        """``answer`` with its text reworded by the LLM, or unchanged.

        Only ``answered`` answers are reworded. The rewording replaces ``answer.answer`` only
        when :func:`qa.verify.llm_text_problems` finds no problem; if the LLM call fails (error,
        timeout) or the rewording is empty, too long or has a problem, the rule-based text is
        kept and the reason is logged.
        """
        if answer.status != STATUS_ANSWERED:
            return answer
        try:
            reply = chat_text(self.llm, PHRASE_SYSTEM, self.prompt(answer))
        except Exception as exc:
            log.warning("LLM phrasing failed (%s: %s); keeping the rule-based text", type(exc).__name__, exc)
            return answer
        text = _clean(reply)
        limit = max(MAX_PHRASE_CHARS, len(answer.answer))
        if not text:
            problems = ["空白"]
        elif len(text) > limit:
            problems = [f"过长（{len(text)} 字）"]
        else:
            problems = llm_text_problems(text, answer)
        if problems:
            log.warning("LLM phrasing of %r dropped (%s): %r", answer.question, "；".join(problems), text)
            return answer
        log.debug("LLM phrasing of %r: %r", answer.question, text)
        return replace(answer, answer=text)


# ---------------------------------------------------------------------------- question rewriting


class QuestionRewriter:
    """Rewords a question the rules could not read into the canonical form they read.

    Args:
        llm: a llama-index LLM.
    """

    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    @staticmethod
    def prompt(question: str, records: Sequence[ReportRecord]) -> str:
        """The user message: the ingested reports (unit, year, kind), the report terms, the question."""
        reports = []
        for r in records:
            rep = r.report
            year = f"{rep.fiscal_year}年度" if rep.fiscal_year else "年度不详"
            names = f"（又称：{'、'.join(rep.short_names)}）" if rep.short_names else ""
            reports.append(f"- {rep.unit_name}{names} {year} {rep.kind}")
        terms = "、".join(dict.fromkeys(c.key for c in CONCEPTS))
        return "\n".join(["已收录的报告：", *reports, f"报告术语：{terms}", f"问题：{question}"])

    def rewrite(self, question: str, records: Sequence[ReportRecord]) -> str | None:
        """The question in canonical form, or ``None`` (LLM failed, could not, or wrote a number).

        A rewording that prints a number other than a year (``2024年``) or one the question
        prints (a code, a figure to compare with) is refused: the rules must not be handed a
        number — an amount, a row code — that the asker did not write.
        """
        try:
            reply = chat_text(self.llm, REWRITE_SYSTEM, self.prompt(question, records))
        except Exception as exc:
            log.warning("LLM question rewriting failed (%s: %s)", type(exc).__name__, exc)
            return None
        lines = [line for line in (_clean(part) for part in _THINK.sub("", reply).splitlines()) if line]
        text = lines[0] if lines else ""
        if not text or _CANNOT in text or len(text) > MAX_QUESTION_CHARS or text == question.strip():
            log.info("LLM could not reword %r (%r)", question, reply[:200])
            return None
        printed = _new_numbers(text, question)
        if printed:
            log.warning("LLM rewording %r of %r prints numbers %s; not used", text, question, printed)
            return None
        log.info("LLM reworded %r as %r", question, text)
        return text
