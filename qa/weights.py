"""Every weight and threshold the answer engine scores candidates with, in one place.

A candidate figure is either a **table cell** (scored by :func:`qa.lookup.find_cells`: how its
row was found + which column + which table) or a **sentence figure** of the explanatory text
(scored by :func:`qa.narrative_match.figure_scores`: how well the words before it name the
question's content + its unit + its role). ``budgetqa ask --explain`` prints each candidate's
score and how its row was found; the names below are the features those scores add up.

The values were set on the development questions and checked on questions written without
the engine (``tests/qa/data/own_pdf.jsonl``, ``blind_pdf.jsonl``); change one only with the
evaluation figures before and after (``budgetqa eval``).
"""

from __future__ import annotations

# ---- table cells: how the row was found (row score) -------------------------------------------

ROW_CODE = 10.0
"""The question names the row's 功能/经济分类 code (``2010301``)."""
ROW_QUOTED_LABEL = 9.5
"""A quoted term is the row's label (“专项业务及机关事务管理”)."""
ROW_QUOTED_PART = 7.5
"""A quoted term (3+ characters) is part of the row's label."""
ROW_LABEL_IN_QUOTE = 7.0
"""The row's label (4+ characters) is part of a quoted term."""
ROW_CONCEPT = 9.0
"""A lexicon concept named by the question points to the row (:mod:`qa.lexicon` targets)."""
ROW_CONCEPT_IN_NAMED_TABLE = 9.0
"""A row labelled with a concept's words in the table the question names (机关运行经费表里的差旅费)."""
ROW_CONCEPT_WITH_OTHER_ITEM = 6.0
"""A column-like concept (合计, 基本支出) when the question also names an item no row has."""
ROW_LABEL_LONGER_THAN_CONCEPT = 9.5
"""The row's full label is in the question and a concept was named only by a fragment of it."""
ROW_LABEL = (7.0, 5.5, 0.1, 16)
"""The row's label is in the question: base for 3+ characters, base for 2, plus per character
(up to the last value)."""
ROW_LABEL_STEM = (5.0, 0.25, 16)
"""The label without its suffix (…支出/…费) is in the question: base, per character, cap."""
ROW_PARTIAL = (2.0, 5.0)
"""Part of the label is in the question: base + weight × share of the question's content."""
ROW_RETRIEVED = (3.0, 0.2)
"""A row found only by the keyword/vector search: base − step × rank."""

STRONG = 7.0
"""A row score at least this strong is taken over a narrative figure."""
STRONG_ROW = 4.0
"""A table row this strong is taken when the narrative has no good figure."""

# ---- table cells: which column ------------------------------------------------------------

COLUMN_BUDGET_WANTED = 3.0
"""A budget column (预算数/年初预算) when the question asks for the budget."""
COLUMN_BUDGET_ELSEWHERE = -5.0
"""Another column of a row that has a budget column, when the budget is asked."""
COLUMN_NO_BUDGET = -1.0
"""The budget is asked and the row has no budget column (the measure is not met)."""
COLUMN_BUDGET_UNWANTED = (-2.0, -4.0)
"""A budget column in a 决算 report when the question names no measure / names actual."""
COLUMN_ACTUAL = 1.0
"""A 决算 column when the budget is not asked."""
COLUMN_NAMED = 2.5
"""The column the question names (基本支出, 项目支出, 指标分值 …)."""
COLUMN_NAMED_ABSENT = -2.5
"""The question names a column this row's table does not have."""
COLUMN_TOTAL = 1.0
"""No column named: a total column (合计/小计/金额) or an unnamed one."""
COLUMN_FIRST = 0.5
"""No column named: the row's first figure."""

# ---- table cells: which table ---------------------------------------------------------------

TABLE_HINT_MATCH = 3.0
"""The question names the table's kind (支出决算表, “三公”经费表 …)."""
TABLE_HINT_OTHER = -1.0
"""The question names another kind of standard table."""
TABLE_HINT_UNCLASSIFIED = -1.5
"""The question names a table kind and this table is not a standard one."""
TABLE_STANDARD = 0.3
"""Any standard table over an unclassified one."""
TABLE_FOR_CODE = {
    "class": {"gpb_expenditure": 1.0, "expenditure": 0.7, "income": 0.5, "fiscal_summary": 0.2},
    "section": {"gpb_expenditure": 1.0, "expenditure": 0.8, "summary": 0.6},
    "economic": {"gpb_basic": 1.0},
}
"""Where a row with a code is best read: 功能分类 款/项 codes (``class``, 5+ digits), 类 codes
(``section``, 3 digits), 经济分类 codes (``economic``, 3…)."""
TABLE_SUMMARY = 0.5
"""A row without a code: the 收支总表."""
TABLE_INCOME = 1.5
"""An income table when the question says 收入 and not 支出."""

# ---- sentence figures ---------------------------------------------------------------------

FIGURE_SUBJECT = 1.5
"""× how well the words before the figure name the question's content (0…1)."""
FIGURE_SUBJECT_CARRIED = 0.8
"""× the previous figure's subject, for a figure whose own words name nothing (…，其中…)."""
FIGURE_UNIT = {
    "match": 1.0,
    "no_unit": -0.8,
    "other": -1.5,
    "money_no_unit": -1.0,
    "none_asked_no_unit": -0.3,
}
"""The figure's unit against the kind of quantity asked (money, %, a count unit)."""
FIGURE_ROLE = {
    "match": 1.0,
    "mismatch": -1.0,
    "direction": 0.4,
    "wrong_direction": -0.8,
    "previous": -0.8,
    "budget_match": 0.4,
    "budget_mismatch": -0.6,
    "spent_match": 0.15,
    "spent_near": 0.05,
    "share_match": 0.6,
    "share_mismatch": -0.6,
}
"""The figure's role against the one asked: a change vs last year (and its direction 增加/减少
against the question's), last year's figure, a budget vs an actual figure, a share."""
FIGURE_UNASKED_CHANGE = -0.5
"""A change figure when no change is asked (for counts and other units)."""
FIGURE_IN_INCLUDING = -0.5
"""A figure inside ``（含…）``."""
FIGURE_UNASKED_FLOW = -1.0
"""A purchase or disposal (购置车辆0辆) when the question asks for the holdings (几辆车)."""
FIGURE_UNASKED_PART = -0.4
"""A part after 其中 named by words the question does not use."""

NARRATIVE_MIN = 2.0
"""A sentence figure scoring below this is not an answer."""
NARRATIVE_GOOD = 3.0
"""A sentence figure scoring at least this is taken over a weak table row."""

# ---- refusing -------------------------------------------------------------------------------

MIN_COVER = 0.6
"""Share of the question's item words a text fact's label must cover (:mod:`qa.text_measures`)."""
MIN_UNCOVERED = 3
"""Uncovered item characters that make evidence about something else (:mod:`qa.coverage`)."""
