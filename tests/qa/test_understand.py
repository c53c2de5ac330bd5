"""qa.understand and qa.lexicon: reading questions without a model (no ../shared needed).

Reports are built in memory; every question here is written for these tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.model import Report
from ingest.store import ReportRecord
from qa.compute import Operand, average, converted, difference, fmt, ratio_percent, same_amount, total
from qa.lexicon import find_concepts, norm_label
from qa.model import Answer, Citation
from qa.understand import understand
from qa.verify import unsupported_figures


def record(unit: str, year: int, kind: str = "决算", region: str = "", short: tuple[str, ...] = (),
           scope: str = "单位", rid: str | None = None) -> ReportRecord:  # fmt: skip
    report = Report(rid or f"{unit}{year}{kind}{scope}", f"{unit}{year}.txt", "", unit, short, region, year, kind,
                    scope, None, 100, "text")  # fmt: skip
    return ReportRecord(report, "", 9, (), (), 0, 0, 0, 0, (), "")


RECORDS = [
    record("青山市人民政府办公室", 2024, region="青山市", short=("青山市政府办", "青山市府办")),
    record("青山市人民政府办公室", 2023, region="青山市", short=("青山市政府办",)),
    record("青山市绿水区人民政府办公室本级", 2024, region="青山市绿水区", short=("绿水区政府办",)),
    record("白云县财政局", 2024, kind="预算", region="白云县", scope="部门", short=("白云县财政局",)),
    record("白云县财政局", 2024, kind="预算", region="白云县", scope="单位", short=("白云县财政局",)),
]


def ask(question: str):  # type: ignore[no-untyped-def]
    return understand(question, RECORDS)


# ---- scope -----------------------------------------------------------------------------------------


def test_short_name_and_year_pick_one_report() -> None:
    intent = ask("青山市府办2024年公务接待费是多少？")
    assert intent.units == ("青山市人民政府办公室",) and intent.years == (2024,)
    assert len(intent.report_ids) == 1 and intent.task == "lookup"


def test_place_plus_office_word_names_the_unit() -> None:
    intent = ask("绿水区政府办公室2024年的办公费花了多少？")
    assert intent.units == ("青山市绿水区人民政府办公室本级",)
    # 青山市 is only the district's city: it must not also select the city's office
    assert len(intent.report_ids) == 1


def test_a_year_no_report_covers_is_unanswerable() -> None:
    intent = ask("青山市政府办2020年三公经费是多少？")
    assert intent.task == "unanswerable" and intent.missing_year == 2020


def test_comparison_years_and_dates_are_not_the_report_year() -> None:
    assert ask("青山市政府办2024年收支总计比2023年多了多少？").years == (2024,)
    assert ask("截至2024年12月31日，青山市政府办有几辆车？").years == (2024,)
    assert ask("绿水区政府办的报告2025年3月发布，2024年的办公费是多少？").years == (2024,)


def test_a_unit_no_report_is_from_is_unanswerable() -> None:
    for question in ("北京市财政局2024年三公经费是多少？", "青山市财政局2024年三公经费是多少？"):
        intent = ask(question)
        assert intent.task == "unanswerable" and intent.unknown_unit and not intent.report_ids


def test_same_unit_two_years_without_a_year_is_ambiguous() -> None:
    intent = ask("青山市政府办的公务接待费是多少？")
    assert intent.task == "ambiguous" and len(intent.report_ids) == 2


def test_no_unit_no_year_is_ambiguous_but_comparisons_are_cross_report() -> None:
    assert ask("政府办公室的三公经费是多少？").task == "ambiguous"
    ranked = ask("哪个政府办公室的公务接待费最多？")
    assert ranked.task == "cross" and ranked.operation == "max"
    assert all("财政局" not in unit for unit in ranked.units)  # the office word narrows the candidates
    assert len(ranked.report_ids) == 2  # each office once: its latest report


def test_several_units_named() -> None:
    intent = ask("青山市政府办2024年和绿水区政府办2024年谁的三公经费多？")
    assert intent.task == "cross" and intent.operation == "which" and len(intent.units) == 2
    summed = ask("青山市、绿水区两个政府办2024年的公务接待费加起来是多少？")
    assert summed.task == "cross" and summed.operation == "sum" and len(summed.units) == 2


def test_a_compared_unit_without_that_year_is_reported_missing() -> None:
    intent = ask("青山市政府办和绿水区政府办2023年谁的三公经费多？")
    assert intent.task == "cross" and intent.lacking == ("青山市绿水区人民政府办公室本级",)
    assert len(intent.report_ids) == 1


def test_department_and_unit_reports_are_told_apart() -> None:
    both = ask("白云县财政局2024年三公经费预算是多少？")
    assert both.task == "ambiguous" and len(both.report_ids) == 2
    dept = ask("白云县财政局2024年部门预算的三公经费是多少？")
    assert dept.task == "lookup" and dept.report_ids == ("白云县财政局2024预算部门",)


# ---- what is asked ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "task", "operation"),
    [
        ("青山市政府办2024年招待费花了多少钱？", "lookup", None),
        ("青山市政府办2024年买了几辆公车？", "count", None),
        ("青山市政府办2024年决算中“项目支出”是指什么？", "definition", None),
        ("青山市政府办2024年三公经费为啥下降了？", "reason", None),
        ("什么是三公经费？", "definition", None),
        ("青山市政府办2024年决算里的机关运行经费是什么？", "definition", None),
        ("青山市政府办2024年有没有政府性基金的支出？", "yesno", None),
        ("青山市政府办2024年基本支出比项目支出多多少？", "compute", "difference"),
        ("青山市政府办2024年人员经费占基本支出的比重是多少？", "compute", "share"),
        ("青山市政府办2024年三公经费里招待费占比多少？", "compute", "share"),
        ("青山市政府办2024年平均每辆公车的运行费是多少？", "compute", "average"),
        ("青山市政府办2024年行政运行折合多少元？", "compute", "convert"),
        ("青山市政府办2024年行政运行完成年初预算的百分之几？", "compute", "completion"),
        ("青山市政府办2024年项目支出同比增加了多少？", "compute", "change"),
        ("青山市政府办2024年说明里的人员经费和基本支出表对得上吗？", "consistency", None),
        ("把这几个政府办按三公经费从低到高排个序", "cross", "rank"),
    ],
)
def test_tasks(question: str, task: str, operation: str | None) -> None:
    intent = ask(question)
    assert (intent.task, intent.operation) == (task, operation), question


def test_measure_column_words_codes_and_units() -> None:
    budget = ask("青山市政府办2024年三公经费表里公务用车运行维护费的年初预算数是多少？")
    assert budget.measure == "budget" and budget.table_hint == "three_public"
    assert ask("青山市政府办2024年一般公共预算财政拨款支出决算表中行政运行是多少？").measure == "actual"
    assert (
        ask("青山市政府办2024年一般公共预算财政拨款支出是多少？").measure is None
    )  # 一般公共预算 is not 预算数
    coded = ask("青山市政府办2024年科目2080505的基本支出是多少？")
    assert coded.codes == ("2080505",) and "基本支出" in coded.column_words
    assert ask("青山市政府办2024年基本支出明细表里30231是多少？").codes == ("30231",)
    assert ask("青山市政府办2024年一共花了1,234.50万元吗？").codes == ()
    assert ask("青山市政府办2024年行政运行支出折合多少万元？").want_unit == "万元"
    assert ask("青山市政府办2024年公务接待平均每人次花了多少元？").want_unit == "元"
    assert ask("青山市政府办2024年接待了多少人次？").expect == "人次"
    assert ask("青山市政府办2024年自评得了多少分？").expect == "分"
    quoted = ask("青山市政府办2024年“专项业务及机关事务管理”支出多少？")
    assert quoted.quoted == ("专项业务及机关事务管理",)


def test_table_names_do_not_count_as_asked_items() -> None:
    intent = ask(
        "青山市政府办2024年一般公共预算财政拨款基本支出决算明细表里，30231公务用车运行维护费是多少？"
    )
    assert [c.concept.key for c in intent.concepts] == ["公务用车运行维护费"]
    assert intent.table_hint == "gpb_basic" and "基本支出" not in intent.column_words


# ---- lexicon ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("招待费花了多少", ["公务接待费"]),
        ("买公车花了多少钱", ["公务用车购置费"]),
        ("公务用车运行维护费是多少", ["公务用车运行维护费"]),  # not also 公车/用车
        ("公车一共花了多少", ["公务用车购置及运行维护费"]),
        ("出国花了多少", ["因公出国（境）费"]),
        ("“三公”经费合计", ["三公经费"]),
        ("给职工交了多少公积金", ["住房公积金"]),
        ("养老保险交了多少", ["机关事业单位基本养老保险缴费"]),
        ("社保和就业方面花了多少", ["社会保障和就业支出"]),
        ("人员经费占基本支出多少", ["人员经费", "基本支出"]),
    ],
)
def test_everyday_words_map_to_report_terms(question: str, keys: list[str]) -> None:
    assert [c.concept.key for c in find_concepts(question)] == keys


def test_row_labels_lose_enumerators_and_levels() -> None:
    assert norm_label("六、科学技术支出") == "科学技术支出"
    assert norm_label("行政运行（项）") == "行政运行"
    assert norm_label("因公出国（境）费") == "因公出国(境)费"


# ---- compute and verify ---------------------------------------------------------------------------


def op(value: str, unit: str = "万元", label: str = "x") -> Operand:
    return Operand(Decimal(value), unit, label, None)


def test_decimal_arithmetic_with_formulas() -> None:
    diff = difference(op("2942.21"), op("1781.71"))
    assert diff.value == Decimal("1160.50") and diff.formula == "2,942.21 − 1,781.71 = 1,160.50（万元）"
    share = ratio_percent(op("13.86"), op("24.86"))
    assert share.value == Decimal("55.75") and share.unit == "%"
    mixed = total([op("4723.92"), op("32111370.79", "元")])
    assert (
        mixed.value == Decimal("7935.06")
        and mixed.unit == "万元"
        and "元（=3,211.137079万元）" in mixed.formula
    )
    per = average(op("13.86"), op("1188", "人次"), "元")
    assert per.value == Decimal("116.67") and per.unit == "元"
    small = average(op("0.95"), op("115", "人次"))
    assert small.unit == "元" and small.value == Decimal("82.61")  # below 1 万元: in 元
    wan = converted(op("7129634.33", "元"), "万元")
    assert wan.value == Decimal("712.96") and "÷ 10,000" in wan.formula
    assert fmt(Decimal("1234567.5"), 2) == "1,234,567.50"
    assert same_amount(op("5.47"), op("54655.88", "元"))[0]
    assert not same_amount(op("926.54"), op("926.53"))[0]


def test_verify_flags_numbers_without_a_source() -> None:
    cite = Citation(
        "r", "f.txt", "u", 2024, None, "公开09表 三公", "", "决算数 / 公务接待费", "68.12", line=12
    )
    good = Answer("2024年招待费？", "answered", "68.12万元（公开09表，2024年度）。", Decimal("68.12"), "万元",
                  citations=(cite,))  # fmt: skip
    assert unsupported_figures(good) == []
    converted_ok = Answer("q", "answered", "681,200元", citations=(cite,))
    assert unsupported_figures(converted_ok) == []
    invented = Answer("q", "answered", "68.12万元，比上年多3.5万元。", citations=(cite,))
    assert unsupported_figures(invented) == ["3.5"]


JIANGSU = [
    record("江苏省高级人民法院", 2019, kind="预算", region="江苏省", scope="部门"),
    record("江苏省人大常委会办公厅", 2019, kind="预算", region="江苏省", scope="部门"),
    record("江苏省人大常委会办公厅", 2017, kind="预算", region="江苏省", scope="部门"),
    record("江苏省委办公厅", 2019, kind="预算", region="江苏省", scope="部门"),
    record("江苏省政协办公厅", 2019, kind="预算", region="江苏省", scope="部门"),
    record("上海市普陀区规划和自然资源局", 2024, region="上海市普陀区", scope="部门"),
    record("上海市普陀区司法局", 2024, region="上海市普陀区", scope="部门"),
    record("上海市静安区司法局", 2024, region="上海市静安区", scope="部门"),
]


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("省高院2019年培训费预算多少？", "江苏省高级人民法院"),
        ("江苏高院2019年招待费预算多少钱？", "江苏省高级人民法院"),
        ("江苏省人民代表大会常务委员会办公厅2019年的人员经费？", "江苏省人大常委会办公厅"),
        ("2019年省人大办公厅的下属单位有哪些？", "江苏省人大常委会办公厅"),
        ("中共江苏省委办公厅2019年三公经费？", "江苏省委办公厅"),
        ("省委办2019年公务接待费？", "江苏省委办公厅"),
        ("中国人民政治协商会议江苏省委员会办公厅2019年会议费？", "江苏省政协办公厅"),
        ("普陀区规划资源局2024年的办公费是多少？", "上海市普陀区规划和自然资源局"),
        ("普陀司法局2024年的办公费是多少？", "上海市普陀区司法局"),
        ("根据省人大常委会办公厅2019年部门预算，上年收支总计是多少？", "江苏省人大常委会办公厅"),
    ],
)
def test_abbreviated_unit_names_resolve_to_one_unit(question: str, unit: str) -> None:
    intent = understand(question, JIANGSU)
    assert intent.units == (unit,) and intent.by_name and len(intent.report_ids) == 1


def test_a_short_name_two_units_share_asks_which() -> None:
    intent = understand("司法局2024年的办公费是多少？", JIANGSU)
    assert intent.task == "ambiguous" and len(intent.report_ids) == 2
    assert understand("浦东新区司法局2024年的办公费是多少？", JIANGSU).task == "unanswerable"


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("江苏高院2019年培训费预算比上年减少了多少万元？", "change"),
        ("基本支出预算比上年增长了百分之几？", "growth_rate"),
        ("与上年相比，三公经费同比下降幅度是多少？", "growth_rate"),
        ("上年（2018年）收支预算总计是多少万元？", "last_year"),
        ("去年的公务接待费是多少？", "last_year"),
        ("项目支出为啥比上年少了？", None),
        ("2019年公务接待费是多少？", None),
        ("2019年比2017年三公经费少了多少？", None),
    ],
)
def test_measures_stated_against_last_year_are_read_from_the_wording(question: str, asks: str | None) -> None:
    from qa.lexicon import norm
    from qa.understand import asked_measure

    assert asked_measure(norm(question)) == asks


def test_text_fact_labels_must_be_named_by_the_question() -> None:
    from qa.text_measures import MIN_COVER, label_cover

    assert label_cover("培训费预算支出", "培训费")[0] >= MIN_COVER
    assert label_cover("收入、支出预算总计", "收支总计")[0] >= MIN_COVER  # 收支 shortens 收入、支出
    assert label_cover("公用经费", "三公经费")[0] < MIN_COVER  # the shared tail 经费 names nothing
    assert label_cover("公务接待费预算支出", "培训费")[0] < MIN_COVER


def test_a_year_before_the_report_is_read_from_the_next_years_report() -> None:
    records = [record("江苏省高级人民法院", 2019, kind="预算", region="江苏省", scope="部门")]
    intent = understand("省高院上一年（2018年）的公务接待费预算是多少？", records)
    assert intent.year_before and intent.asks == "last_year" and len(intent.report_ids) == 1
    assert understand("省高院2016年的公务接待费预算是多少？", records).task == "unanswerable"


def test_a_row_named_after_a_table_name_is_the_item_not_the_tables_concept() -> None:
    row = understand("青山市政府办2024年一般公共预算机关运行经费支出预算表中，物业管理费是多少万元？", RECORDS)
    assert row.table_hint == "office_operation" and not row.concepts
    total = understand("青山市政府办2024年机关运行经费支出预算表的合计是多少？", RECORDS)
    assert [c.concept.key for c in total.concepts] == ["机关运行经费"]
