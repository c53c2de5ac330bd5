"""Text answers from the narrative: definitions (名词解释), grading scales, reasons, enumerations.

Definitions are read as entries — ``十二、项目支出：指…`` / ``…行政运行(项)：反映…`` /
``…行政运行（项），主要用于反映…`` — one per numbered item (an entry may span lines; it ends
where the next numbered item starts, so a definition never runs into the next term's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.lexicon import normalize_text
from index.model import Chunk
from qa.narrative_match import Entry, corpus_of, group_match, group_weights, sentence_score
from qa.narrative_query import Query, as_query, make_groups
from qa.sentences import Sentence, body_start, heading_continues, heading_of


@dataclass(frozen=True)
class DefinitionMatch:
    """A term's definition as printed.

    Attributes:
        term: the term as printed in the report (``项目支出``, ``一般公共服务支出(类)…行政运行(项)``),
            or the grade (``优``) for a grading scale.
        sentence: the entry (or scale sentence) as a :class:`Sentence` of its chunk.
        definition_text: the definition after the colon (``指单位为完成…各项支出。``), or the
            grade's condition (``得分≥95分``).
        score: match quality (higher is better).
    """

    term: str
    sentence: Sentence
    definition_text: str
    score: float


@dataclass(frozen=True)
class ReasonMatch:
    """A stated reason: the sentence and the reason text after ``主要原因是`` / ``主要是`` …"""

    sentence: Sentence
    reason: str
    score: float
    more: tuple[Sentence, ...] = ()
    """Sentences after ``sentence`` the reason runs on into (其二…, the next item after ；)."""


# --- definitions -------------------------------------------------------------------------------

_ENTRY_START = re.compile(
    r"(?:^|(?<=\n)|(?<=[。；;]))[ \t]*(?=[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)])"
)
_ENUM = re.compile(r"^\s*(?:(?:[一二三四五六七八九十百]+|\d+)[、.．]|[（(][一二三四五六七八九十百]+[）)])\s*")
_LEVEL = re.compile(r"[(（](?:类|款|项)[)）]")
_TERM_QUESTION = re.compile(
    r"(?:^|[,，。；;：:])([^,，。；;：:]*?)(?:这个科目|科目)?(?:的)?(?:是怎么定义的|是怎么定义|怎么定义|是如何定义|的定义|定义|口径"
    r"|是什么意思|什么意思|含义|是指什么|指什么|指的是|主要反映什么|反映的是什么|反映什么|反映|是什么)"
)
_GRADE_Q = re.compile(r"评为|评定为|等级|才算|算作|算是")


def question_term(question: str) -> str:
    """The term a 名词解释 question asks about: the quoted word, else the phrase before ``是什么``…"""
    quoted = re.findall(r"[“\"「『]([^”\"」』]{1,40})[”\"」』]", question)
    if quoted:
        return _core(normalize_text(quoted[0]))
    norm = normalize_text(question)
    m = _TERM_QUESTION.search(norm)
    phrase = m.group(1) if m else norm
    groups = make_groups(phrase)
    terms = [g.label for g in groups if not re.fullmatch(r"名词解释|指|反映|口径|定义|含义", g.label)]
    return _core(max(terms, key=len)) if terms else ""


def _core(term: str) -> str:
    return _LEVEL.sub("", normalize_text(term)).strip()


def _entries(chunk: Chunk) -> list[tuple[int, int]]:
    """Spans of numbered / ``term：`` entries in a chunk's body."""
    text = chunk.text
    start = body_start(chunk)
    body = text[start:]
    cuts = sorted({0, *(m.start() for m in _ENTRY_START.finditer(body))})
    spans = []
    for a, b in zip(cuts, [*cuts[1:], len(body)]):
        if body[a:b].strip():
            spans.append((start + a, start + b))
    return spans


def _split_term(entry: str) -> tuple[str, str] | None:
    """``(term, definition)`` of an entry ``十二、项目支出：指…`` / ``X（项），主要用于…`` / ``X是指…``."""
    entry = re.sub(r"^\s*(?:注|说明|备注)\s*[：:]\s*", "", entry)
    m = re.search(r"[：:]|[，,](?=主要用于|反映|是指|指)|(?<=[\u4e00-\u9fff)）])(?=是指)", entry[:120])
    if not m:
        return None
    term = _ENUM.sub("", entry[: m.start()]).strip()
    if not term or re.search(r"[，,。；;]", term):
        return None
    return term, entry[m.end() :].strip()


