"""Text facts from the narrative of the real shared reports, read by hand.

Each expected figure below was read from the report text (page/line given); the test
asserts the fact extracted from the parsed file: value, unit, measure, label words and,
for last-year figures derived from 比上年增加/减少, the formula.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.model import ParsedReport
from ingest.pdf_reader import read_pdf
from ingest.text_facts import TextFact, clean_label, extract_text_facts
from tests.ingest.parsed import parsed_file

COURT = "jiangsu_high_court_2019_dept_budget.pdf"
NPC = "jiangsu_npc_office_2019_dept_budget.pdf"
PROCURATORATE = "jiangsu_procuratorate_2017_dept_budget.pdf"
PLANNING = "putuo_planning_2024_dept_final.pdf"
JUSTICE = "putuo_justice_2026_dept_budget.pdf"
YANZHOU = "002_8f719b23cddbd7a6.txt"
LUOZHUANG = "001_5564e2671ee696e1.txt"


@pytest.fixture(scope="module")
def parsed(pdf_reports: dict[str, Path], text_reports: dict[str, Path]) -> dict[str, ParsedReport]:
    """Each report parsed once for the module."""
    paths = {**pdf_reports, **text_reports}
    return {
        name: parsed_file(paths[name])
        for name in (COURT, NPC, PROCURATORATE, PLANNING, JUSTICE, YANZHOU, LUOZHUANG)
    }


@pytest.fixture(scope="module")
def facts(parsed: dict[str, ParsedReport]) -> dict[str, list[TextFact]]:
    return {name: extract_text_facts(p.blocks, p.report.fiscal_year) for name, p in parsed.items()}


def find(facts: list[TextFact], value: str, measure: str, label_part: str, unit: str = "万元") -> TextFact:
    """The one fact with this value, measure and unit whose label contains ``label_part``."""
    hits = [
        f for f in facts
        if f.value == Decimal(value) and f.measure == measure and f.unit == unit and label_part in f.label
    ]  # fmt: skip
    assert hits, f"no {measure} {value}{unit} labelled …{label_part}…; labels with that value: " + str(
        [(f.label, f.measure, str(f.value)) for f in facts if f.value == Decimal(value)]
    )
    return hits[0]


# (report, value, unit, measure, label words, page or line) — read by hand from the report.
PRINTED = [
    (COURT, "37188.34", "万元", "current", "收入、支出预算总计", 17),
    (COURT, "4016.19", "万元", "change", "收、支预算总计", 17),
    (COURT, "12.11", "%", "growth_rate", "收、支预算总计", 17),
    (COURT, "27488.23", "万元", "current", "公共安全（类）支出", 18),
    (COURT, "21968", "万元", "current", "基本支出预算", 18),
    (COURT, "18.29", "%", "growth_rate", "基本支出预算", 18),
    (COURT, "-1134.33", "万元", "change", "项目支出预算", 18),
    (COURT, "-10", "%", "growth_rate", "项目支出预算", 18),
    (COURT, "5011.4", "万元", "current", "单位预留机动经费预算", 18),
    (COURT, "59.07", "%", "share", "基本支出", 19),
    (COURT, "31.14", "%", "share", "因公出国（境）费支出占“三公”经费", 23),
    (COURT, "86.95", "万元", "current", "公务接待费预算支出", 24),
    (COURT, "-97", "万元", "change", "公务接待费预算支出", 24),
    (COURT, "3580.05", "万元", "current", "机关运行经费预算支出", 24),
    (COURT, "5227.59", "万元", "current", "政府采购预算总金额", 24),
    (COURT, "530", "万元", "current", "拟采购工程支出", 24),
    (COURT, "66", "辆", "count", "车辆", 25),
    (COURT, "13", "辆", "count", "一般公务用车", 25),
    (COURT, "38", "辆", "count", "执法执勤用车", 25),
    (COURT, "48", "台（套）", "count", "设备", 25),
    (COURT, "27", "个", "count", "内设机构", 4),
    (COURT, "2", "家", "count", "预算单位", 5),
    (NPC, "18330.37", "万元", "current", "收入、支出预算总计", 9),
    (NPC, "15.3", "%", "growth_rate", "收、支预算总计", 9),
    (NPC, "13907.78", "万元", "current", "一般公共服务（类）支出", 10),
    (NPC, "2548.3", "万元", "current", "提租补贴（项）", 14),
    (NPC, "64.43", "%", "growth_rate", "提租补贴（项）", 14),
    (NPC, "271.45", "万元", "current", "未归口管理的行政单位离退休支出", 13),
    (NPC, "384.75", "万元", "current", "公务接待费支出", 15),
    (NPC, "50.12", "%", "share", "公务接待费支出占“三公”经费", 15),
    (NPC, "-40.37", "万元", "change", "培训费预算支出", 16),
    (NPC, "2183.33", "万元", "current", "拟购买服务支出", 17),
    (NPC, "54", "辆", "count", "一般公务用车", 17),
    (NPC, "69", "台（套）", "count", "设备", 17),
    (NPC, "338", "名", "count", "编制", 4),
    (PROCURATORATE, "17996.68", "万元", "current", "收入、支出预算总计", 18),
    (PROCURATORATE, "8.85", "%", "growth_rate", "收、支预算总计", 18),
    (PROCURATORATE, "12323.46", "万元", "current", "基本支出预算", 19),
    (PROCURATORATE, "12323.48", "万元", "current", "基本支出", 19),
    (PROCURATORATE, "496", "人", "count", "编制", 7),
    (PLANNING, "9859.38", "万元", "current", "收入支出总计", None),
    (PLANNING, "12.08", "%", "growth_rate", "收入支出总计", None),
    (PLANNING, "95.45", "%", "rate", "完成年初预算", None),
    (PLANNING, "2", "批次", "count", "公务接待", None),
    (PLANNING, "26", "人次", "count", "", None),
    (PLANNING, "0", "辆", "count", "公务用车保有量", None),
    (PLANNING, "2319.21", "万元", "current", "政府采购金额", None),
    (PLANNING, "-13.52", "万元", "change", "机关运行经费支出", None),
    (PLANNING, "-8.65", "%", "growth_rate", "机关运行经费支出", None),
    (JUSTICE, "1690.69", "万元", "last_year", "预算执行数", None),
    (JUSTICE, "1486.42", "万元", "current", "政府采购预算", None),
    (YANZHOU, "1708.47", "万元", "current", "收、支总计", None),
    (YANZHOU, "32.89", "%", "growth_rate", "一般公共预算财政拨款支出", None),
    (YANZHOU, "341.25", "万元", "current", "政府采购支出总额", None),
    (YANZHOU, "115", "人次", "count", "", None),
    (LUOZHUANG, "8", "辆", "count", "车辆", None),
    (LUOZHUANG, "1188", "人次", "count", "", None),
    (LUOZHUANG, "122.94", "万元", "current", "政府采购支出总额", None),
    (LUOZHUANG, "-12.81", "%", "rate", "机关运行经费支出", None),
]


@pytest.mark.parametrize(("report", "value", "unit", "measure", "label", "page"), PRINTED)
def test_printed_figures(
    facts: dict[str, list[TextFact]],
    report: str,
    value: str,
    unit: str,
    measure: str,
    label: str,
    page: int | None,
) -> None:
    fact = find(facts[report], value, measure, label, unit)
    assert not fact.derived and fact.text and fact.sentence
    assert fact.sentence.count(fact.text.replace(" ", "")) >= 1 or fact.text in fact.sentence
    if page is not None:
        assert fact.page == page
    if report.endswith(".txt"):
        assert fact.page is None and fact.line is not None and fact.bbox is None
    else:
        assert fact.bbox is not None and fact.line is None


# (report, last-year value, label words, formula) — 比上年增加/减少, computed by hand.
DERIVED = [
    (COURT, "33172.15", "收入、支出预算总计", "37188.34 − 4016.19 = 33172.15 万元"),
    (COURT, "18570.82", "基本支出预算", "21968.00 − 3397.18 = 18570.82 万元"),
    (COURT, "11343.27", "项目支出预算", "10208.94 + 1134.33 = 11343.27 万元"),
    (COURT, "26200.88", "公共安全（类）支出", "27488.23 − 1287.35 = 26200.88 万元"),
    (COURT, "183.95", "公务接待费预算支出", "86.95 + 97.00 = 183.95 万元"),
    (COURT, "1666.25", "培训费预算支出", "1597.25 + 69.00 = 1666.25 万元"),
    (COURT, "3407.38", "机关运行经费预算支出", "3580.05 − 172.67 = 3407.38 万元"),
    (COURT, "170", "因公出国（境）费预算支出", "160 + 10 = 170 万元"),
    (NPC, "7877.76", "基本支出预算", "9312.90 − 1435.14 = 7877.76 万元"),
    (NPC, "1579.38", "机关运行经费预算支出", "1642.08 − 62.70 = 1579.38 万元"),
    (NPC, "427.50", "公务接待费预算支出", "384.75 + 42.75 = 427.50 万元"),
    (NPC, "1549.82", "提租补贴（项）", "2548.30 − 998.48 = 1549.82 万元"),
    (PROCURATORATE, "16532.88", "收入、支出预算总计", "17996.68 − 1463.80 = 16532.88 万元"),
    (PLANNING, "156.32", "机关运行经费支出", "142.80 + 13.52 = 156.32 万元"),
    (YANZHOU, "987.55", "基本支出", "1043.79 − 56.24 = 987.55 万元"),
    # "本年数小于上年预算数 X": a change stated as a comparison
    (PROCURATORATE, "186.20", "公务接待费预算支出", "156.55 + 29.65 = 186.20 万元"),
]


@pytest.mark.parametrize(("report", "value", "label", "formula"), DERIVED)
def test_last_year_derived_from_change(
    facts: dict[str, list[TextFact]], report: str, value: str, label: str, formula: str
) -> None:
    fact = find(facts[report], value, "last_year", label)
    assert fact.derived and fact.formula == formula and fact.text == ""
    year = {COURT: 2018, NPC: 2018, PROCURATORATE: 2016, PLANNING: 2023, YANZHOU: 2022}[report]
    assert fact.year == year
    assert "上年" in fact.sentence or str(year) in fact.sentence


def test_same_as_last_year_is_derived_without_arithmetic(facts: dict[str, list[TextFact]]) -> None:
    fact = find(facts[COURT], "266.8", "last_year", "公务用车运行维护费预算支出")
    assert fact.derived and fact.formula == "266.8 万元（与上年一致）" and fact.year == 2018


def test_current_year_and_last_year_years(facts: dict[str, list[TextFact]]) -> None:
    assert find(facts[COURT], "21968", "current", "基本支出预算").year == 2019
    assert find(facts[JUSTICE], "1690.69", "last_year", "预算执行数").year == 2025


def test_growth_rate_never_yields_a_derived_figure(facts: dict[str, list[TextFact]]) -> None:
    """项目支出 比上年减少10% in a reason sentence: a % alone derives nothing."""
    derived_sentences = [f.sentence for f in facts[COURT] if f.derived]
    reason = find(facts[COURT], "-10", "growth_rate", "运转类项目预算", unit="%")
    assert not any(reason.sentence == s for s in derived_sentences)


def test_blank_figure_yields_no_fact_and_borrows_nothing(facts: dict[str, list[TextFact]]) -> None:
    """p.16: "政府性基金支出预算支出 万元。与上年相比增加（减少）0万元" — the blank stays blank."""
    fund = [f for f in facts[NPC] if f.page == 16 and "政府性基金" in "".join(f.section_path)]
    assert fund, "the sentence after the blank should still be read"
    assert all(f.measure != "current" for f in fund)
    assert all(f.value == 0 for f in fund)
    assert not any(f.derived for f in fund)


def test_years_codes_dates_and_page_numbers_are_not_figures(facts: dict[str, list[TextFact]]) -> None:
    for name, found in facts.items():
        for f in found:
            assert not (f.unit in ("万元", "元") and f.text in ("2019", "2017", "2024", "2026")), (name, f)
            assert f.text not in ("2040501", "2010301"), (name, f)
    # "─ 11 ─" (a page number inside a wrapped sentence) is neither a figure nor in the label
    pension = find(facts[NPC], "271.45", "current", "离退休")
    assert "11" not in pension.label and "─" not in pension.sentence


def test_thousands_separators_and_spaces_inside_numbers(facts: dict[str, list[TextFact]]) -> None:
    fact = find(facts[YANZHOU], "1708.47", "current", "收、支总计")
    assert fact.text == "1,708.47"


def test_thresholds_are_not_amounts(facts: dict[str, list[TextFact]]) -> None:
    price = [f for f in facts[COURT] if f.value == 20 and f.unit == "万元"]
    assert price and all(f.measure == "other" for f in price)


def test_clean_label() -> None:
    assert clean_label("此外，基本支出预算数为") == "基本支出预算"
    assert clean_label("江苏省高级人民法院2019年度收入、支出预算总计") == "收入、支出预算总计"
    assert clean_label("与上年相比，财政拨款收、支总计各增加") == "财政拨款收、支总计"
    assert clean_label("本部门共有车辆") == "车辆"
    assert clean_label("与上年相比增加") == ""


def test_dev_gold_narrative_answers_are_text_facts(
    shared_dir: Path, facts: dict[str, list[TextFact]]
) -> None:
    """Every numeric narrative gold answer over the court and NPC 2019 reports is a text fact."""
    gold = [
        json.loads(line)
        for line in (shared_dir / "eval" / "dev_pdf.jsonl").read_text("utf-8").splitlines()
        if line
    ]
    wanted = [
        g for g in gold
        if g["kind"] == "narrative" and g["answer_type"] == "number" and g["report"] in (COURT, NPC)
    ]  # fmt: skip
    assert len(wanted) >= 10
    for g in wanted:
        value, unit = Decimal(g["answer"]), g["unit"]
        hits = [f for f in facts[g["report"]] if abs(f.value) == value and f.unit == unit and not f.derived]
        if "万元" in g["evidence"].replace(" ", "").split("支出预算支出")[-1][:3] and value == 0:
            # drd-014: the figure is blank in the sentence; 0 comes from 政府性基金收入预算0万元
            hits = [f for f in facts[g["report"]] if f.value == 0 and "政府性基金" in f.label]
        assert hits, g["id"]
        assert any(f.page == g["page"] for f in hits) or g["answer"] == "0", (g["id"], [f.page for f in hits])


# ---- reading order of text drawn out of order (ONLYOFFICE-style) -----------------------------

FONT = "STSong-Light"


def _draw_out_of_order(path: Path) -> None:
    """Words of each sentence first, then its numbers at their x positions, 0.5 pt lower
    and half a point smaller — the content-stream order some producers write."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    size = 11.0
    lines = [
        [("一、本单位2024年度收入支出总计", False), ("2995.39", True), ("万元，比上年增加", False), ("12.5", True),
         ("万元，增长", False), ("0.42%", True), ("。", False)],
        [("二、政府性基金支出预算支出", False), (" ", False), ("万元，本部门无此项支出。", False)],
        [("三、本部门共有车辆", False), ("12", True), ("辆，公务接待", False), ("3", True), ("批次。", False)],
    ]  # fmt: skip
    y = 780.0
    for parts in lines:
        x = 72.0
        placed: list[tuple[float, str, bool]] = []
        for text, is_number in parts:
            placed.append((x, text, is_number))
            x += pdfmetrics.stringWidth(text, FONT, size) + (1.0 if is_number else 0.0)
        for x0, text, is_number in placed:  # words first
            if not is_number:
                c.setFont(FONT, size)
                c.drawString(x0, y, text)
        for x0, text, is_number in placed:  # then the numbers
            if is_number:
                c.setFont(FONT, size - 0.5)
                c.drawString(x0 + 0.5, y - 0.5, text)
        y -= 40
    c.showPage()
    c.save()


