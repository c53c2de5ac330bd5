"""Unit, year, kind and scope from title blocks like the real ones."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata, short_names


@pytest.mark.parametrize(
    ("head", "unit", "year", "kind", "scope"),
    [
        ("**2022 年度\n临沂市人民政府办公室\n本级决算**\n\n目 录", "临沂市人民政府办公室本级", 2022, "决算", "单位"),
        ("上海市普陀区2026年区级部门预算\n预算主管部门：上海市普陀区司法局", "上海市普陀区司法局", 2026, "预算", "部门"),
        ("上海市普陀区规划和自然\n资源局 2024 年度部门决算\n目 录", "上海市普陀区规划和自然资源局", 2024, "决算", "部门"),
        (
            "临沧市人民政府办公室\n\n临沧市人民政府办公室 2022 年度部门 整体支出绩效单位自评报告\n市财政局：",
            "临沧市人民政府办公室",
            2022,
            "绩效自评",
            "部门",
        ),
    ],
)
def test_title_blocks(head: str, unit: str, year: int, kind: str, scope: str) -> None:
    meta = detect_metadata(head, "")
    assert (meta.unit_name, meta.fiscal_year, meta.kind, meta.scope) == (unit, year, kind, scope)


def test_no_title_block_uses_table_unit_lines() -> None:
    body = "第二部分 2021 年度单位决算表\n收入支出决算总表\n公开 01表\n单位：临沂市罗庄区人民政府办公室本级 金额单位：万元\n"
    meta = detect_metadata("第一部分 单位概况\n一、单位职责\n", body * 3)
    assert meta.unit_name == "临沂市罗庄区人民政府办公室本级"
    assert meta.fiscal_year == 2021 and meta.kind == "决算" and meta.scope == "单位"
    assert meta.region == "临沂市罗庄区"


def test_short_names() -> None:
    names = short_names("济宁市兖州区人民政府办公室（本级）", "济宁市兖州区")
    assert {"兖州区政府办", "济宁市兖州区政府办公室", "兖州区人民政府办公室"} <= set(names)
    assert "临沂市政府办" in short_names("临沂市人民政府办公室本级", "临沂市")
