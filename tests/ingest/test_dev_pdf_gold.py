"""Every table figure of ``../shared/eval/dev_pdf.jsonl`` is a fact of its file, on its row and
column, on the gold page: the ``table_lookup`` answers, and the table cells that the
computation / consistency / cross-report items take as inputs (per their ``location`` and
``note``). Narrative (text) figures are tested elsewhere.

The expected cells are written out by hand from each gold line and the PDF page; the free-text
``location`` is not parsed at test time.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.ingest.expected_tables import PDF_DIR, SHARED, C, ExpectedCell, check_cell

GOLD_FILE = SHARED / "eval" / "dev_pdf.jsonl"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not GOLD_FILE.is_file() or not PDF_DIR.is_dir(), reason=f"shared eval not found at {SHARED}"
    ),
]

HC = "jiangsu_high_court_2019_dept_budget.pdf"
NPC17 = "jiangsu_npc_office_2017_dept_budget.pdf"
NPC19T = "jiangsu_npc_office_2019_dept_budget_tables.pdf"

# gold id → the table cells it answers with (table_lookup: the answer first) or takes as inputs
GOLD_CELLS: dict[str, tuple[ExpectedCell, ...]] = {
    # 公开01表 收支预算总表: 住房保障支出 is in the 功能分类 金额 column, not 支出用途
    "dgy-001": (C(HC, "summary", "住房保障支出", ("功能分类", "金额"), "7344.46", "万元", 8),),
    "dgy-002": (C(HC, "income", "公共财政拨款", "金额", "37188.34", "万元", 9),),
    # 公开03表 is one row of values under 合计 | 基本支出 | 项目支出 | 单位预留机动经费 | 结转下年资金
    "dgy-003": (C(HC, "expenditure", "", "单位预留机动经费", "5011.40", "万元", 9),),
    "dgy-004": (C(HC, "fiscal_summary", "项目支出", ("支出用途", "金额"), "10208.94", "万元", 10),),
    "dgy-005": (C(HC, "fiscal_expenditure", "2040504", "金额", "1599.11", "万元", 10),),
    "dgy-006": (C(HC, "gpb_expenditure", "2210202", "金额", "5465.10", "万元", 12),),
    "dgy-007": (C(HC, "gpb_basic", "30102", "基本支出", "8252.03", "万元", 13),),
    "dgy-008": (C(HC, "fiscal_basic", "30302", "金额", "1250.63", "万元", 11),),
    "dgy-009": (C(HC, "three_public", "", "公务接待费", "86.95", "万元", 14),),
    "dgy-010": (C(HC, "three_public", "", "培训费", "1597.25", "万元", 14),),
    # 公开10表: only "合 计 | 0"
    "dgy-011": (C(HC, "gov_fund", "合计", "金额", "0", "万元", 14),),
    "dgy-012": (C(HC, "office_operation", "30213", "机关运行经费支出", "668.00", "万元", 15),),
    # p17, continuation without header; the 专项 row (the item row below repeats 185.00)
    "dgy-013": (C(HC, "procurement", "江苏法院云平台", "总计", "185.00", "万元", 17),),
    # inputs named in the note: 人员经费 = 301 + 303 of 公开06表, over its 合计
    "dgy-022": (
        C(HC, "fiscal_basic", "合计", "金额", "21968.00", "万元", 11),
        C(HC, "fiscal_basic", "301", "金额", "16324.07", "万元", 11),
        C(HC, "fiscal_basic", "303", "金额", "2063.88", "万元", 11),
    ),
    # "对照公开06表合计21,968.00": 301 + 303 = 人员经费, 302 = 公用经费
    "dgy-025": (
        C(HC, "fiscal_basic", "合计", "金额", "21968.00", "万元", 11),
        C(HC, "fiscal_basic", "301", "金额", "16324.07", "万元", 11),
        C(HC, "fiscal_basic", "302", "金额", "3580.05", "万元", 11),
        C(HC, "fiscal_basic", "303", "金额", "2063.88", "万元", 11),
    ),
    # "对照公开09表 三公小计513.75、公务接待费86.95" (and the other two parts)
    "dgy-026": (
        C(HC, "three_public", "", ("三公", "小计"), "513.75", "万元", 14),
        C(HC, "three_public", "", "公务接待费", "86.95", "万元", 14),
        C(HC, "three_public", "", "因公出国", "160.00", "万元", 14),
    ),
    "drd-025": (C(NPC19T, "fiscal_basic", "30201", "金额", "570.00", "万元", 6),),
    # the 2017 side: 收支预算总表 p7–9, its 收入合计 / 支出合计 row is on p9
    "drd-029": (C(NPC17, "summary", "收入合计", "金额", "13649.07", "万元", 9),),
    # the 2017 side: 三公 table p20, "三公" 小计 833.60 and its parts
    "drd-030": (
        C(NPC17, "three_public", "", ("三公", "小计"), "833.60", "万元", 20),
        C(NPC17, "three_public", "", "因公出国", "222.50", "万元", 20),
        C(NPC17, "three_public", "", "公务接待费", "427.50", "万元", 20),
    ),
}


def _gold() -> dict[str, dict]:
    lines = GOLD_FILE.read_text(encoding="utf-8").splitlines() if GOLD_FILE.is_file() else []
    return {q["id"]: q for q in map(json.loads, filter(None, lines))}


def test_every_numeric_table_lookup_has_expected_cells() -> None:
    gold = _gold()
    lookups = {i for i, q in gold.items() if q["kind"] == "table_lookup" and q["answer_type"] == "number"}
    assert lookups <= set(GOLD_CELLS), (
        f"gold table lookups without expected cells: {sorted(lookups - set(GOLD_CELLS))}"
    )
    assert set(GOLD_CELLS) <= set(gold), f"ids not in dev_pdf.jsonl: {sorted(set(GOLD_CELLS) - set(gold))}"


@pytest.mark.parametrize("gold_id", sorted(GOLD_CELLS))
def test_gold_figure_is_a_fact_on_its_row_and_column(gold_id: str) -> None:
    q = _gold()[gold_id]
    cells = GOLD_CELLS[gold_id]
    if q["kind"] == "table_lookup":
        first = cells[0]
        assert Decimal(q["answer"]) == Decimal(first.value) and q["unit"] == first.unit
        assert first.file == q["report"] and first.page == q["page"]
    problems = [p for p in map(check_cell, cells) if p]
    assert not problems, "\n".join(problems)