def _term_score(wanted: str, printed: str) -> float:
    core = _core(printed)
    parts = [p for p in _LEVEL.split(normalize_text(printed)) if p.strip()]
    last = _core(parts[-1]) if parts else core
    if wanted in (core, last):
        return 3.0
    if len(last) >= 2 and (last.endswith(wanted) or wanted.endswith(last)):
        return 2.0
    if wanted in core:
        return 1.0
    return 0.0


def find_definition(question: str | Query, chunks: Sequence[Chunk]) -> DefinitionMatch | None:
    """The definition of the term a 名词解释 question asks about.

    Args:
        question: ``“项目支出”的口径是什么`` / ``“行政运行（项）”主要反映什么`` /
            ``基本支出是怎么定义的`` / ``得多少分才能评为“优”``.
        chunks: text chunks in scope (the 名词解释 section is preferred, then 说明/注 sections).

    Returns:
        The best entry, or ``None`` when no entry defines the term.
    """
    query = as_query(question)
    grade = _grade_question(query.text)
    if grade:
        return _grade_scale(query, grade, chunks)
    wanted = question_term(query.text)
    if not wanted:
        return None
    others = [g for g in query.groups if wanted not in g.label and g.label not in wanted]
    best: tuple[float, int, DefinitionMatch] | None = None
    order = 0
    for chunk in _text_chunks(chunks):
        head = heading_of(chunk) if heading_continues(chunk) else ""
        for n, (a, b) in enumerate(_entries(chunk)):
            order += 1
            raw = chunk.text[a:b]
            split = _split_term((head if n == 0 else "") + raw.strip())
            if split is None:
                continue
            term, definition = split
            score = _term_score(wanted, term)
            if score <= 0:
                continue
            if "名词解释" in chunk.section:
                score += 1.0
            elif re.search(r"说明|注", chunk.section):
                score += 0.3
            if re.match(r"(?:是指|指|反映|主要用于)", definition):
                score += 0.5
            score += 0.2 * sum(1 for g in others if normalize_text(g.label) in normalize_text(term))
            lead = len(raw) - len(raw.lstrip())
            sentence = Sentence(text=raw.strip(), chunk=chunk, start=a + lead)
            match = DefinitionMatch(term=term, sentence=sentence, definition_text=definition, score=score)
            if best is None or (score, -order) > (best[0], -best[1]):
                best = (score, order, match)
    return best[2] if best else None


def _text_chunks(chunks: Sequence[Chunk]) -> list[Chunk]:
    seen: set[str] = set()
    out = []
    for c in chunks:
        if c.kind == "text" and c.chunk_id not in seen:
            seen.add(c.chunk_id)
            out.append(c)
    return sorted(out, key=lambda c: (c.report_id, c.page or 0, c.line_start or 0))


def _grade_question(question: str) -> str | None:
    norm = normalize_text(question)
    if not _GRADE_Q.search(norm):
        return None
    m = re.search(r"(优秀|良好|合格|不合格|优|良|中|差)(?:等|级|等级)?[？?]?$", norm.rstrip("？?"))
    return m.group(1)[0] if m and len(m.group(1)) <= 2 else None


_SCALE = re.compile(r"(优|良|中|差)\(?(?:得分|分数)?\(?([^()]{0,30}?)\)")


def _grade_scale(query: Query, grade: str, chunks: Sequence[Chunk]) -> DefinitionMatch | None:
    """``“优”（得分 ≥ 95 ）`` → ``得分≥95分``; ``评价得分≥90分，等级为“优”`` likewise."""
    entries = corpus_of(tuple(chunks))
    groups = query.groups
    weights = group_weights(groups, entries)
    best: tuple[float, int, DefinitionMatch] | None = None
    for entry in entries:
        text = entry.norm.text.replace("\\leq", "≤").replace("\\text{得分}", "得分").replace("\\geq", "≥")
        condition = None
        m = re.search(grade + r"\((得分[^()]{0,20}?)\)", text)
        if m:
            condition = m.group(1)
        else:
            m2 = re.search(r"(得分[≥>=≤<]+\d+(?:\.\d+)?分?)[,，]?(?:等级|评价等级|评定)?为?" + grade, text)
            condition = m2.group(1) if m2 else None
        if not condition:
            continue
        condition = re.sub(r"(\d)$", r"\1分", condition.replace(" ", ""))
        score = 1.0 + sentence_score(groups, weights, entry)
        match = DefinitionMatch(term=grade, sentence=entry.sentence, definition_text=condition, score=score)
        if best is None or score > best[0]:
            best = (score, entry.order, match)
    return best[2] if best else None


