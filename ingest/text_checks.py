"""Does the narrative agree with the tables? Checks of text facts against table cells.

Two kinds of check, each a :class:`TextCheck`:

* ``text = table``: a text figure of this year (``measure == "current"``, money) whose
  label names a row of a table (收入总计, 基本支出, 公务接待费, a 功能分类 name …) is
  compared with that row's value, after converting the table's unit (元) to the text's
  (万元) exactly in ``Decimal``. A check is reported only when the match is unambiguous:
  every candidate cell holds the same value, or exactly one fits the text figure.
* ``growth``: a stated growth rate vs the one computed from the stated change and the
  last-year figure derived from it (change ÷ (this year − change) × 100).

Status: ``pass`` (equal in the text's printed precision), ``rounding`` (differs by at
most one unit of the text's last printed digit, e.g. 0.01 万元), ``fail`` otherwise.
Pure module: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ingest.model import Table, column_label
from ingest.numbers import MONEY_UNITS, convert
from ingest.text_cues import MEASURE_CHANGE, MEASURE_CURRENT, MEASURE_GROWTH, MEASURE_LAST_YEAR
from ingest.text_facts import TextFact

STATUS_PASS = "pass"
STATUS_ROUNDING = "rounding"
STATUS_FAIL = "fail"

# ---- vocabulary --------------------------------------------------------------------------
# The figures a narrative and a table both print, and the tables where each is to be
# looked up. Source: /work/shared/guide/domain.md ("Structure of a 决算 report", the twelve
# Jiangsu 预算 tables, and: "A 三公 table in a budget may cover 基本+项目 支出 while the
# 经济分类 rows (30217 公务接待费) cover 基本支出 only: the same word, two figures") — so
# 三公/会议费/培训费 are matched in the 三公 table only, 机关运行经费 in its own table.
THREE_PUBLIC_TABLES = ("three_public",)
TERM_TABLES: dict[str, tuple[str, ...]] = {
    "因公出国（境）费": THREE_PUBLIC_TABLES,
    "公务用车购置及运行维护费": THREE_PUBLIC_TABLES,
    "公务用车购置及运行费": THREE_PUBLIC_TABLES,
    "公务用车购置费": THREE_PUBLIC_TABLES,
    "公务用车运行维护费": THREE_PUBLIC_TABLES,
    "公务接待费": THREE_PUBLIC_TABLES,
    "三公经费": THREE_PUBLIC_TABLES,
    "会议费": THREE_PUBLIC_TABLES,
    "培训费": THREE_PUBLIC_TABLES,
    "机关运行经费": ("office_operation",),
}
HEADING_TABLES: dict[str, tuple[str, ...]] = {
    "机关运行经费": ("office_operation",),
    "政府采购": ("procurement",),
}
"""Figures under these headings are those tables' figures, whatever their label."""
TOTAL_TERMS = (
    "收入总计", "支出总计", "收入合计", "支出合计", "收支总计", "基本支出", "项目支出",
    "人员经费", "公用经费", "财政拨款收入", "一般公共预算收入", "单位预留机动经费",
)  # fmt: skip
"""Labels worth checking even without a code on the matched row."""
EXCLUDED_TABLES = ("three_public", "office_operation", "procurement", "other")
"""Tables a general label (基本支出, a 功能分类 name) is not looked up in."""
_TOTAL_ROW = re.compile(r"^(?:合计|总计|小计|)$")
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextCheck:
    """One comparison of a narrative figure with a table figure (or with other text figures).

    Attributes:
        name: what was compared, e.g. ``基本支出: 文字 = 公开03表``.
        status: ``pass`` / ``rounding`` / ``fail``.
        text_value: the text figure as printed (in ``text_unit``).
        text_unit: its unit.
        text_page: 1-based page of the text figure (PDF) or ``None``.
        text_line: 1-based line (text conversions) or ``None``.
        table_value: the table figure converted to ``text_unit`` (or the computed rate).
        table_raw: the table figure as stored, in ``table_unit``; ``None`` for growth checks.
        table_unit: the table's unit (``""`` for growth checks).
        table_seq: the table's 0-based seq, ``None`` for growth checks.
        table_title: printed number and title of the table.
        row: the row label (with code).
        column: the column path.
        detail: both figures in words.
    """

    name: str
    status: str
    text_value: Decimal
    text_unit: str
    text_page: int | None
    text_line: int | None
    table_value: Decimal
    table_raw: Decimal | None
    table_unit: str
    table_seq: int | None
    table_title: str
    row: str
    column: str
    detail: str