def test_numbers_drawn_after_their_words_read_in_place(tmp_path: Path) -> None:
    path = tmp_path / "out_of_order.pdf"
    _draw_out_of_order(path)
    texts = [b.text for b in read_pdf(path).blocks]
    joined = "\n".join(texts)
    assert "收入支出总计2995.39万元，比上年增加12.5万元，增长0.42%。" in joined, texts
    assert "共有车辆12辆，公务接待3批次。" in joined, texts
    assert "政府性基金支出预算支出万元" in joined.replace(" ", ""), texts
    found = extract_text_facts(read_pdf(path).blocks, 2024)
    total = find(found, "2995.39", "current", "收入支出总计")
    assert total.page == 1
    assert find(found, "2982.89", "last_year", "收入支出总计").formula == "2995.39 − 12.50 = 2982.89 万元"
    assert find(found, "12", "count", "车辆", unit="辆")
    assert not [f for f in found if "政府性基金" in f.sentence], "a blank figure must stay blank"


def test_comparatives_are_changes_only_against_last_year() -> None:
    from ingest.text_facts import _comparative_vs_last_year

    assert _comparative_vs_last_year("本年数小于上年预算数 ") == "-"
    assert _comparative_vs_last_year("本年数多于上年 ") == "+"
    assert _comparative_vs_last_year("单价高于") == ""  # a threshold, not a change