# --- reasons -------------------------------------------------------------------------------------

_REASON = re.compile(
    r"主要原因(?:是|为|在于)?[：:]?|原因(?:是|为|在于)[：:]?|主要是由于|主要是|主要由于|由于|因为"
)
_RESULT = re.compile(r"致使|导致|以致|从而使")
_RESULT_OR_NEW = re.compile(r"^(?:\d+[.．、]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）])")
"""A new numbered item: the end of a list of reasons joined by ；."""
"""Words after a cause (打印机未购置，致使资金未到位)."""
_ANNOUNCES = re.compile(r"以下|如下|下列|[:：]$")
_CONTINUE = re.compile(r"^(?:其[二三四五]|此外|另外|同时|[二三四五]是|再次|最后)")
_COMPARE_CTX = re.compile(r"相比|较上年|比上年|同比|较上一年|与上年|上年度|去年|比\d{4}年")
_BUDGET_CTX = re.compile(r"年初预算|预算数|全年预算")


def find_reason(question: str | Query, chunks: Sequence[Chunk]) -> ReasonMatch | None:
    """The stated reason for what a 为什么/为啥/原因 question asks about.

    The reason follows ``主要原因是`` / ``主要是`` / ``由于`` … in a sentence about the question's
    topic (matched in the sentence or the one before it). For ``比上年少了`` questions reasons
    given after a year-on-year comparison win over budget-vs-actual ones, and the other way round.

    Args:
        question: ``临夏市政府办公室2023年三公经费为什么比上年少了？``.
        chunks: text chunks in scope.

    Returns:
        The sentence and the reason text (up to the sentence end, with ``其二…`` continuations).
    """
    entries = corpus_of(tuple(chunks))
    query = as_query(question)
    groups = [g for g in query.groups if g.label not in ("为啥", "为什么", "原因", "为何")]
    weights = group_weights(groups, entries)
    budget_q = bool(_BUDGET_CTX.search(query.norm)) or "预算" in query.norm
    best: tuple[float, int, ReasonMatch] | None = None
    total = sum(weights) or 1.0
    for k, entry in enumerate(entries):
        text = entry.norm.text
        marks = [(m.start(), m.end()) for m in _REASON.finditer(text)]
        for m in _RESULT.finditer(text):  # …打印机未购置，致使…未到位: the cause is what comes before
            cuts = [i for i, ch in enumerate(text[: m.start()]) if ch in "，,；;"]
            marks.append((m.start(), cuts[-4] + 1 if len(cuts) >= 4 else 0))
        for at, reason_at in marks:
            before = text[:at]
            clause = before[before.rfind("。") + 1 :]
            prev = entry.prev[0] if entry.prev else ""
            if len(clause) < 20:
                clause += prev
            reason, more = _reason_text(entry, reason_at, entries[k + 1 : k + 5])
            if not reason:
                continue
            reason_norm = normalize_text(reason)
            score = sum(
                w * max(group_match(g, before), 0.3 * group_match(g, reason_norm), 0.5 * group_match(g, entry.heading),
                        0.4 * group_match(g, entry.section),
                        *(d * group_match(g, p) for d, p in zip((0.9, 0.8, 0.7), entry.prev)))
                for g, w in zip(groups, weights) if w
            ) / total  # fmt: skip
            if query.compare or re.search(r"少|多|增|减|降|涨|超", query.norm):
                if _COMPARE_CTX.search(clause):
                    score += 0.0 if budget_q else 0.5
                if _BUDGET_CTX.search(clause):
                    score += 0.5 if budget_q else -0.3
                if query.direction:
                    down = bool(re.search(r"减少|下降|降低|减|少|缩减|小于", clause))
                    up = bool(re.search(r"增加|增长|上升|增|多|大于|超", clause))
                    if (query.direction == "down" and down) or (query.direction == "up" and up):
                        score += 0.3
                    elif down or up:
                        score -= 0.3
            match = ReasonMatch(sentence=entry.sentence, reason=reason, score=round(score, 4), more=more)
            if best is None or score > best[0]:
                best = (score, entry.order, match)
    return best[2] if best else None


