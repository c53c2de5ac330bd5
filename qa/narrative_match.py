"""Scoring sentences and their figures against a parsed question.

The sentences of the chunks in scope form a small corpus (:func:`corpus_of`, cached per chunk
tuple). A keyword group's weight is its inverse sentence frequency in that corpus, so rare words
(``小微企业``) count more than common ones (``支出``); a group found nowhere weighs nothing.

A sentence scores by the weighted share of groups it matches — in itself, or with less weight in
the previous sentence of its paragraph, its heading, its section path, or the two chunks before
it (a project's name is often only in the section above its figures). A figure in the sentence
scores by its *label*: the text between the previous figure and it (plus, for counts, the noun
after it: ``7 个信息化项目``); a label without content words inherits the previous figure's
subject (``公务用车购置及运行维护费全年预算数为 6.00 万元, 支出决算为 5.47 万元``). The label's
last role word says what the figure is: budget (``预算数为``), actual (``支出决算为``), a change
(``减少``), a share (``占``) or last year's figure (``比上年``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from index.model import Chunk
from qa import weights as W
from qa.narrative_query import Group, Part, Query
from qa.sentences import (
    MONEY,
    Figure,
    Normalized,
    Sentence,
    figures_in,
    heading_continues,
    heading_of,
    money_unit,
    normalize,
    split_sentences,
)


@dataclass(frozen=True)
class Entry:
    """A sentence with what scoring needs: normal form, figures and normalised contexts."""

    sentence: Sentence
    norm: Normalized
    figures: tuple[Figure, ...]
    prev: tuple[str, ...]
    heading: str
    heading_weight: float
    section: str
    neighbors: str
    order: int


def _order_key(chunk: Chunk, n: int) -> tuple[str, int, int, int]:
    return (chunk.report_id, chunk.page or 0, chunk.line_start or 0, n)


@lru_cache(maxsize=16)
def _corpus(chunks: tuple[Chunk, ...]) -> tuple[Entry, ...]:
    seen: set[str] = set()
    unique: list[Chunk] = []
    for chunk in chunks:
        if chunk.kind == "text" and chunk.chunk_id not in seen:
            seen.add(chunk.chunk_id)
            unique.append(chunk)
    ordered = [c for _, c in sorted((_order_key(c, n), c) for n, c in enumerate(unique))]
    entries: list[Entry] = []
    bodies: list[str] = []
    for pos, chunk in enumerate(ordered):
        sentences = split_sentences(chunk)
        neighbors = "".join(
            bodies[i] for i in range(max(0, pos - 2), pos) if ordered[i].report_id == chunk.report_id
        )
        head = heading_of(chunk)
        continues = heading_continues(chunk)
        norms = [normalize(s.text) for s in sentences]
        for n, (sentence, norm) in enumerate(zip(sentences, norms)):
            entries.append(
                Entry(
                    sentence=sentence,
                    norm=norm,
                    figures=tuple(figures_in(norm, sentence.text)),
                    prev=tuple(norms[j].text for j in range(n - 1, max(-1, n - 4), -1)),
                    heading=normalize(head).text,
                    heading_weight=1.0 if (continues and n == 0) else 0.5,
                    section=normalize(chunk.section).text,
                    neighbors=neighbors,
                    order=len(entries),
                )
            )
        bodies.append("".join(n.text for n in norms))
    return tuple(entries)


def corpus_of(chunks: tuple[Chunk, ...] | list[Chunk]) -> tuple[Entry, ...]:
    """The sentences of the text chunks (deduplicated, in document order) as scoring entries."""
    return _corpus(tuple(chunks))


# --- keyword matching ----------------------------------------------------------------------------


def match_term(term: str, text: str) -> float:
    """1 if ``term`` is in ``text``; else 0.7 × the share of its character bigrams found (≥ half)."""
    if not term or not text:
        return 0.0
    if term in text:
        return 1.0
    if len(term) < 3:
        return 0.0
    grams = [term[i : i + 2] for i in range(len(term) - 1)]
    found = sum(1 for g in grams if g in text) / len(grams)
    return 0.7 * found if found >= 0.5 else 0.0


def group_match(group: Group, text: str) -> float:
    """A group's best alternative in ``text`` (:func:`match_term` × the alternative's weight)."""
    return max((w * match_term(alt, text) for alt, w in group.alts), default=0.0)


def label_match(group: Group, label: str) -> float:
    """:func:`group_match` in a figure's label, discounted when the words are far from the figure.

    The discount (down to 0.7 at 30+ characters) makes ``公用经费 362.89 万元`` beat
    ``包括人员经费和公用经费，支出具体情况如下：人员经费 2,579.32 万元`` for ``公用经费``.
    """
    best = 0.0
    for alt, w in group.alts:
        m = match_term(alt, label) or _head_match(alt, label)
        if not m:
            continue
        end = label.rfind(alt) + len(alt) if alt in label else len(label)
        distance = len(label) - end
        best = max(best, w * m * (1.0 - 0.3 * min(max(distance - 6, 0), 24) / 24))
    return best


def _head_match(term: str, label: str) -> float:
    """Partial credit for a long term whose end (its head noun) is in the label: ``政务热线办结率``
    in ``接通率96.64%，办结率`` → ``办结率``."""
    for size in range(len(term) - 1, 2, -1):
        if term[-size:] in label:
            return 0.7 * size / len(term)
    return 0.0


def context_match(group: Group, entry: Entry) -> float:
    """A group's best match in a sentence or, discounted, in its contexts."""
    own = group_match(group, entry.norm.text)
    if own >= 1.0:
        return own
    return max(
        own,
        *(w * group_match(group, p) for w, p in zip((0.6, 0.5, 0.4), entry.prev)),
        entry.heading_weight * group_match(group, entry.heading),
        0.4 * group_match(group, entry.section),
        0.3 * group_match(group, entry.neighbors),
    )


