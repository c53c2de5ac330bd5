"""Find the table cell a question asks for, in one report's facts.

Rows are found by, strongest first: a 功能/经济分类 code in the question; a lexicon concept's
target (:mod:`qa.lexicon`); a quoted name equal to a row label; a row label (or its stem
without ``支出``/``费``) printed in the question; and, when nothing else matched, retrieval
over the report's row chunks. Within a row, the column is chosen by the question's measure
(预算数 vs 决算数), its column words (基本支出, 指标分值 …) and the concept's column; the
table by the question's table words, else by the row's kind (功能分类 codes → 公开05,
经济分类 codes → 公开06, 类 lines → 收支总表).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.model import Fact
from ingest.store import TableRecord
from qa import weights as W
from qa.lexicon import Concept, Target, norm, norm_label

log = logging.getLogger(__name__)

STRONG = W.STRONG
"""Row scores at or above this are trusted over a narrative figure."""

_TRIVIAL_LABELS = {"合计", "小计", "总计", "金额", "项目", "栏次", "其中", "决算数", "预算数"}
_DESCRIPTORS = re.compile(
    r"(?:部门|单位|项目支出|项目)?(?:整体)?(?:支出)?绩效(?:自评|评价)?(?:报告|汇总表|表)?|自评(?:报告|汇总表|表)?|"
    r"决算(?:报告|表)?|预算(?:报告|表)?|情况说明|文字说明|说明"
)
"""Words naming the report or table (not a row): ignored when matching parts of row labels."""
_FILLER = re.compile(
    r"(?:是|为|有|了|的|花了|用了|发了|拿了|打了|得了|给了)?(?:多少|几)(?:钱|分|个|项|万元|元|万)?|那一项|这一项|这项|"
    r"一共|总共|请问|是什么|情况|满分|指标分值|分值|自评得分|得分|里面|里|中|[，,。？?“”\s]"
)
"""Question words left out when measuring how much of a question a row label covers."""
_STEM_SUFFIX = re.compile(r"(?:支出|经费|费用|费|收入)$")
_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "满分": ("指标分值", "分值"),
    "分值": ("指标分值", "分值"),
    "得分": ("自评得分", "得分"),
    "自评得分": ("自评得分", "得分"),
    "执行数": ("执行数", "全年执行数", "支出决算数"),
}


@dataclass(frozen=True)
class TableRow:
    """One row of a table with its numeric cells."""

    table: TableRecord
    row_index: int
    code: str
    label: str
    nlabel: str
    group: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class CellQuery:
    """What to look for (built from an :class:`qa.understand.Intent` or a sub-phrase).

    Attributes:
        text: normalised question text (or the phrase naming one operand).
        concepts: lexicon concepts that name the figure.
        codes: 功能/经济分类 codes.
        quoted: quoted names.
        measure: ``budget`` / ``actual`` / ``None``.
        column_words: column words named in the question.
        table_hint: standard table key the question points to.
        report_kind: 决算 / 预算 / 绩效自评 (the default measure follows it).
    """

    text: str
    concepts: tuple[Concept, ...] = ()
    codes: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()
    measure: str | None = None
    column_words: tuple[str, ...] = ()
    table_hint: str | None = None
    report_kind: str = "决算"


@dataclass(frozen=True)
class CellMatch:
    """A candidate cell with its score and how its row was found."""

    fact: Fact
    row: TableRow
    score: float
    row_score: float
    how: str
    measure_met: bool = True


@dataclass
class ReportTables:
    """A report's tables and rows, indexed once (cached by the engine)."""

    tables: dict[int, TableRecord]
    rows: list[TableRow]
    by_seq: dict[int, list[TableRow]] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: Sequence[Fact], tables: Sequence[TableRecord]) -> ReportTables:
        by_table = {t.seq: t for t in tables}
        grouped: dict[tuple[int, int], list[Fact]] = {}
        for fact in facts:
            grouped.setdefault((fact.table_seq, fact.row_index), []).append(fact)
        rows = []
        for (seq, index), cells in sorted(grouped.items()):
            table = by_table.get(seq)
            if table is None:
                continue
            first = cells[0]
            rows.append(TableRow(table, index, first.row_code, first.row_label, norm_label(first.row_label),
                                 first.row_group, tuple(cells)))  # fmt: skip
        result = cls(by_table, rows)
        for row in rows:
            result.by_seq.setdefault(row.table.seq, []).append(row)
        return result

    def of_kind(self, kind: str) -> list[TableRecord]:
        return [t for t in self.tables.values() if t.kind == kind]


def _label_hit(pattern: str, nlabel: str) -> bool:
    if pattern.startswith("^"):
        return nlabel.startswith(norm(pattern[1:]))
    return norm(pattern) in nlabel