@lru_cache(maxsize=65536)
def normalize_label(label: str) -> str:
    """Comparable form of a row label or a text label.

    ``"法院（款）行政运行（项）支出"`` → ``"行政运行"``; ``"基本支出预算"`` → ``"基本"``;
    ``"十八、住房保障支出"`` → ``"住房保障"``; ``"收入、支出预算总计"`` → ``"收支总计"``.
    """
    t = re.sub(r"[\s“”\"'‘’]", "", label)
    t = re.sub(
        r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]+[）)])", "", t
    )
    parts = [p for p in re.split(r"[（(][类款][）)]", t) if re.sub(r"[（(]项[）)]|支出", "", p)]
    t = parts[-1] if parts else t
    t = t.replace("（项）", "").replace("(项)", "")
    t = t.replace("收入、支出", "收支").replace("收、支", "收支")
    t = re.sub(r"^(?:本年|本年度|当年|年度)", "", t)
    t = re.sub(r"(?:预算|决算)(?:数)?(?=总计|合计|$)", "", t)
    t = re.sub(r"(?:预算|决算)(?=支出$)", "", t)
    t = re.sub(r"支出$", "", t)
    t = t.replace("（境）", "(境)").replace("(境)", "（境）")
    return t


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _status(text_value: Decimal, other: Decimal) -> str:
    """Compare in the text's printed precision: equal → pass, one last digit off → rounding."""
    step = Decimal(1).scaleb(-_places(text_value))
    rounded = other.quantize(step, rounding=ROUND_HALF_UP)
    if rounded == text_value:
        return STATUS_PASS
    return STATUS_ROUNDING if abs(rounded - text_value) <= step else STATUS_FAIL


def _half_unit(value: Decimal) -> Decimal:
    return Decimal(5).scaleb(-_places(value) - 1)


def _growth_status(stated: Decimal, change: Decimal, current: Decimal, computed: Decimal) -> str:
    """Pass when the computed rate rounds to the stated one; rounding when the stated rate
    is reachable with the change and this year's figure anywhere within their printed
    precision (±half a unit of the last digit) or one last digit off; fail otherwise."""
    if _status(stated, computed) == STATUS_PASS:
        return STATUS_PASS
    rates = [
        c / (s - c) * 100
        for c in (change - _half_unit(change), change + _half_unit(change))
        for s in (current - _half_unit(current), current + _half_unit(current))
        if s != c
    ]
    step = Decimal(1).scaleb(-_places(stated))
    if rates and min(rates) - step <= stated <= max(rates) + step:
        return STATUS_ROUNDING
    return STATUS_FAIL


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Candidate:
    table: Table
    row: str
    column: str
    raw: Decimal
    unit: str
    converted: Decimal
    in_scope: bool


def _term_tables(label: str) -> tuple[str, ...] | None:
    """Tables a label is looked up in; ``None`` when it is a general label."""
    if re.search(r"[（(]款[）)]", label):
        return None  # 经济分类 款 of 基本支出 (公务接待费（款）), not the 三公 figure
    compact = label.replace("“", "").replace("”", "").replace('"', "")
    for term, tables in TERM_TABLES.items():
        if term in compact:
            return tables
    return None


def _candidates(fact: TextFact, tables: Sequence[Table]) -> list[_Candidate]:
    target = normalize_label(fact.label)
    if not target:
        return []
    kinds = _term_tables(fact.label)
    heading = fact.section_path[-1] if fact.section_path else ""
    for word, heading_tables in HEADING_TABLES.items():
        if word in heading:
            kinds = heading_tables  # 办公费 under "机关运行经费…说明" is that table's 办公费
    out: list[_Candidate] = []
    for table in tables:
        if kinds is not None and table.kind not in kinds:
            continue
        if kinds is None and table.kind in EXCLUDED_TABLES:
            continue
        scoped = kinds is not None or _same_scope(fact.label, fact.section_path, table.kind)
        single_row = len([r for r in table.rows if any(c.value is not None for c in r.cells)]) <= 2
        for row in table.rows:
            row_name = normalize_label(row.label)
            row_match = row_name == target and (
                bool(row.code) or (scoped and (kinds is not None or target in _TOTALS))
            )
            total_row = scoped and (bool(_TOTAL_ROW.match(normalize_label(row.label))) or single_row)
            for cell in row.cells:
                unit = cell.unit or table.unit
                if cell.value is None or unit not in MONEY_UNITS or fact.unit not in MONEY_UNITS:
                    continue
                leaf = normalize_label(cell.column[-1]) if cell.column else ""
                if (
                    row_match
                    and (len(row.cells) == 1 or not leaf or _generic_column(leaf))
                    or (total_row and leaf == target and (kinds is not None or target in _TOTALS))
                ):
                    out.append(
                        _Candidate(
                            table, f"{row.code} {row.label}".strip(), column_label(cell.column), cell.value, unit,
                            convert(cell.value, unit, fact.unit), scoped,
                        )
                    )  # fmt: skip
    return out


_TOTALS = {normalize_label(t) for t in TOTAL_TERMS}


def _same_scope(label: str, section_path: tuple[str, ...], kind: str) -> bool:
    """财政拨款/一般公共预算 figures (by their label, or the heading they are under) are
    looked up in those tables, other figures (which include 其他资金) outside them."""
    fiscal = kind.startswith(("fiscal_", "gpb_"))
    heading = section_path[-1] if section_path else ""
    if any(w in label or w in heading for w in ("财政拨款", "一般公共预算")):
        return fiscal
    return not fiscal