def group_weights(groups: list[Group], entries: tuple[Entry, ...], missing: bool = False) -> list[float]:
    """Inverse sentence frequency of each group in the corpus.

    Args:
        groups: the question's keyword groups.
        entries: the corpus.
        missing: weight of a group found nowhere — 0 for ranking (``False``: it cannot tell
            sentences apart), a middling weight for coverage (``True``: a question word the report
            never uses means the report may not answer the question).
    """
    n = len(entries)
    units = {normalize(e.sentence.chunk.unit).text for e in entries}
    weights = []
    for group in groups:
        if _names_unit(group, units):
            weights.append(0.0)
            continue
        df = sum(1 for e in entries if group_match(group, e.norm.text) > 0.0)
        anywhere = df or any(group_match(group, e.heading + e.section) > 0.0 for e in entries)
        if anywhere:
            w = 1.0 + math.log((n + 1) / (df + 1))
        else:
            w = (1.0 + math.log(n + 1) / 2) if missing else 0.0
        weights.append(w * (1.5 if group.quoted else 1.0))
    return weights


_UNIT_LIKE = re.compile(r"[省市区县州旗]|(?:局|办|办公室|委|厅|中心|院|所|站|队)$")


def _names_unit(group: Group, units: set[str]) -> bool:
    """Whether a group is the issuing unit's name (``普陀区规划资源局``): no signal in its report."""
    label = group.label
    return bool(_UNIT_LIKE.search(label)) and any(match_term(label, u) >= 0.35 for u in units if u)


def sentence_score(groups: list[Group], weights: list[float], entry: Entry) -> float:
    """Weighted share (0–1) of the question's groups matched by a sentence and its contexts."""
    total = sum(weights)
    if total <= 0:
        return 0.0
    return sum(w * context_match(g, entry) for g, w in zip(groups, weights) if w) / total


# --- figures -------------------------------------------------------------------------------------

_ROLE_WORDS = re.compile(
    r"(?P<budget>预算数|年初预算|全年预算|预算为|预算金额|预算资金|预算总金额|总预算|批复|预算安排|年初数|计划)"
    r"|(?P<change>增加|减少|增长|下降|降低|上升|节约|增|减)"
    r"|(?P<share>占)"
    r"|(?P<spent>决算|支出|执行数|实际|开支|使用|用于|花费)"
    r"|(?P<actual>到位|完成|收入|总额|合计|金额|安排)"
)
_PREVIOUS = re.compile(r"(?:比|较|与)(?:上年|去年|上一年|上年度|\d{4}年度?)[^增减加少降升]{0,8}$")
_UP_WORDS = ("增加", "增长", "上升", "增")
_COUNT_EQUIV = {"个": ("个", "项", "团组"), "人": ("人", "名"), "台": ("台", "套")}
_PUNCT = re.compile(r"[,，;；。:：、()（）]")


def figure_role(label: str, unit: str) -> tuple[str, str | None]:
    """``(role, direction)`` of a figure from its label (see module docstring)."""
    text = label.replace("一般公共预算", "").replace("部门预算", "")
    if _PREVIOUS.search(text):
        return "previous", None
    last = None
    for m in _ROLE_WORDS.finditer(text):
        last = m
    role = last.lastgroup if last else "other"
    direction = None
    if role == "change" and last is not None:
        direction = "up" if last.group(0) in _UP_WORDS else "down"
    if unit == "%" and role not in ("share", "change"):
        role = "rate"
    return role or "other", direction


def unit_score(expect: str | None, unit: str) -> float:
    """Bonus for a figure whose unit is the expected kind, penalty otherwise (no unit: smaller)."""
    w = W.FIGURE_UNIT
    if expect is None:
        return w["none_asked_no_unit"] if not unit else 0.0
    if expect == MONEY:
        return w["match"] if money_unit(unit) else (w["money_no_unit"] if not unit else w["other"])
    if unit == expect or unit in _COUNT_EQUIV.get(expect, ()):
        return w["match"]
    return w["no_unit"] if not unit else w["other"]