def _target_rows(target: Target, tables: ReportTables) -> list[TableRow]:
    rows = [r for r in tables.rows if not target.tables or r.table.kind in target.tables]
    if target.codes:
        rows = [r for r in rows if r.code in target.codes]
    if target.labels:
        ordered: list[TableRow] = []
        for pattern in target.labels:  # earlier patterns first
            ordered.extend(r for r in rows if _label_hit(pattern, r.nlabel) and r not in ordered)
        rows = ordered
    if target.tables and target.tables[0] != "" and not target.codes and not target.labels:
        order = {kind: n for n, kind in enumerate(target.tables)}
        rows.sort(key=lambda r: order.get(r.table.kind, 99))
    return rows


RowHit = tuple[TableRow, float, str, Target | None]


def _add_concept(concept: Concept, tables: ReportTables, add: Callable[..., None], base: float,
                 labelled_only: bool = False) -> None:  # fmt: skip
    """Rows of the first of the concept's targets that prints a figure (targets are fallbacks)."""
    for n, target in enumerate(concept.targets):
        if labelled_only and not (target.labels or target.codes):
            continue
        rows = _target_rows(target, tables)
        if target.column:
            rows = [r for r in rows if any(column_names(target.column, f.column) for f in r.facts)]
        if rows:
            for row in rows:
                add(row, base - 1.0 * n, f"concept {concept.key}", target)
            return


_MEASURE_PARTS = {"预算数", "决算数", "金额", "年初预算数", "全年预算数"}


def column_names(word: str, column: str) -> bool:
    """Whether a column is the one ``word`` names: its leaf (``公务接待费``), or, for a group's
    小计/合计, the group (``“三公”经费 / 小计`` is 三公; see :func:`named_facts`)."""
    end = leaf(column)
    return norm(word) in end or (end in ("小计", "合计") and norm(word) in norm(column))


def named_facts(word: str, facts: Sequence[Fact]) -> list[Fact]:
    """The facts whose column ``word`` names: by the column's own header first, by its group's
    小计 only when no header is the word (运行维护费 is its column, not 购置及运行维护费's 小计)."""
    own = [f for f in facts if norm(word) in leaf(f.column)]
    return own or [f for f in facts if column_names(word, f.column)]


def leaf(column: str) -> str:
    """The last header of a column path that names an item, not a measure (normalised):
    ``决算数 / 公务用车购置及运行维护费 / 小计`` → ``小计``; ``… / 公务接待费 / 决算数`` → ``公务接待费``."""
    parts = [norm(p) for p in column.split("/") if p.strip()]
    items = [p for p in parts if p not in _MEASURE_PARTS]
    return items[-1] if items else (parts[-1] if parts else "")


