"""Printed numbers, codes and table titles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.catalog import classify_title, printed_number
from ingest.numbers import convert, declared_unit, join_code_parts, normalize_code, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4,723.92", Decimal("4723.92")),
        ("1, 708. 47", Decimal("1708.47")),
        ("0.00", Decimal("0.00")),
        ("12.5%", Decimal("12.5")),
        ("-3.10", Decimal("-3.10")),
        ("(3.00)", Decimal("-3.00")),
        ("", None),
        ("-", None),
        ("—", None),
        ("XX", None),
        ("1.2.3", None),
    ],
)
def test_parse_number(text: str, value: Decimal | None) -> None:
    assert parse_number(text) == value


def test_codes() -> None:
    assert normalize_code("2010350.00") == "2010350"
    assert normalize_code("30101") == "30101"
    assert normalize_code("2021") == ""  # a year is not a code
    assert join_code_parts(["201", "03", "01"]) == "2010301"
    assert join_code_parts(["302", "07", ""]) == "30207"
    assert join_code_parts(["201", "", ""]) == "201"
    assert join_code_parts(["合计", "", ""]) == ""


def test_units() -> None:
    assert declared_unit("单位：临沂市罗庄区人民政府办公室本级 金额单位：万元") == "万元"
    assert declared_unit("编制部门：上海市普陀区司法局 单位:元") == "元"
    assert convert(Decimal("285449.44"), "元", "万元") == Decimal("28.544944")
    assert convert(Decimal("1.5"), "亿元", "万元") == Decimal("15000")


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("收入支出决算总表", "summary"),
        ("2026年部门财务收支预算总表", "summary"),
        ("附件 2: 收入决算表", "income"),
        ("2026年部门支出预算总表", "expenditure"),
        ("2026年预算单位财务收支预算总表", "summary"),
        ("财政拨款收入支出决算总表", "fiscal_summary"),
        ("2026年部门一般公共预算支出功能分类预算表", "gpb_expenditure"),
        ("一般公共预算财政拨款基本支出决算明细表", "gpb_basic"),
        ("2026年部门一般公共预算基本支出部门预算经济分类预算表", "gpb_basic"),
        ("政府性基金预算财政拨款收入支出决算表", "gov_fund"),
        ("国有资本经营预算财政拨款支出决算表", "soe_capital"),
        ("一般公共预算财政拨款“三公”经费支出决算表", "three_public"),
        ("2026年部门“三公”经费和机关运行经费预算表", "three_public"),
        ("市级预算项目支出绩效自评表", "performance_eval"),
        ("财政拨款支出预算表（功能科目）", "fiscal_expenditure"),
        ("财政拨款基本支出预算表（经济科目）", "fiscal_basic"),
        ("一般公共预算基本支出预算表（经济科目）", "gpb_basic"),
        ("政府性基金（预算）财政拨款支出预算表", "gov_fund"),
        ("一般公共预算机关运行经费支出预算表", "office_operation"),
        ("2017年政府采购预算表", "procurement"),
        ("收支预算总表", "summary"),
    ],
)
def test_classify_title(title: str, key: str) -> None:
    assert classify_title(title) == key


def test_printed_number() -> None:
    assert printed_number("公开 01 表") == "公开01表"
    assert printed_number("附件 1: 收入支出决算总表") == "附件1"
    assert printed_number("收入决算表") == ""