def role_score(query: Query, part: Part, unit: str, role: str, direction: str | None) -> float:
    """Agreement of a figure's role (and change direction) with what the question part wants."""
    want = part.role
    if unit == "%":
        want = "change" if want == "change" else ("share" if want == "share" else "rate")
    w = W.FIGURE_ROLE
    score = 0.0
    if want == "change" or role == "change":
        score += w["match"] if want == role else w["mismatch"]
        if want == role and query.direction and direction:
            score += w["direction"] if query.direction == direction else w["wrong_direction"]
        return score
    if role == "previous":
        return w["previous"]
    if want in ("budget", "actual", "spent") and role in ("budget", "actual", "spent"):
        if "budget" in (want, role):
            return w["budget_match"] if want == role else w["budget_mismatch"]
        return w["spent_match"] if want == role else w["spent_near"]
    if want == "share" or role == "share":
        return w["share_match"] if want == role else w["share_mismatch"]
    return 0.0


@dataclass(frozen=True)
class FigureScore:
    """Score of the figure at ``index`` in its sentence's :attr:`Entry.figures`."""

    index: int
    score: float


def label_of(entry: Entry, i: int) -> tuple[str, str]:
    """``(label, before)``: text before figure ``i`` since the previous figure (+ a count's noun)."""
    text = entry.norm.text
    figs = entry.figures
    fig = figs[i]
    before = text[figs[i - 1].end if i else 0 : fig.start]
    after = ""
    if fig.unit and not money_unit(fig.unit) and fig.unit != "%":
        nxt = figs[i + 1].start if i + 1 < len(figs) else len(text)
        after = text[fig.end : nxt][:15]
        cut = _PUNCT.search(after)
        after = after[: cut.start()] if cut else after
    return before + after, before


def _unasked(label: str, question: str) -> bool:
    """The label names something the question does not: two characters in a row that the
    question never uses (政府采购货物支出 against 政府采购支出多少 → 货物)."""
    run = 0
    label = re.sub(r"支出|经费|费用|资金|金额|收入|情况", "", label)  # words every item shares
    for ch in label[-8:]:
        run = run + 1 if "\u4e00" <= ch <= "\u9fff" and ch not in question else 0
        if run >= 2:
            return True
    return False


_FLOW = re.compile(r"购置|购买|新增|报废|处置|更新")
"""Words of a change in holdings (bought, scrapped): a figure of them is not the holdings."""
_FLOW_ASKED = re.compile(r"购|买|新增|新车|报废|处置|更新|添置|换")


def score_figures(
    query: Query, part: Part, groups: list[Group], weights: list[float], entry: Entry
) -> list[FigureScore]:
    """Score every figure of a sentence for one asked part (higher is better)."""
    total = sum(weights) or 1.0
    n = len(groups)
    # a later word in the question is its head (机关运行经费里差旅费): it counts more in a label
    weights = [w * (1.0 + 0.3 * k / (n - 1)) if n > 1 else w for k, w in enumerate(weights)]
    out: list[FigureScore] = []
    subject_prev = 0.0
    for i, fig in enumerate(entry.figures):
        label, before = label_of(entry, i)
        if i == 0 and len(before.strip()) < 2:  # the sentence opens with the figure: its heading is the label
            before = entry.heading
            label = entry.heading + label
        subject = sum(w * label_match(g, label) for g, w in zip(groups, weights) if w) / total
        if subject == 0.0 and i:
            subject = W.FIGURE_SUBJECT_CARRIED * subject_prev
        subject_prev = subject
        role, direction = figure_role(before, fig.unit)
        score = W.FIGURE_SUBJECT * subject + unit_score(part.expect, fig.unit)
        if part.expect in (MONEY, "%") or (part.expect is None and money_unit(fig.unit)):
            score += role_score(query, part, fig.unit, role, direction)
        elif role == "change" and part.role != "change":
            score += W.FIGURE_UNASKED_CHANGE
        head = entry.norm.text[: fig.start]
        opened = head.rfind("(")
        if opened > head.rfind(")") and head.startswith("含", opened + 1):
            score += W.FIGURE_IN_INCLUDING
        if _FLOW.search(label) and not _FLOW_ASKED.search(query.norm):
            score += W.FIGURE_UNASKED_FLOW  # 购置车辆0辆 when the cars held are asked
        if "其中" in head and money_unit(fig.unit) and _unasked(label, query.norm):
            score += (
                W.FIGURE_UNASKED_PART
            )  # a part (其中：货物支出…) named by words the question does not use
        out.append(FigureScore(i, score))
    return out
