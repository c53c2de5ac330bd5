"""Generated PDFs with known figures, through the whole ingest: every printed figure
comes back as a fact on its row and column, and every identity check passes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from ingest.model import Fact, facts_of
from ingest.pipeline import parse_file
from ingest.samples import SampleReport, generate_sample_reports


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[SampleReport]:
    return generate_sample_reports(tmp_path_factory.mktemp("samples"))


def test_every_known_figure_is_a_fact_on_its_row_and_column(samples: list[SampleReport]) -> None:
    for sample in samples:
        parsed = parse_file(sample.path)
        assert parsed.report.unit_name == sample.unit_name
        assert (parsed.report.fiscal_year, parsed.report.kind, parsed.report.scope) == (
            sample.year, sample.kind, sample.scope,
        )  # fmt: skip
        by_row: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for table in parsed.tables:
            for fact in facts_of(parsed.report.report_id, table):
                by_row[(fact.table_kind, fact.row_code or fact.row_label)].append(fact)
        missing = []
        for table_key, code, label, column, value in sample.facts:
            candidates = by_row.get((table_key, code or label), [])
            found = [
                f
                for f in candidates
                if f.value == value and f.unit == sample.amount_unit
                and all(part in f.column.split(" / ") or part == f.row_group for part in column)
            ]  # fmt: skip
            if not found:
                missing.append((table_key, code, label, column, value, [(f.column, f.value) for f in candidates]))
        assert not missing, f"{sample.unit_name}: {len(missing)} of {len(sample.facts)} figures missing: {missing[:5]}"


def test_sample_tables_pass_their_identity_checks(samples: list[SampleReport]) -> None:
    for sample in samples:
        parsed = parse_file(sample.path)
        assert len({t.kind for t in parsed.tables if t.kind != "other"}) == 9
        numbers = {t.kind: t.printed_number for t in parsed.tables}
        assert all(numbers[t.key] == t.number for t in sample.tables if t.number), numbers
        failed = [c.detail for c in parsed.checks if c.status == "fail"]
        assert parsed.checks and not failed, failed


def test_multi_page_tables_are_merged(samples: list[SampleReport]) -> None:
    for sample in samples:
        parsed = parse_file(sample.path)
        spans = {t.kind: t.pages for t in parsed.tables}
        multi_page = [t for t in sample.tables if t.pages[1] > t.pages[0]]
        assert multi_page
        for table in multi_page:
            assert spans[table.key] == table.pages, (sample.unit_name, table.key, spans[table.key])


def test_demo_home_has_both_samples(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ui.cli import cli

    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "青山市人民政府办公室" in result.output and "绿水县财政局" in result.output
    again = CliRunner().invoke(cli, ["--home", str(tmp_path), "demo", "--no-serve"])
    assert "generated" not in again.output  # the home already has reports: nothing regenerated