def _generic_column(leaf: str) -> bool:
    """A value column that does not itself name a part (金额, 合计, 预算数 …)."""
    return bool(re.fullmatch(r"金额|合计|小计|总计|预算数|决算数|本年预算|预算|决算|", leaf))


def check_text_against_tables(text_facts: Iterable[TextFact], tables: Sequence[Table]) -> list[TextCheck]:
    """Compare narrative figures with the tables and the growth rates with their figures.

    Args:
        text_facts: facts from :func:`ingest.text_facts.extract_text_facts` (same report).
        tables: the report's tables (``ingest.model.Table``), possibly from a second file
            of the same report (narrative and tables published apart).

    Returns:
        One check per unambiguous match, in text order; nothing for figures no table holds.
    """
    facts = list(text_facts)
    checks: list[TextCheck] = []
    seen: set[tuple[str, Decimal, int | None]] = set()
    for index, fact in enumerate(facts):
        if fact.measure == MEASURE_GROWTH:
            check = _growth_check(fact, facts[:index])
            if check is not None:
                checks.append(check)
            continue
        if fact.measure != MEASURE_CURRENT or fact.derived:
            continue
        key = (normalize_label(fact.label), fact.value, fact.page)
        if key in seen:
            continue
        check = _table_check(fact, tables)
        if check is not None:
            seen.add(key)
            checks.append(check)
    return checks


def _table_check(fact: TextFact, tables: Sequence[Table]) -> TextCheck | None:
    candidates = _candidates(fact, tables)
    in_scope = [c for c in candidates if c.in_scope]
    # A coded row found only in tables of another scope (财政拨款 vs all funds) may differ
    # for that reason alone: such a match may confirm the text, never contradict it.
    may_fail = bool(in_scope)
    candidates = in_scope or candidates
    if not candidates:
        return None
    distinct = {c.converted for c in candidates}
    if len(distinct) == 1:
        chosen = candidates[0]
    else:
        fitting = {c.converted for c in candidates if _status(fact.value, c.converted) != STATUS_FAIL}
        if len(fitting) != 1:
            return None
        chosen = next(c for c in candidates if c.converted in fitting)
    status = _status(fact.value, chosen.converted)
    if status == STATUS_FAIL and not may_fail:
        return None
    title = " ".join(p for p in (chosen.table.printed_number, chosen.table.title) if p)
    where = f"第{fact.page}页" if fact.page is not None else f"第{fact.line}行"
    converted = f"{_fmt(chosen.raw)}{chosen.unit} = {_fmt(chosen.converted)}{fact.unit}"
    return TextCheck(
        name=f"{fact.label}: 文字 = {title or '表'}",
        status=status,
        text_value=fact.value,
        text_unit=fact.unit,
        text_page=fact.page,
        text_line=fact.line,
        table_value=chosen.converted,
        table_raw=chosen.raw,
        table_unit=chosen.unit,
        table_seq=chosen.table.seq,
        table_title=title,
        row=chosen.row,
        column=chosen.column,
        detail=(
            f"文字（{where}）“{fact.label}” {fact.text.replace(' ', '')}{fact.unit}；"
            f"{title} {chosen.row} / {chosen.column} {converted if chosen.unit != fact.unit else _fmt(chosen.raw) + chosen.unit}"
        ),
    )


def _growth_check(growth: TextFact, before: Sequence[TextFact]) -> TextCheck | None:
    """The stated % vs change ÷ last year's (derived) figure, from the same sentence."""
    change = last = None
    for fact in reversed(before):
        if fact.sentence != growth.sentence and growth.sentence not in fact.sentence:
            break
        if fact.measure == MEASURE_LAST_YEAR and fact.derived and last is None and "=" in fact.formula:
            last = fact
        elif fact.measure == MEASURE_CHANGE and change is None:
            change = fact
            break
    if change is None or last is None or last.value == 0 or change.unit != last.unit:
        return None
    if growth.label not in (change.label, last.label):
        return None
    computed = change.value / last.value * 100
    status = _growth_status(growth.value, change.value, last.value + change.value, computed)
    shown = computed.quantize(Decimal(1).scaleb(-max(_places(growth.value), 2)), rounding=ROUND_HALF_UP)
    where = f"第{growth.page}页" if growth.page is not None else f"第{growth.line}行"
    return TextCheck(
        name=f"{last.label}: 增长率",
        status=status,
        text_value=growth.value,
        text_unit="%",
        text_page=growth.page,
        text_line=growth.line,
        table_value=computed,
        table_raw=None,
        table_unit="",
        table_seq=None,
        table_title="",
        row="",
        column="",
        detail=(
            f"文字（{where}）增长率 {_fmt(growth.value)}%；按文字数字计算 {_fmt(change.value)} ÷ {_fmt(last.value)} × 100"
            f" = {_fmt(shown)}%（上年数 {last.formula}）"
        ),
    )
