"""``budgetqa facts`` CSV (BOM by default, ``--no-bom``, one file per table with ``--out``) and
``budgetqa checks`` naming each check's table, on the generated sample reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from ingest.store import FactStore
from ui.cli import cli
from ui.csv_export import BOM, csv_file_name


def _report(home: Path, unit_part: str) -> tuple[str, str, int]:
    with FactStore(home / "budgetqa.sqlite") as store:
        record = next(r for r in store.reports() if unit_part in r.report.unit_name)
    report = record.report
    assert report.fiscal_year is not None
    return report.report_id, report.unit_name, report.fiscal_year


def test_facts_csv_has_a_bom_unless_no_bom_and_matches_json(sample_home: Path) -> None:
    report_id, _, _ = _report(sample_home, "青山")
    runner = CliRunner()
    base = ["--home", str(sample_home), "facts", report_id[:8], "--table", "公开09表"]
    with_bom = runner.invoke(cli, [*base, "--csv"])
    plain = runner.invoke(cli, [*base, "--csv", "--no-bom"])
    as_json = runner.invoke(cli, [*base, "--json"])
    assert with_bom.exit_code == plain.exit_code == as_json.exit_code == 0, with_bom.output + plain.output
    assert with_bom.output.startswith(BOM + "table,table_no,")
    assert plain.output.startswith("table,table_no,") and BOM not in plain.output
    assert with_bom.output[len(BOM) :] == plain.output
    rows = list(csv.DictReader(io.StringIO(plain.output)))
    expected = [json.loads(line) for line in as_json.output.splitlines()]
    assert rows and len(rows) == len(expected)
    assert [(r["row_label"], r["column"], r["value"]) for r in rows] == [
        (e["row_label"], e["column"], e["value"]) for e in expected
    ]
    assert {r["table_no"] for r in rows} == {"公开09表"}


def test_facts_out_writes_one_bom_csv_per_table_named_unit_year_table(
    sample_home: Path, tmp_path: Path
) -> None:
    report_id, unit, year = _report(sample_home, "绿水")
    with FactStore(sample_home / "budgetqa.sqlite") as store:
        all_facts = store.facts(report_id)
        titles = {f.table_title for f in all_facts}
    out = tmp_path / "表格"
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "facts", report_id, "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(out.glob("*.csv"))
    assert sorted(p.name for p in written) == sorted(csv_file_name(unit, year, t) for t in titles)
    assert all(p.name.startswith(f"{unit}_{year}_") for p in written)
    total = 0
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(BOM.encode("utf-8")), path.name
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert {r["table"] for r in rows} == {path.name.removesuffix(".csv").split("_", 2)[2]}
        total += len(rows)
    assert total == len(all_facts)

    text = CliRunner().invoke(
        cli, ["--home", str(sample_home), "facts", report_id, "--text", "--out", str(out), "--no-bom"]
    )
    assert text.exit_code == 0, text.output
    narrative = out / csv_file_name(unit, year, "正文中的数字")
    assert narrative.is_file() and narrative.read_text(encoding="utf-8").startswith("label,measure,value")


def test_csv_file_names_are_safe() -> None:
    assert csv_file_name("青山市人民政府办公室", 2024, "财政拨款“三公”经费支出决算表") == (
        "青山市人民政府办公室_2024_财政拨款“三公”经费支出决算表.csv"
    )
    name = csv_file_name("某局/处", None, 'a:b*c?"d" <e>|f g')
    assert name.endswith(".csv") and not any(ch in name for ch in '\\/:*?"<>| ')
    assert "未知年度" in name


def test_checks_name_the_table_of_each_check(sample_home: Path) -> None:
    report_id, _, _ = _report(sample_home, "青山")
    with FactStore(sample_home / "budgetqa.sqlite") as store:
        tables = {f"{t.printed_number} {t.title}" for t in store.tables(report_id)}
        checks = store.checks(report_id)
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "checks", report_id, "--all"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line[:1] in "✓≈✗"]
    table_lines = lines[: len(checks)]
    assert len(table_lines) == len(checks)
    named = {line.split("[", 1)[1].split("]", 1)[0] for line in table_lines}
    assert named <= tables and len(named) > 1, named
    for line, check in zip(table_lines, checks, strict=True):
        assert line.endswith(check.detail)
