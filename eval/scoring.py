"""Judge one answer against one gold row, following ``../shared/eval/FORMAT.md``.

The rules, by gold row:

* **unanswerable** (``answer_type`` or ``kind``): correct iff ``status == "unanswerable"``.
* **ambiguous** (``kind``): correct iff ``status == "ambiguous"``; or — "answers per
  report" — ``status == "answered"`` and the answer text names at least 2 of the
  candidate units and prints at least one figure. Candidate units are read from the
  gold ``note`` (``临沂市人民政府办公室本级(2022)：180.06万元；…``) and from the
  answer's own candidates/citations on the gold's report files. A unit counts as named
  when its name (canonical: ``人民政府`` → ``政府``, ``本级`` dropped) or its short form
  (``兖州区政府``) is in the answer.
* Every other row needs ``status == "answered"`` (a missing status counts as answered).
* **number**: the primary value — structured ``value`` with ``unit``, else the first
  number of the answer text (preferring the first one printed with a unit compatible
  with the gold's, and skipping years, table/page numbers, list enumerators and subject
  codes) — equals the gold after 元/万元/亿元 conversion, rounded half-up to the gold's
  printed decimals (see :func:`eval.matching.numbers_equal`). Other units (``%``, ``辆``,
  ``分`` …) and a missing unit compare the numbers directly. A gold with several numbers
  joined by ``；`` needs every one of them printed somewhere in the answer text.
* **yesno**: the first yes/no marker within the first 15 characters (``是否`` ignored,
  see :func:`eval.matching.yes_no`) must agree with the gold 是/否.
* **list**: every ``；``-separated item must be present: its numbers (with units) printed
  in the answer, and its remaining text matched by the text rule. When the question asks
  for a ranking (排序, 从高到低 …) the items must also appear in the gold's order.
* **text**: after canonicalization (NFKC, case, whitespace, punctuation and symbols
  removed, ``人民政府`` → ``政府``, ``本级`` dropped) the gold is contained in the answer;
  or the gold is a unit name whose short form (``兖州区政府``) is in the answer; or every
  key token of the gold (jieba words of ≥ 2 characters, minus a few generic words) is
  in the answer. The last clause accepts paraphrases that keep all content words in a
  different order or with different function words, but not answers that drop content.
  When the gold is a unit name that the question itself names (``A和B谁的三公经费多？``),
  containment proves nothing, so that unit must also be the first unit the answer names.

Independently of correctness:

* ``citation_ok`` (answered questions with an answerable, unambiguous gold; else
  ``None``): some citation's file (base name or stem) is one of the gold's report files,
  and it is located — a PDF citation has a page, a text citation has a quote, row or line.
* ``numbers_supported``: every figure in the answer text (not years, enumerators,
  subject codes, file names, page/line numbers) appears in a citation's quote, row,
  column, table or year, in the formula, or in the question — as printed, rounded to the
  answer's decimals, or converted between 元/万元/亿元 (and ratio ↔ %).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from eval.matching import (
    NUMBER_RE,
    NumberMention,
    canonical_text,
    extract_numbers,
    match_text,
    money_factor,
    normalize_digits,
    normalize_unit,
    numbers_equal,
    org_alias,
    org_mentions,
    plain,
    round_half_up,
    to_decimal,
    yes_no,
)

RANKING_WORDS = (
    "排序",
    "排个序",
    "排一下",
    "排名",
    "从高到低",
    "从低到高",
    "从多到少",
    "从少到多",
    "从大到小",
    "从小到大",
)
"""Question words that make a list gold ordered."""

_NOTE_NAME = re.compile(r"^\s*(?P<name>[^：:；;（(]{4,40}?)\s*(?:[（(]\s*\d{4}\s*年?\s*[)）])?\s*[：:]")


@dataclass(frozen=True)
class Score:
    """The judgement of one answer.

    Attributes:
        id / kind / persona / report: copied from the gold row.
        correct: the answer is right by the FORMAT.md rules.
        reason: plain words on what is wrong (incorrect answer, unsupported numbers,
            citation problems), ``""`` when nothing is.
        citation_ok: a located citation of a gold report file; ``None`` when not
            applicable (unanswerable/ambiguous gold, or no answer given).
        numbers_supported: every figure in the answer text is found in its sources.
        latency_ms: time to answer in milliseconds, if known.
        answer_type / status: gold answer type and the answer's status.
        unsupported: the unsupported figures, as printed.
    """

    id: str
    kind: str
    persona: str
    report: str
    correct: bool
    reason: str
    citation_ok: bool | None
    numbers_supported: bool
    latency_ms: float | None
    answer_type: str = ""
    status: str = ""
    unsupported: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["unsupported"] = list(self.unsupported)
        return data


def gold_files(gold: Mapping[str, Any]) -> list[str]:
    """The gold's report file names (``report`` is comma-separated for cross-report rows)."""
    return [part.strip() for part in str(gold.get("report") or "").split(",") if part.strip()]


