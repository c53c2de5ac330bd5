"""Greetings and nonsense: questions that are not about the reports get a short reply.

"你好", "今天天气怎么样" or "asdf 1234" are not questions about a budget report; answering them
with "需要澄清" and a figure from every report misleads. :func:`is_smalltalk` tells them apart
from real questions (which name a figure, a table word, a unit or a year), and
:func:`smalltalk_answer` says what can be asked, with examples, and no figures.

Nothing here reads the reports; the caller passes the unit names it knows (optional) and the
example questions to offer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qa.lexicon import find_concepts
from qa.model import STATUS_UNANSWERABLE, Answer

GREETINGS = (
    "你好", "您好", "嗨", "哈喽", "早上好", "下午好", "晚上好", "在吗", "在不在", "谢谢", "多谢", "感谢",
    "再见", "拜拜", "你是谁", "你叫什么", "你能做什么", "你会什么", "你可以做什么", "怎么用", "帮助",
    "hello", "hi", "hey", "thanks", "help",
)  # fmt: skip
"""Said to start, thank or ask for help: never a question about a report."""

DOMAIN_WORDS = (
    "预算", "决算", "经费", "支出", "收入", "拨款", "资金", "财政", "三公", "公务", "费", "万元", "元",
    "项目", "基本", "人员", "工资", "福利", "社会保障", "公积金", "采购", "资产", "车", "会议", "培训",
    "接待", "出国", "绩效", "单位", "部门", "机关", "局", "办", "委", "院", "政府", "合计", "总计", "结余",
    "结转", "增加", "减少", "增长", "下降", "变化", "原因", "上年", "去年", "今年", "前年", "比", "占",
    "表", "报告", "名词", "解释", "编码", "科目", "类", "款", "项", "数", "金额", "多少",
)  # fmt: skip
"""Words of the reports' vocabulary: a question using one of them is about the reports."""

_YEAR = re.compile(r"(?:19|20)\d\d")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_PUNCTUATION = re.compile(r"[\s，,。.！!？?、~～…:：;；\"'“”‘’()（）]+")
_GREETING_TAIL = re.compile(r"^(?:啊|呀|吗|呢|哦|哈|啦|了|好|呀|嘛|的)*$")


def _bare(question: str) -> str:
    return _PUNCTUATION.sub("", question).lower()


def _is_greeting(bare: str) -> bool:
    for greeting in GREETINGS:
        if bare.startswith(greeting) and _GREETING_TAIL.match(bare[len(greeting) :]):
            return True
    return False


def is_smalltalk(question: str, names: Iterable[str] = (), in_conversation: bool = False) -> bool:
    """Whether ``question`` is a greeting or nonsense rather than a question about the reports.

    Args:
        question: as typed.
        names: unit names (full and short) of the reports; a question naming one is real.
        in_conversation: the question follows earlier questions, so a short follow-up without
            any report word (``为什么？``) may still be about them: then only greetings and
            text without any Chinese word count as small talk.

    Returns:
        True for greetings, thanks and help requests (``你好``, ``谢谢``), for text with no Chinese
        and no year (``asdf 1234``), and, outside a conversation, for Chinese that uses no word
        of the reports and names no unit or year (``今天天气怎么样``).
    """
    bare = _bare(question)
    if not bare:
        return True
    if _is_greeting(bare):
        return True
    if _YEAR.search(bare) or any(name and name in question for name in names):
        return False
    if not _CJK.search(bare):
        return True  # letters and digits only: no report is named this way
    if in_conversation:
        return False
    if any(word in bare for word in DOMAIN_WORDS) or find_concepts(question):
        return False
    # what is left is Chinese without any word of the reports; a Latin acronym alone
    # (e.g. PPP) may still be a topic: leave those to the engine
    return not _LATIN_WORD.search(bare)


def smalltalk_answer(question: str, examples: Sequence[str] = ()) -> Answer:
    """The reply to small talk: what can be asked here, with up to three examples; no figures.

    Args:
        question: as typed (kept in the answer).
        examples: example questions that work on the reports at hand.
    """
    lines = [
        (
            "我只能回答与已导入的预算/决算公开报告有关的问题：某单位某年的某项数字（如公务接待费、"
            "“三公”经费、基本支出）、增减的原因、与上年相比的变化、单位之间的比较，以及表内数字是否对得上。"
        )
    ]
    if examples:
        lines.append("可以这样问：" + "；".join(f"“{q}”" for q in examples[:3]))
    else:
        lines.append("请先在“报告库”中导入报告，再提问。")
    return Answer(question.strip(), STATUS_UNANSWERABLE, "\n".join(lines), understood=True)
