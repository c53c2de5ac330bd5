"""The SQLite fact store: round trip, one transaction per report, removal."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.model import Cell, Check, Location, ParsedReport, Report, Row, Table, TextBlock
from ingest.store import FactStore, StoreVersionError


def _parsed(report_id: str = "abc123", unit: str = "青山市人民政府办公室") -> ParsedReport:
    report = Report(report_id, "r.pdf", "标题", unit, ("青山市政府办",), "青山市", 2024, "决算", "部门", 3, None, "pdf")
    cell = Cell(("本年支出", "基本支出"), "1,234.50", Decimal("1234.50"), "万元", Location(page=2, bbox=(1, 2, 3, 4)))
    blank = Cell(("本年支出", "项目支出"), "XX", None, "", Location(page=2))
    table = Table(0, "expenditure", "公开03表", "支出决算表", "万元", (("本年支出", "基本支出"),),
                  (Row("2010301", "行政运行", (cell, blank), Location(page=2)),), pages=(2, 2))  # fmt: skip
    block = TextBlock(("第三部分", "一、总体情况"), "收入总计1,234.50万元。", Location(page=3))
    check = Check(0, "合计", "rounding", Decimal("1.00"), Decimal("1.01"), "万元", "合计 1.00 ≠ 1.01")
    return ParsedReport(report, (block,), (table,), (check,))


def test_round_trip(tmp_path: Path) -> None:
    with FactStore(tmp_path / "db.sqlite") as store:
        parsed = _parsed()
        with store.transaction() as conn:
            store.write_report(conn, parsed, "/x/r.pdf", ("expenditure",), ("summary",))
        (record,) = store.reports()
        assert record.report == parsed.report
        assert record.checks_rounding == 1 and record.facts == 1
        (fact,) = store.facts("abc123")
        assert (fact.row_code, fact.column, fact.value, fact.unit, fact.page) == (
            "2010301", "本年支出 / 基本支出", Decimal("1234.50"), "万元", 2,
        )  # fmt: skip
        assert fact.bbox == (1, 2, 3, 4)
        assert store.facts("abc123", table="公开03表") == [fact]
        assert store.blocks("abc123")[0].section_path == ("第三部分", "一、总体情况")
        assert store.checks("abc123")[0].status == "rounding"
        assert store.report("abc") is not None  # unique prefix
    # plain SQLite, readable by any tool: the facts view
    conn = sqlite3.connect(tmp_path / "db.sqlite")
    row = conn.execute("SELECT unit_name, table_no, row_label, value, value_num FROM facts").fetchone()
    assert row == ("青山市人民政府办公室", "公开03表", "行政运行", "1234.50", 1234.5)


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with FactStore(tmp_path / "db.sqlite") as store:
        with pytest.raises(RuntimeError), store.transaction() as conn:
            store.write_report(conn, _parsed(), "/x/r.pdf", (), ())
            raise RuntimeError("index failed")
        assert store.counts() == dict.fromkeys(("reports", "tables", "table_rows", "cells", "blocks", "checks"), 0)


def test_delete_and_supersede(tmp_path: Path) -> None:
    with FactStore(tmp_path / "db.sqlite") as store:
        with store.transaction() as conn:
            store.write_report(conn, _parsed("old1"), "/x/r.pdf", (), ())
        newer = _parsed("new2").report
        assert store.superseded_by(newer, "/elsewhere/r.pdf") == ["old1"]  # same name, unit, year, kind
        other_unit = _parsed("new3", unit="绿水县财政局").report
        assert store.superseded_by(other_unit, "/elsewhere/r.pdf") == []
        with store.transaction() as conn:
            store.delete_report(conn, "old1")
        assert all(v == 0 for v in store.counts().values())


def test_opening_for_reading_writes_nothing_and_never_waits(tmp_path: Path) -> None:
    path = tmp_path / "budgetqa.sqlite"
    with FactStore(path) as store, store.transaction() as conn:
        store.write_report(conn, _parsed(), "/x/report.pdf", (), ())
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # an ingest holds the write lock…
    writer.execute("DELETE FROM checks")
    try:
        with FactStore(path) as reader:  # …a reader opens and reads: no write, no wait
            assert reader.report_ids() == ["abc123"]
            assert reader.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_store_of_another_schema_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "budgetqa.sqlite"
    FactStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreVersionError, match="旧版本"):
        FactStore(path)