def _short(text: str, size: int = 40) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= size else text[: size - 1] + "…"


def _expected(gold: Mapping[str, Any]) -> str:
    return f"{gold.get('answer', '')} {gold.get('unit') or ''}".strip()


# ---------------------------------------------------------------------------- numbers


def _compatible(mention: NumberMention, gold_unit: str) -> bool:
    if money_factor(gold_unit):
        return money_factor(mention.unit) is not None
    return bool(gold_unit) and mention.unit == gold_unit


def primary_number(text: str, gold_unit: str) -> NumberMention | None:
    """The answer text's primary figure: first one with a unit compatible with the gold's,
    else the first that is not a label (year, enumerator, code …), else ``None``."""
    mentions = [m for m in extract_numbers(text, strip_locators=True) if not m.label]
    for mention in mentions:
        if _compatible(mention, gold_unit):
            return mention
    return mentions[0] if mentions else None


def _describe_got(value: Decimal, unit: str, gold_unit: str) -> str:
    got = f"{value} {unit}".strip()
    gold_factor, got_factor = money_factor(gold_unit), money_factor(unit)
    if gold_factor and got_factor and gold_factor != got_factor:
        got += f" = {plain(value * got_factor / gold_factor)} {gold_unit}"
    return got


def _judge_number(gold: Mapping[str, Any], answer: Mapping[str, Any]) -> tuple[bool, str]:
    gold_text = str(gold.get("answer", "")).strip()
    gold_unit = normalize_unit(gold.get("unit"))
    if "；" in gold_text or ";" in gold_text:
        return _judge_all_numbers(gold, str(answer.get("answer") or ""))
    gold_value = to_decimal(gold_text)
    if gold_value is None:
        return _judge_text(gold, answer)
    value = to_decimal(answer.get("value"))
    if value is not None:
        got_unit, where = normalize_unit(answer.get("unit")), "value"
    else:
        mention = primary_number(str(answer.get("answer") or ""), gold_unit)
        if mention is None:
            return (
                False,
                f"expected {_expected(gold)}, but the answer has no number: {_short(str(answer.get('answer')))}",
            )
        value, got_unit, where = mention.value, mention.unit, "answer text"
    if numbers_equal(gold_value, gold_unit, value, got_unit):
        return True, ""
    return (
        False,
        f"expected {_expected(gold)}, got {_describe_got(value, got_unit, gold_unit)} (from {where})",
    )


def _number_in(
    mention: NumberMention, default_unit: str, answer_numbers: Sequence[NumberMention]
) -> int | None:
    """Offset of the first answer number equal to ``mention``, else ``None``."""
    gold_unit = mention.unit or default_unit
    for got in answer_numbers:
        if numbers_equal(mention.value, gold_unit, got.value, got.unit or gold_unit, got.decimals):
            return got.start
    return None


def _judge_all_numbers(gold: Mapping[str, Any], text: str) -> tuple[bool, str]:
    unit = normalize_unit(gold.get("unit"))
    answer_numbers = extract_numbers(text)
    missing = []
    for item in re.split(r"[；;]", str(gold.get("answer", ""))):
        for mention in extract_numbers(item):
            if _number_in(mention, unit, answer_numbers) is None:
                missing.append(f"{mention.value} {mention.unit or unit}".strip())
    if missing:
        return False, f"expected all of {_expected(gold)}; missing {', '.join(missing)}"
    return True, ""


# ---------------------------------------------------------------------------- text, lists


def _judge_text(gold: Mapping[str, Any], answer: Mapping[str, Any]) -> tuple[bool, str]:
    gold_text, text = str(gold.get("answer", "")), str(answer.get("answer") or "")
    result = match_text(gold_text, text)
    alias = org_alias(gold_text)
    if result.ok and alias and alias in canonical_text(str(gold.get("question") or "")):
        # the question names this unit itself (谁多: A还是B?), so containment proves nothing:
        # the gold unit must be the first unit the answer names
        canon = canonical_text(text)
        found = canon.find(alias)
        mentions = org_mentions(canon)
        if found < 0 or (mentions and mentions[0] != found + len(alias) - 2):
            return False, f"expected {gold_text} first; the answer names another unit first: “{_short(text)}”"
    if result.ok:
        return True, ""
    return (
        False,
        f"expected text “{_short(str(gold.get('answer')))}”; missing {', '.join(result.missing[:6])}",
    )