def candidate_rows(query: CellQuery, tables: ReportTables) -> list[RowHit]:
    """Rows the query may mean, each with a row score, how it was found and its target."""
    hits: dict[tuple[int, int, str], RowHit] = {}

    def add(row: TableRow, score: float, how: str, target: Target | None = None) -> None:
        key = (row.table.seq, row.row_index, target.column if target else "")
        if key not in hits or hits[key][1] < score:
            hits[key] = (row, score, how, target)

    for code in query.codes:
        for row in tables.rows:
            if row.code == code:
                add(row, W.ROW_CODE, f"code {code}")
    for concept in query.concepts:
        if not concept.column_like:
            _add_concept(concept, tables, add, W.ROW_CONCEPT)
    if query.table_hint:  # 机关运行经费表里的差旅费: the concept's own row in the table named
        for concept in query.concepts:
            words = {norm(w) for w in (concept.key, *concept.triggers)}
            for row in tables.rows:
                if (
                    row.table.kind == query.table_hint
                    and not concept.column_like
                    and any(w in row.nlabel for w in words)
                ):
                    add(row, W.ROW_CONCEPT_IN_NAMED_TABLE, f"concept {concept.key} in the table named")
    for quoted in query.quoted:
        q = norm_label(quoted)
        for row in tables.rows:
            if not row.nlabel:
                continue
            if row.nlabel == q:
                add(row, W.ROW_QUOTED_LABEL, "quoted label")
            elif len(q) >= 3 and q in row.nlabel:
                add(row, W.ROW_QUOTED_PART, "quoted part of label")
            elif len(row.nlabel) >= 4 and row.nlabel in q:
                add(row, W.ROW_LABEL_IN_QUOTE, "label in quote")
    text = query.text
    pointed = _without_descriptors(text)
    for concept in query.concepts:  # a named concept is found by its targets, not by parts of labels
        for trigger in sorted(concept.triggers, key=len, reverse=True):
            pointed = pointed.replace(norm(trigger), " ")
    partial: list[tuple[TableRow, int]] = []
    named = {norm(w) for c in query.concepts if not c.column_like for w in (c.key, *c.triggers)}
    fragments = [w for w in named if len(w) >= 2 and w in text]
    for row in tables.rows:
        label = row.nlabel
        if len(label) < 2 or label in _TRIVIAL_LABELS or label in named:
            continue  # a concept's own label: its targets say which row (三公 table before 30217)
        if label in text:
            if len(label) >= 3 and any(t in label and t != label for t in fragments):
                # a concept was named only by a fragment of this row's name (工资 of 绩效工资): the row wins
                add(row, W.ROW_LABEL_LONGER_THAN_CONCEPT, "label in question (longer than a concept's word)")
                continue
            long, short, per_char, cap = W.ROW_LABEL
            add(
                row,
                (long if len(label) >= 3 else short) + min(len(label), cap) * per_char,
                "label in question",
            )
            continue
        stem = _STEM_SUFFIX.sub("", label)
        if len(stem) >= 3 and stem != label and stem in text:
            base, per_char, cap = W.ROW_LABEL_STEM
            add(row, base + min(len(stem), cap) * per_char, "label stem in question")
            continue
        common = _common_length(label, pointed)
        if common >= 3:
            partial.append((row, common))
    specific = bool(hits)
    leftover = _FILLER.sub("", pointed)
    for concept in query.concepts:
        if concept.column_like and not specific:
            named_else = bool(partial) or len(leftover) >= 4  # the question names an item no row has
            weight = W.ROW_CONCEPT_WITH_OTHER_ITEM if named_else else W.ROW_CONCEPT
            _add_concept(concept, tables, add, weight, labelled_only=named_else)
    if not specific:
        content = max(len(_FILLER.sub("", pointed)), 1)
        for row, common in partial:
            base, weight = W.ROW_PARTIAL
            add(row, base + weight * min(common / content, 1.0), "part of label in question")
    return list(hits.values())


_FUND_TERMS = re.compile(r"一般公共预算|政府性基金预算?|国有资本经营预算|社会保险基金预算?|财政拨款")
"""Fund types (domain.md): they say which money, not which item — a label sharing only their
first characters (一般公共服务支出 for 一般公共预算) is not named by them."""


