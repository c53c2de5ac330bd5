"""What a narrative question asks: its content words, the kind of quantity and the figure's role.

A question is cut into keyword *groups* (``政府采购`` / ``小微企业`` / ``合同金额``); each group holds
alternatives (the words as typed plus report terms from :data:`index.lexicon.SYNONYMS` and
:data:`EXTRA_SYNONYMS`). Issuing units, years, question words, particles and unit names are
removed first, without breaking report terms (``公务用车`` keeps its ``用``). A question asking
for several figures (``多少批次、多少人次``, ``年初预算是多少？完成了百分之几？``) is also cut into
*parts*, one per figure, each with its own expected unit and role.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from index.lexicon import DOMAIN_WORDS, SYNONYMS, expand_query, normalize_text
from qa.sentences import MONEY, MONEY_UNITS

EXTRA_SYNONYMS: dict[str, tuple[str, ...]] = {
    "收支": ("收支总计", "收入支出"),
    "公务接待": ("公务接待费", "国内接待", "接待"),
    "买": ("购置",),
    "买了": ("购置",),
    "购买": ("购置",),
    "新车": ("购置公务用车", "购置车辆", "公务用车购置"),
    "买新车": ("购置公务用车", "购置车辆", "公务用车购置费"),
    "投": ("投入", "总金额", "投资"),
    "要投": ("投入", "总金额", "投资"),
    "总共": ("总金额", "总额", "合计", "总计", "共计"),
    "一共": ("合计", "总额", "总计", "共计", "总金额"),
    "总": ("总额", "合计", "总计", "总金额"),
    "拿到": ("收入", "安排"),
    "财政的钱": ("财政拨款",),
    "财政": ("财政拨款",),
    "内设机构": ("内设", "机构"),
    "机构": ("内设", "职能"),
    "出国": ("因公出国(境)", "因公出国(境)费"),
    "自评": ("自评得分", "得分"),
    "得了": ("得分",),
    "批复": ("批复", "预算"),
    "车": ("车辆", "用车"),
    "公车": ("公务用车", "车辆", "用车"),
    "车辆": ("车辆", "用车", "公务用车"),
    "问题": ("存在问题", "存在的问题", "主要问题"),
}
"""Narrative-specific everyday words → report terms (in addition to :data:`SYNONYMS`)."""

_EXTRA_TERMS = (
    "收支总计", "信息化项目", "应急保障用车", "领导干部用车", "机要通信用车", "执法执勤用车",
    "特种专业技术用车", "离退休干部用车", "其他用车", "内设机构", "公务接待", "国内接待", "合同金额",
    "政务信息", "市政府文件", "保有量", "总支出", "总收入", "总金额", "一般公共预算拨款收入", "批次", "人次",
    "自评得分", "年初预算", "财政拨款", "绩效自评报告", "项目支出", "基本支出", "公用经费", "人员经费",
    "政府采购", "中小企业", "小微企业", "数据中心", "城市大脑", "信息化", "市民化", "存在问题", "专项业务",
    "用车", "车辆", "设备", "项目", "因公出国", "建设项目", "预算安排", "预算", "决算", "安排", "执行数",
    "预算数", "决算数", "执行率", "买新车",
)  # fmt: skip

_UNIT_NAME = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:市|区|县|州|省|旗)(?:人民)?政府(?:办公室|办公厅|办)(?:本级)?|市府办|(?:人民)?政府办公室|政府办"
)
_YEAR = re.compile(r"\d{4}\s*年(?:度)?(?:底|末|初)?|\d{4}(?=年)|(?:上|去|今|本|明)年度?|上一年")
_DATE = re.compile(r"(?:截至|截止|到)?\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日(?:止|前|底)?")
_REPORT_REF = re.compile(
    r"(?:部门|单位)?(?:决算|预算)(?:报告|公开)?(?:中|里面|里|上)|报告(?:中|里面|里)|"
    r"(?:部门|单位)(?:决算|预算)(?:报告|公开)?(?=披露|公开|显示|公布|列明|说|写|提到)"
)
_COMPARE = re.compile(
    r"(?:比|较|与|跟|和)(?:上年|去年|上一年|\d{4}年度?|年初预算数?|年初|预算数?|上年度)(?:相比|比)?|同比|相比|增减|变化"
)

_STOP_PHRASES = tuple(
    sorted(
        """
        百分之几 百分之多少 有人 是多少 有多少 为多少 这个 那个 这些 那些 多少钱 多少 是什么 什么 是怎么定义的 怎么定义 是如何 怎么 如何 为什么 为啥 哪些 哪个
        哪几 都是些 是些 是否 有没有 了吗 吗 呢 吧 么 啊 的 了 是 有 在 里面 里 给 把 让 搞 那么 那 这 其 都 还
        也 就 又 被 对 从 向 要 才能 能 会 可以 一下 请问 大概 约 自己 承认 截至 截止 底 到 去 做 共 各 几
        百分之 分别 主要 用 花 花了 用了 钱 万元 亿元 元 评为 才 得 达到
        完成了 完成 口径 含义 定义 意思 指 反映 具体 一些 哪 些 能否 没有 没 其中 中 披露 公布 显示 列明
        """.split(),
        key=len,
        reverse=True,
    )
)
_ASKED_UNIT = re.compile(r"(?:几|多少)(?:万元|亿元|元|辆|个|人次|批次|篇|份|分|名|项|次|人|台|套|钱)")
_TRAILING = frozenset("里的了吗呢吧么")
"""Particles removed even at the end of a word (``车里`` → ``车``)."""
_SINGLE_KEEP = {"买", "投", "车", "总"}


@dataclass
class Group:
    """One concept of the question: alternatives ``(term, weight)``, the typed word first."""

    alts: tuple[tuple[str, float], ...]
    quoted: bool = False

    @property
    def label(self) -> str:
        return self.alts[0][0]


@dataclass
class Part:
    """One asked figure: its text, expected unit and role, and its own keyword groups."""

    text: str
    expect: str | None
    role: str
    groups: list[Group] = field(default_factory=list)


@dataclass
class Query:
    """A parsed question (see module docstring)."""

    text: str
    norm: str
    expect: str | None
    role: str
    compare: bool
    direction: str | None
    wants_total: bool
    groups: list[Group]
    parts: list[Part]


def _protected_terms() -> list[str]:
    terms = {normalize_text(w) for w in DOMAIN_WORDS}
    terms |= (
        {normalize_text(k) for k in SYNONYMS}
        | set(EXTRA_SYNONYMS)
        | {normalize_text(t) for t in _EXTRA_TERMS}
    )
    terms -= {"政府办", "府办", "人民政府办公室", "政府办公室", "本级", "合计", "小计"}
    return sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)


_PROTECTED = _protected_terms()
_PROTECTED_SET = frozenset(_PROTECTED)
_SYNONYM_KEYS = frozenset(normalize_text(k) for k in SYNONYMS)


def infer_expect(text: str) -> str | None:
    """The kind of quantity a question (part) asks for: ``%``, a count unit, ``money`` or ``None``."""
    t = normalize_text(text)
    if re.search(
        r"百分之|百分比|比例|占比|比重|增幅|降幅|%|百分点|(?<!效)率(?:是|为|有|达到|达)?(?:多少|几)|[执完增到办接]\S?率",
        t,
    ):
        return "%"
    for pattern, unit in (
        (r"(?:几|多少)辆", "辆"),
        (r"(?:几|多少)批次?", "批次"),
        (r"(?:几|多少)人次", "人次"),
        (r"(?:几|多少)篇", "篇"),
        (r"(?:几|多少)份", "份"),
        (r"(?:几|多少)分|得分|打分|评分|得了多少", "分"),
        (r"(?:几|多少)(?:个|项)", "个"),
        (r"(?:几|多少)(?:名|人)(?!次)", "人"),
        (r"(?:几|多少)(?:台|套)", "台"),
        (r"(?:几|多少)次", "次"),
    ):
        if re.search(pattern, t):
            return unit
    if re.search(
        r"多少(?:万元|元|亿元|钱)|金额|经费|费用|花了多少|资金|支出|收入|预算|决算|拨款|采购|钱|收支|总计|执行数|预算数|决算数",
        t,
    ):
        return MONEY
    return None


def infer_role(text: str, compare: bool) -> str:
    """The figure a question (part) wants: ``change``, ``share``, ``budget``, ``spent`` or ``actual``."""
    t = normalize_text(text)
    if compare:
        return "change"
    if re.search(r"占比|比重|占.{0,12}(?:比例|百分)", t):
        return "share"
    t2 = t.replace("一般公共预算", "").replace("部门预算", "")
    if re.search(r"要投|计划|总投资|总预算|预算总|批复", t2):
        return "budget"
    if re.search(r"预算", t2) and not re.search(r"决算|花|实际|执行|完成了|用了|支出了", t2):
        return "budget"
    if re.search(r"花|支出|用了|开支|花费|用掉", t2):
        return "spent"
    return "actual"


def _strip_context(text: str, names: tuple[str, ...] = ()) -> str:
    t = text
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2:
            t = t.replace(name, "|")  # the unit the question is about: scope, not content
    t = _DATE.sub("|", t)  # 截至12月31日: when, not what
    t = _YEAR.sub("|", t)
    t = _UNIT_NAME.sub("|", t)
    t = _ASKED_UNIT.sub("|", t)
    t = _REPORT_REF.sub("|", t)
    t = _COMPARE.sub("|", t)
    return t


_JIEBA: Any = None
_JIEBA_LOCK = threading.Lock()


def _word_boundaries(text: str) -> set[int]:
    """Offsets where jieba puts a word boundary (a stop word is removed only between words, so
    the ``能`` of ``职能`` or the ``在`` of ``存在`` stays). jieba gets its own tokenizer, loaded once."""
    global _JIEBA
    with _JIEBA_LOCK:
        if _JIEBA is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            _JIEBA = jieba.Tokenizer()
    bounds = {0}
    pos = 0
    for token in _JIEBA.lcut(text, HMM=False):
        pos += len(token)
        bounds.add(pos)
    return bounds


def _segments(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """Content segments of a normalised question (protected terms and words are never cut)."""
    t = _strip_context(text, names)
    bounds = _word_boundaries(t)
    marks = [False] * len(t)
    for term in _PROTECTED:
        for m in re.finditer(re.escape(term), t):
            if not any(marks[m.start() : m.end()]):
                marks[m.start() : m.end()] = [True] * (m.end() - m.start())
    out: list[str] = []
    i = 0
    while i < len(t):
        if marks[i]:
            out.append(t[i])
            i += 1
            continue
        for stop in _STOP_PHRASES:
            if (
                t.startswith(stop, i)
                and not any(marks[i : i + len(stop)])
                and (i in bounds or stop in _TRAILING)
                and i + len(stop) in bounds
            ):
                out.append("|")
                i += len(stop)
                break
        else:
            ch = t[i]
            out.append(ch if re.match(r"[\u4e00-\u9fff0-9a-z()（）]", ch) else "|")
            i += 1
    joined = "".join(out)
    joined = re.sub(r"(?<=[\u4e00-\u9fff])(?=\d)|(?<=\d)(?=[\u4e00-\u9fff])", "|", joined)
    return [s for s in joined.split("|") if len(s) >= 2 or s in _SINGLE_KEEP]


def _split_known(segment: str) -> list[str]:
    """Split a segment at the report terms it contains: ``一般公共预算财政拨款支出年初预算`` → 3 pieces."""
    if segment in _PROTECTED_SET:
        return [segment]
    pieces: list[str] = []
    i = 0
    rest = ""
    while i < len(segment):
        for term in _PROTECTED:
            if len(term) >= 2 and segment.startswith(term, i) and term != segment:
                if rest:
                    pieces.append(rest)
                    rest = ""
                pieces.append(term)
                i += len(term)
                break
        else:
            rest += segment[i]
            i += 1
    if rest:
        pieces.append(rest)
    return [p for p in pieces if len(p) >= 2 or p in _SINGLE_KEEP] or [segment]


_DIRECTION_ONLY = re.compile(r"^(?:多了|少了|多出|增加|增长|减少|下降|降低|上升)$")


def make_groups(text: str, names: tuple[str, ...] = ()) -> list[Group]:
    """Keyword groups of a question or question part (see module docstring); ``names`` are the
    unit names the question uses (scope, not content words)."""
    quoted = [normalize_text(q) for q in re.findall(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]", text)]
    norm = normalize_text(text)
    groups: list[Group] = []
    seen: set[str] = set()
    for q in quoted:
        core = re.sub(r"\((?:项|类|款)\)$", "", q)
        groups.append(Group(((core, 1.0),), quoted=True))
        seen.add(core)
        norm = norm.replace(q, "|")
    for segment in _segments(norm, names):
        for piece in _split_known(segment):
            if piece in seen or _DIRECTION_ONLY.match(piece):
                continue
            seen.add(piece)
            alts = [(piece, 1.0)]
            extra = list(EXTRA_SYNONYMS.get(piece, ()))
            keyed = piece in _SYNONYM_KEYS
            for term in [*(expand_query(piece) if keyed else ()), *extra]:
                if term != piece and term not in (a for a, _ in alts):
                    alts.append((term, max(0.75, 0.95 - 0.05 * (len(alts) - 1))))
            groups.append(Group(tuple(alts)))
    return groups


_PART_SPLIT = re.compile(r"[？?；;]|(?<=[^，,])[，,、](?=[^，,]*(?:多少|几|百分之))|和(?=多少|几)")
_ASKS = re.compile(r"多少|几|百分之")


def question_parts(text: str) -> list[str]:
    """The parts of a question that each ask for a figure (``年初预算多少？完成了百分之几？``), or
    the whole question when it asks for one."""
    pieces = [p for p in _PART_SPLIT.split(text) if p and p.strip()]
    asked = [p for p in pieces if _ASKS.search(p)]
    return asked if len(asked) > 1 else [text]


_parts = question_parts


def as_query(question: str | Query, expect: str | None = None) -> Query:
    """A question's reading: the one :mod:`qa.understand` made (``Intent.query``), with the
    expected kind of quantity set when given — or, for a phrase (an operand, a sub-question),
    parsed here."""
    if isinstance(question, str):
        return parse_question(question, expect)
    if expect is None:
        return question
    if expect in MONEY_UNITS:
        expect = MONEY
    parts = [replace(p, expect=expect) if n == 0 else p for n, p in enumerate(question.parts)]
    return replace(question, expect=expect, parts=parts)


def parse_question(question: str, expect: str | None = None, names: tuple[str, ...] = ()) -> Query:
    """Parse a narrative question.

    Args:
        question: as typed.
        expect: the kind of quantity wanted (``money`` or ``万元``/``元``, ``%``, ``辆``…);
            inferred from the question when ``None``.
        names: the unit names the question uses (normalised): taken out of its content words.
    """
    if expect in MONEY_UNITS:
        expect = MONEY
    norm = normalize_text(question)
    compare = bool(_COMPARE.search(norm)) and bool(re.search(r"多|少|增|减|降|涨|变化|相比", norm))
    tail = _COMPARE.split(norm, maxsplit=1)[-1] if compare else norm
    direction: str | None = None
    if re.search(r"多了|多出|多花|增加|增长|上升|涨|超", tail):
        direction = "up"
    elif re.search(r"少了|少花|减少|下降|降低|减了|节约|节省|少", tail.replace("多少", "")):
        direction = "down"
    wants_total = bool(re.search(r"总共|一共|合计|总计|总额|总支出|总收入|共计|总金额", norm))
    part_texts = _parts(question)
    parts: list[Part] = []
    for n, text in enumerate(part_texts):
        p_compare = compare and bool(_COMPARE.search(normalize_text(text)) or len(part_texts) == 1)
        p_expect = expect if (expect is not None and n == 0) else infer_expect(text)
        parts.append(Part(text, p_expect, infer_role(text, p_compare), make_groups(text, names)))
    main_expect = expect if expect is not None else infer_expect(question)
    if len(parts) > 1:
        main_expect = parts[0].expect
    return Query(
        text=question,
        norm=norm,
        expect=main_expect,
        role=parts[0].role if parts else infer_role(question, compare),
        compare=compare,
        direction=direction,
        wants_total=wants_total,
        groups=make_groups(question, names),
        parts=parts,
    )