def _item_remainder(item: str) -> str:
    return NUMBER_RE.sub(" ", normalize_digits(item))


def _judge_list(gold: Mapping[str, Any], answer: Mapping[str, Any], question: str) -> tuple[bool, str]:
    text = str(answer.get("answer") or "")
    unit = normalize_unit(gold.get("unit"))
    answer_numbers = extract_numbers(text)
    items = [item.strip() for item in re.split(r"[；;]", str(gold.get("answer", ""))) if item.strip()]
    missing: list[str] = []
    positions: list[int | None] = []
    for item in items:
        position: int | None = None
        ok = True
        for mention in extract_numbers(item):
            if _number_in(mention, unit, answer_numbers) is None:
                ok = False
        remainder = _item_remainder(item)
        if canonical_text(remainder):
            matched = match_text(remainder, text)
            ok = ok and matched.ok
            position = matched.position
        if not ok:
            missing.append(_short(item, 30))
        positions.append(position)
    if missing:
        return False, f"list item(s) missing: {'；'.join(missing)}"
    ranked = any(word in question for word in RANKING_WORDS)
    known = [p for p in positions if p is not None]
    if ranked and len(known) == len(items) and known != sorted(known):
        return False, f"items present but not in the expected order: {_short(str(gold.get('answer')), 80)}"
    return True, ""


def _judge_yesno(gold: Mapping[str, Any], answer: Mapping[str, Any]) -> tuple[bool, str]:
    expected = "yes" if str(gold.get("answer", "")).strip() in {"是", "一致", "yes"} else "no"
    text = str(answer.get("answer") or "")
    got = yes_no(text)
    if got == expected:
        return True, ""
    said = {"yes": "是", "no": "否", None: "neither 是 nor 否"}[got]
    return False, f"expected {gold.get('answer')}, the answer's start says {said}: “{_short(text, 20)}”"


# ---------------------------------------------------------------------------- ambiguous


def candidate_units(gold: Mapping[str, Any], answer: Mapping[str, Any]) -> list[str]:
    """Unit names the ambiguous question could mean: from the gold note and the answer's
    candidates/citations on the gold's report files (each counted once by short form)."""
    names: list[str] = []
    for segment in re.split(r"[；;\n]", str(gold.get("note") or "")):
        match = _NOTE_NAME.match(segment)
        if match and org_alias(match.group("name")):
            names.append(match.group("name").strip())
    stems = {PurePath(f).stem for f in gold_files(gold)}
    for entry in list(answer.get("candidates") or []) + list(answer.get("citations") or []):
        on_gold = isinstance(entry, Mapping) and PurePath(str(entry.get("file") or "")).stem in stems
        if on_gold and entry.get("unit_name"):
            names.append(str(entry["unit_name"]))
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(org_alias(name) or canonical_text(name), name)
    return list(unique.values())


def _judge_ambiguous(gold: Mapping[str, Any], answer: Mapping[str, Any], status: str) -> tuple[bool, str]:
    if status == "ambiguous":
        return True, ""
    if status != "answered":
        return False, f"expected a clarifying question (status ambiguous), got status {status or 'missing'}"
    text = str(answer.get("answer") or "")
    canon = canonical_text(text)
    named = []
    for name in candidate_units(gold, answer):
        alias = org_alias(name)
        if canonical_text(name) in canon or (alias and alias in canon):
            named.append(name)
    figures = [m for m in extract_numbers(text, strip_locators=True) if not m.label]
    if len(named) >= 2 and figures:
        return True, ""
    return False, (
        "expected a clarifying question (status ambiguous) or answers per report; "
        f"the answer names {len(named)} candidate unit(s) and {len(figures)} figure(s)"
    )


# ---------------------------------------------------------------------------- citations, support


def check_citations(gold: Mapping[str, Any], answer: Mapping[str, Any]) -> tuple[bool | None, str]:
    """``citation_ok`` and, when False, why. ``None`` when the check does not apply."""
    if gold.get("kind") in {"unanswerable", "ambiguous"} or gold.get("answer_type") == "unanswerable":
        return None, ""
    if (answer.get("status") or "answered") != "answered":
        return None, ""
    files = gold_files(gold)
    stems = {PurePath(f).stem for f in files}
    citations = [c for c in answer.get("citations") or [] if isinstance(c, Mapping)]
    if not citations:
        return False, "no citation"
    on_gold = [c for c in citations if PurePath(str(c.get("file") or "")).stem in stems]
    if not on_gold:
        cited = sorted({PurePath(str(c.get("file") or "?")).name for c in citations})
        return False, f"cites {', '.join(cited)}, not {', '.join(files)}"
    for citation in on_gold:
        if str(citation.get("file")).lower().endswith(".pdf"):
            if citation.get("page") not in (None, "", 0):
                return True, ""
        elif citation.get("quote") or citation.get("row") or citation.get("line"):
            return True, ""
    return False, "citation of the right report without a page (PDF) or quote/row/line (text)"