def _reason_text(
    entry: Entry, norm_at: int, following: tuple[Entry, ...]
) -> tuple[str, tuple[Sentence, ...]]:
    """Original text from a normalised offset to the end of that sentence, plus continuations
    (and the sentences they come from)."""
    original = entry.sentence.text
    a = entry.norm.original_span(norm_at, norm_at + 1)[0] if norm_at < len(entry.norm.text) else len(original)
    rest = original[a:]
    end = rest.find("。")
    reason = rest[: end + 1] if end != -1 else rest
    more: list[Sentence] = []
    announces = bool(_ANNOUNCES.search(reason))  # 由以下因素…: the reasons are the items after it
    if end == -1 or end == len(rest) - 1:
        for nxt in following:
            text = nxt.sentence.text
            listing = reason.rstrip().endswith(("；", ";"))  # 扣1分；…: the list's next item follows
            item = (
                _CONTINUE.match(text)
                or (announces and (_LIST_START.match(text) or _NEXT_ITEM.match(text)))
                or (listing and not _RESULT_OR_NEW.match(text))
            )
            if nxt.sentence.chunk != entry.sentence.chunk or not item:
                break
            reason += text
            more.append(nxt.sentence)
    return reason.strip(" ：:，,").strip(), tuple(more)


# --- enumerations --------------------------------------------------------------------------------

_LIST_MARK = re.compile(r"一是|二是|[一二三四五六七八九十]、|\d[、.．]|其一|其二|主要是|包括|、.+、")
_LIST_START = re.compile(r"^(?:一是|其一|首先|1[、.．]|[(（]1[)）]|一、|[(（]一[)）])")
_NEXT_ITEM = re.compile(
    r"^(?:[二三四五六七八九十]是|其[二三四五六]|\d+[、.．]|[二三四五六七八九十]、|[(（]\d+[)）])"
)


def find_passage(question: str | Query, chunks: Sequence[Chunk]) -> list[Sentence]:
    """Sentences that enumerate what a ``哪些…`` / ``都是些什么`` question asks for.

    The best sentence (keywords in it or its heading, and an enumeration: ``一是…二是…``,
    ``1辆…、1辆…、6辆…``) and the sentences continuing its list: the rest of its section when
    it opens a numbered list (``一是…``), else the following ``二是…`` / ``2、…`` items.

    Args:
        question: ``临沧市政府办在2022年绩效自评报告里自己承认存在哪些问题？``.
        chunks: text chunks in scope.

    Returns:
        The sentences in document order, or ``[]``.
    """
    entries = corpus_of(tuple(chunks))
    query = as_query(question)
    weights = group_weights(query.groups, entries)
    best: tuple[float, int] | None = None
    for k, entry in enumerate(entries):
        score = sentence_score(query.groups, weights, entry)
        if score <= 0:
            continue
        if query.groups and weights[-1] and group_match(query.groups[-1], entry.heading) >= 0.9:
            score += 0.5  # the asked noun (问题) is the section's subject
        text = entry.sentence.text
        if _LIST_START.match(text) or "一是" in text:
            score += 0.3
        elif _LIST_MARK.search(entry.norm.text):
            score += 0.2
        if best is None or score > best[0]:
            best = (score, k)
    if best is None:
        return []
    k = best[1]
    first = entries[k].sentence
    out = [first]
    opens = bool(_LIST_START.match(first.text) or "一是" in first.text)
    for nxt in entries[k + 1 : k + 13]:
        same = (
            nxt.sentence.chunk.report_id == first.chunk.report_id
            and nxt.sentence.chunk.section == first.chunk.section
        )
        if not same or not (opens or _NEXT_ITEM.match(nxt.sentence.text)):
            break
        out.append(nxt.sentence)
    return out
