"""One report from several files: the narrative + tables pairs of the shared Jiangsu PDFs.

Real files, a real SQLite store in a temp home: upload order does not matter, the
report lists its files, facts come from the tables file and text from the narrative,
and removing one file rebuilds the report from the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.grouping import canonical_unit, combined_id, group_key
from ingest.pipeline import STATUS_ADDED, STATUS_JOINED, STATUS_UNCHANGED, Ingestor
from ingest.settings import Settings
from ingest.store import FactStore

NPC_TEXT = "jiangsu_npc_office_2019_dept_budget.pdf"
NPC_TABLES = "jiangsu_npc_office_2019_dept_budget_tables.pdf"
PARTY_TEXT = "jiangsu_party_office_2019_dept_budget.pdf"
PARTY_TABLES = "jiangsu_party_office_2019_dept_budget_tables.pdf"


@pytest.mark.parametrize(
    ("long", "short"),
    [
        ("中国共产党江苏省委员会办公厅", "江苏省委办公厅"),
        ("中共江苏省委办公厅", "江苏省委办公厅"),
        ("临沂市人民政府办公室本级", "临沂市政府办公室"),
        ("江苏省人大常委会办公厅", "江苏省人大常委会办公厅"),
    ],
)
def test_canonical_unit(long: str, short: str) -> None:
    assert canonical_unit(long) == short


def test_combined_id_is_order_free() -> None:
    assert combined_id(["b", "a"]) == combined_id(["a", "b"]) != combined_id(["a", "c"])
    assert combined_id(["a"]) == "a"


def _ingest(home: Path, paths: list[Path]) -> tuple[Ingestor, list]:
    ingestor = Ingestor(Settings(home=home))
    return ingestor, [ingestor.ingest(p) for p in paths]


@pytest.mark.shared
def test_pair_becomes_one_report_in_either_order(tmp_path: Path, pdf_reports: dict[str, Path]) -> None:
    text, tables = pdf_reports[NPC_TEXT], pdf_reports[NPC_TABLES]
    first, outcomes = _ingest(tmp_path / "a", [tables, text])
    assert [o.status for o in outcomes] == [STATUS_ADDED, STATUS_JOINED]
    assert outcomes[1].joined == (NPC_TABLES,)
    second, _ = _ingest(tmp_path / "b", [text, tables])
    assert first.ingest(text).status == STATUS_UNCHANGED  # the same file again is a no-op
    with first.store as a, second.store as b:
        (ra,) = a.reports()
        (rb,) = b.reports()
        assert ra.report.report_id == rb.report.report_id
        report = ra.report
        assert report.unit_name == "江苏省人大常委会办公厅"
        assert (report.fiscal_year, report.kind, report.scope) == (2019, "预算", "部门")
        assert report.files == (NPC_TEXT, NPC_TABLES)
        assert [f.source_file for f in a.files(report.report_id)] == [NPC_TEXT, NPC_TABLES]
        facts = a.facts(report.report_id)
        assert facts and {f.file for f in facts} == {NPC_TABLES}
        # 公开表三 支出预算总表: 基本支出 9,312.90 万元 on page 3 of the tables file
        basic = [f for f in facts if f.table_kind == "expenditure" and "基本支出" in f.column]
        assert [(f.value, f.unit, f.page, f.file) for f in basic] == [(basic[0].value, "万元", 3, NPC_TABLES)]
        assert str(basic[0].value) == "9312.90"
        blocks = a.blocks(report.report_id)
        assert blocks and {b.location.file for b in blocks} == {NPC_TEXT}
        assert a.text_facts(report.report_id)
        # both files' copies are kept, each under its own id
        for f in a.files(report.report_id):
            assert list((tmp_path / "a" / "files").glob(f"{f.file_id}.pdf"))


@pytest.mark.shared
def test_removing_one_file_rebuilds_the_report(tmp_path: Path, pdf_reports: dict[str, Path]) -> None:
    ingestor, outcomes = _ingest(tmp_path, [pdf_reports[PARTY_TEXT], pdf_reports[PARTY_TABLES]])
    combined = outcomes[1].report
    assert combined is not None and combined.unit_name == "江苏省委办公厅"
    tables_file = next(f for f in ingestor.store.files(combined.report_id) if f.source_file == PARTY_TABLES)
    assert ingestor.remove(tables_file.file_id)
    with FactStore(Settings(home=tmp_path).db_path) as store:
        (record,) = store.reports()
        assert record.report.source_file == PARTY_TEXT
        assert record.facts == 0 and store.blocks(record.report.report_id)
    assert not list((tmp_path / "files").glob(f"{tables_file.file_id}.*"))


@pytest.mark.shared
def test_tables_only_file_reads_unit_year_scope_from_captions(pdf_reports: dict[str, Path]) -> None:
    from ingest.pipeline import parse_file

    parsed = parse_file(pdf_reports[PARTY_TABLES])
    assert parsed.report.unit_name == "中共江苏省委办公厅"
    assert group_key(parsed.report) == ("江苏省委办公厅", 2019, "预算", "部门")
