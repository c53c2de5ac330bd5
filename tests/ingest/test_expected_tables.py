"""Every table printed in the 16 shared PDFs is found with its kind, pages, title and number;
report metadata and the narrative + tables pairs. Expectations: ``expected_tables.py``."""

from __future__ import annotations

import pytest

from tests.ingest.expected_tables import (
    EXPECTED,
    MULTI_FILE_REPORTS,
    SHARED,
    ExpectedTable,
    norm,
    norm_title,
    parsed,
    table_values,
)

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not (SHARED / "reports" / "pdf").is_dir(), reason=f"shared reports not found at {SHARED}"
    ),
]

FILES = sorted(EXPECTED)


def _matched(name: str) -> list[tuple[ExpectedTable, object]]:
    """Expected tables paired with the parsed table of the same kind and pages (or None)."""
    tables = list(parsed(name).tables)
    pairs = []
    for expected in EXPECTED[name].tables:
        match = next((t for t in tables if (t.kind, t.pages) == (expected.kind, expected.pages)), None)
        if match is not None:
            tables.remove(match)
        pairs.append((expected, match))
    return pairs


@pytest.mark.parametrize("name", FILES)
def test_report_metadata(name: str) -> None:
    expected = EXPECTED[name]
    r = parsed(name).report
    got = (norm(r.unit_name), r.fiscal_year, r.kind, r.scope)
    assert got[0] in {norm(u) for u in expected.unit_names}, (
        f"unit {r.unit_name!r}, want {expected.unit_names}"
    )
    assert got[1:] == (expected.year, expected.kind, expected.scope)


@pytest.mark.parametrize("name", FILES)
def test_table_kinds_and_pages_in_order(name: str) -> None:
    got = [(t.kind, t.pages) for t in parsed(name).tables]
    want = [(t.kind, t.pages) for t in EXPECTED[name].tables]
    assert got == want


@pytest.mark.parametrize("name", FILES)
def test_table_titles(name: str) -> None:
    wrong = [
        (expected.kind, expected.title, table.title)
        for expected, table in _matched(name)
        if table is not None and norm_title(expected.title) not in norm_title(table.title)
    ]
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("name", FILES)
def test_printed_numbers(name: str) -> None:
    wrong = [
        (expected.kind, expected.number, table.printed_number)
        for expected, table in _matched(name)
        if table is not None and norm(table.printed_number) != expected.number
    ]
    assert not wrong, "\n".join(map(str, wrong))


@pytest.mark.parametrize("name", FILES)
def test_empty_tables_present_without_figures_and_others_with_figures(name: str) -> None:
    problems = []
    for expected, table in _matched(name):
        if table is None:
            if expected.empty:
                problems.append(
                    f"empty {expected.kind} p{expected.first_page}-{expected.last_page} not found"
                )
            continue
        values = table_values(table)
        if expected.empty and any(v != 0 for v in values):
            problems.append(f"{expected.kind} p{expected.pages} is printed empty but has {values[:5]}")
        if not expected.empty and not values:
            problems.append(f"{expected.kind} p{expected.pages} has figures but none were read")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("report", sorted(MULTI_FILE_REPORTS))
def test_narrative_and_tables_files_form_one_report(report: str) -> None:
    """Each file of a pair names the same unit (as printed, or an accepted alternative),
    year, kind and scope; the tables file holds the tables, the narrative file none."""
    files = MULTI_FILE_REPORTS[report]
    accepted = {norm(u) for f in files for u in EXPECTED[f].unit_names}
    metas = {f: parsed(f).report for f in files}
    for f, r in metas.items():
        assert norm(r.unit_name) in accepted, (f, r.unit_name)
    assert len({(r.fiscal_year, r.kind, r.scope) for r in metas.values()}) == 1, {
        f: (r.fiscal_year, r.kind, r.scope) for f, r in metas.items()
    }
    counts = {f: len(parsed(f).tables) for f in files}
    assert counts == {f: len(EXPECTED[f].tables) for f in files}