def _supported(number: NumberMention, sources: Sequence[Decimal]) -> bool:
    shifts = [4, -4, 8, -8] + ([2, -2] if number.unit == "%" else [])
    for source in sources:
        if source == number.value:
            return True
        if number.decimals >= 1 and round_half_up(source, number.decimals) == number.value:
            return True
        for shift in shifts:
            scaled = source.scaleb(shift)
            if scaled == number.value or (
                number.decimals >= 2 and round_half_up(scaled, number.decimals) == number.value
            ):
                return True
    return False


def unsupported_numbers(answer: Mapping[str, Any], question: str = "") -> list[str]:
    """Figures in the answer text that none of its sources print (see module docstring)."""
    texts = [question, str(answer.get("formula") or "")]
    for citation in answer.get("citations") or []:
        if isinstance(citation, Mapping):
            texts += [str(citation.get(key) or "") for key in ("quote", "row", "column", "table", "year")]
    sources = [m.value for text in texts for m in extract_numbers(text)]
    figures = [
        m for m in extract_numbers(str(answer.get("answer") or ""), strip_locators=True) if not m.label
    ]
    result: list[str] = []
    for figure in figures:
        if not _supported(figure, sources) and figure.show() not in result:
            result.append(figure.show())
    return result


# ---------------------------------------------------------------------------- entry point


def score_answer(
    gold: Mapping[str, Any], answer: Mapping[str, Any], latency_ms: float | None = None
) -> Score:
    """Judge ``answer`` (the QA engine's JSON shape) against one gold row of ``dev.jsonl``.

    Args:
        gold: a gold row (``id``, ``question``, ``answer``, ``unit``, ``answer_type``,
            ``kind``, ``persona``, ``report``, ``note`` …).
        answer: the answer dict (``status``, ``answer``, ``value``, ``unit``, ``formula``,
            ``citations``, ``candidates``, ``elapsed_ms``).
        latency_ms: measured latency; defaults to the answer's ``elapsed_ms``.

    Returns:
        The :class:`Score`; the rules are in this module's docstring.
    """
    status = str(answer.get("status") or "answered")
    kind = str(gold.get("kind") or "")
    answer_type = str(gold.get("answer_type") or "")
    question = str(gold.get("question") or answer.get("question") or "")
    if answer_type == "unanswerable" or kind == "unanswerable":
        correct = status == "unanswerable"
        why = (
            ""
            if correct
            else f"expected 'not in the reports' (status unanswerable), got status {status}: “{_short(str(answer.get('answer')))}”"
        )
    elif kind == "ambiguous":
        correct, why = _judge_ambiguous(gold, answer, status)
    elif status != "answered":
        correct, why = (
            False,
            f"expected {_expected(gold)}, got status {status}: “{_short(str(answer.get('answer')))}”",
        )
    elif answer_type == "number":
        correct, why = _judge_number(gold, answer)
    elif answer_type == "yesno":
        correct, why = _judge_yesno(gold, answer)
    elif answer_type == "list":
        correct, why = _judge_list(gold, answer, question)
    else:
        correct, why = _judge_text(gold, answer)

    citation_ok, citation_why = check_citations(gold, {**answer, "status": status})
    unsupported = unsupported_numbers(answer, question)
    reasons = [why] if why else []
    if unsupported:
        reasons.append(f"numbers not in the citations or formula: {', '.join(unsupported)}")
    if citation_ok is False:
        reasons.append(f"citation: {citation_why}")
    if latency_ms is None:
        elapsed = to_decimal(answer.get("elapsed_ms"))
        latency_ms = float(elapsed) if elapsed is not None else None
    return Score(
        id=str(gold.get("id") or ""),
        kind=kind,
        persona=str(gold.get("persona") or ""),
        report=str(gold.get("report") or ""),
        correct=correct,
        reason="; ".join(reasons),
        citation_ok=citation_ok,
        numbers_supported=not unsupported,
        latency_ms=latency_ms,
        answer_type=answer_type,
        status=status,
        unsupported=tuple(unsupported),
    )