def _without_descriptors(text: str) -> str:
    """The text without words naming the report or table (:data:`_DESCRIPTORS`); fund-type terms
    (一般公共预算) are kept whole."""
    out, at = [], 0
    for m in _FUND_TERMS.finditer(text):
        out.append(_DESCRIPTORS.sub(" ", text[at : m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(_DESCRIPTORS.sub(" ", text[at:]))
    return "".join(out)


def _common_length(label: str, text: str) -> int:
    """Length of the longest substring of ``label`` (up to 10 characters) found in ``text``, not
    counting one that cuts a fund-type term of the text (:data:`_FUND_TERMS`) the label lacks."""
    terms = [(m.start(), m.end()) for m in _FUND_TERMS.finditer(text) if m.group(0) not in label]
    for size in range(min(len(label), 10), 1, -1):
        for start in range(len(label) - size + 1):
            piece = label[start : start + size]
            at = text.find(piece)
            while at != -1:
                if not any(a < at + size and at < b for a, b in terms):
                    return size
                at = text.find(piece, at + 1)
    return 0


def _column_named(column: str, query: CellQuery) -> bool:
    return any(
        norm(alias) in column for word in query.column_words for alias in _COLUMN_ALIASES.get(word, (word,))
    )


def _column_score(fact: Fact, query: CellQuery, row_facts: Sequence[Fact]) -> tuple[float, bool]:
    column = norm(fact.column)
    score = 0.0
    met = True
    # in a 预算 report every amount is a budget figure unless its column says otherwise
    in_budget = query.report_kind == "预算"

    def budget_column(name: str) -> bool:
        if "预算" in name and "决算" not in name:
            return True
        return in_budget and not re.search(r"决算|执行|实际", name)

    is_budget = budget_column(column)
    row_has_budget = any(budget_column(f.column) for f in row_facts)
    if query.measure == "budget":
        if is_budget:
            score += W.COLUMN_BUDGET_WANTED
        elif row_has_budget:
            score += W.COLUMN_BUDGET_ELSEWHERE
        else:
            met = False
            score += W.COLUMN_NO_BUDGET
    elif is_budget and query.report_kind != "预算":
        unnamed, actual = W.COLUMN_BUDGET_UNWANTED
        score += unnamed if query.measure is None else actual
    if "决算" in column and query.measure != "budget":
        score += W.COLUMN_ACTUAL
    named = False
    for word in query.column_words:
        for alias in _COLUMN_ALIASES.get(word, (word,)):
            if norm(alias) in column:
                score += W.COLUMN_NAMED
                named = True
                break
    if not named:
        if re.search(r"(?:合计|小计|金额|本年支出合计|本年收入合计)$", column) or not column:
            score += W.COLUMN_TOTAL
        if fact is row_facts[0]:
            score += W.COLUMN_FIRST
    return score, met


def _table_score(row: TableRow, query: CellQuery, how: str = "") -> float:
    kind = row.table.kind
    if query.table_hint:
        if kind == query.table_hint:
            return W.TABLE_HINT_MATCH
        return W.TABLE_HINT_OTHER if kind != "other" else W.TABLE_HINT_UNCLASSIFIED
    if how.startswith("concept"):
        return 0.0  # the concept's targets are already in order of preference
    score = W.TABLE_STANDARD if kind != "other" else 0.0
    code = row.code
    if code.startswith("2") and len(code) >= 5:
        score += W.TABLE_FOR_CODE["class"].get(kind, 0.0)
    elif code.startswith("2") and len(code) == 3:
        score += W.TABLE_FOR_CODE["section"].get(kind, 0.0)
    elif code.startswith("3"):
        score += W.TABLE_FOR_CODE["economic"].get(kind, 0.0)
    elif kind == "summary":
        score += W.TABLE_SUMMARY
    if "收入" in query.text and "支出" not in query.text:
        score += W.TABLE_INCOME if kind == "income" else 0.0
    return score


def find_cells(
    query: CellQuery,
    tables: ReportTables,
    retrieve: Callable[[str], list[tuple[int, int]]] | None = None,
) -> list[CellMatch]:
    """Candidate cells for ``query``, best first.

    Args:
        query: what to look for.
        tables: the report's rows.
        retrieve: optional ``text → [(table_seq, row_index), …]`` (ranked row chunks), used
            only when no row is matched by code, concept or label.

    Returns:
        Matches best first (one per row at most, the row's best column).
    """
    hits = candidate_rows(query, tables)
    if not hits and retrieve is not None:
        index = {(r.table.seq, r.row_index): r for r in tables.rows}
        named = [norm(w) for c in query.concepts if not c.column_like for w in (c.key, *c.triggers)]
        content = _without_descriptors(query.text)
        for rank, key in enumerate(retrieve(query.text)):
            row = index.get(key)
            if row is None:
                continue
            if named and not any(w in row.nlabel for w in named):
                continue  # the question names something this row is not
            if _common_length(row.nlabel, content) < 2 and not named:
                continue
            base, step = W.ROW_RETRIEVED
            hits.append((row, base - step * rank, "retrieved", None))
    matches: list[CellMatch] = []
    for row, row_score, how, target in hits:
        facts = list(row.facts)
        if target is not None and target.column:
            facts = named_facts(target.column, facts)
            facts = [f for f in facts if not any(norm(w) in norm(f.column) for w in target.column_not)]
        if not facts:
            continue
        scored = []
        for fact in facts:
            column_score, met = _column_score(fact, query, row.facts)
            scored.append((column_score, met, fact))
        column_score, met, fact = max(scored, key=lambda s: s[0])
        if query.column_words and not any(_column_named(norm(f.column), query) for f in row.facts):
            column_score += W.COLUMN_NAMED_ABSENT
        total = row_score + column_score + _table_score(row, query, how)
        matches.append(CellMatch(fact, row, round(total, 3), row_score, how, met))
    matches.sort(key=lambda m: (-m.score, m.row.table.seq, m.row.row_index))
    return matches


def blank_target(concept: Concept, tables: ReportTables) -> TableRecord | None:
    """The concept's table when it exists but prints no figure in the concept's column (a blank
    cell, which these reports use for zero), else ``None``."""
    for target in concept.targets[:1]:
        if not target.column:
            continue
        for kind in target.tables:
            for table in tables.of_kind(kind):
                rows = tables.by_seq.get(table.seq, [])
                printed = any(column_names(target.column, f.column) for r in rows for f in r.facts)
                if not printed and any(column_names(target.column, c) for c in table.columns):
                    return table  # the column is printed, its cell blank
    return None


def empty_table(kind: str, tables: ReportTables) -> TableRecord | None:
    """The standard table of this kind when it has no figure (or only zeros), else ``None``."""
    for table in tables.of_kind(kind):
        rows = tables.by_seq.get(table.seq, [])
        if all(f.value == 0 for r in rows for f in r.facts):
            return table
    return None
