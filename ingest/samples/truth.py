"""What the sample generator tells tests: where each table was printed and every figure it holds.

:class:`SampleReport` is written beside each PDF as ``.truth.json`` and read back by
:func:`load_truth`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from ingest.samples.data import NarrativeFact, NarrativeLink, Planted, TableFact


class SampleRow(NamedTuple):
    """A row as printed: its code (``""`` if none), label and 1-based page."""

    code: str
    label: str
    page: int


@dataclass(frozen=True)
class SampleTable:
    """Where and how a table was printed.

    Attributes:
        key: standard table key (``ingest.catalog``), e.g. ``gpb_expenditure``.
        number: printed number, e.g. ``公开05表``.
        title: printed title.
        unit: declared amount unit (``万元``/``元``).
        pages: (first, last) 1-based pages.
        header_rows: number of header rows printed above the body.
        split_codes: codes printed in three columns 类|款|项.
        header_repeated: the header is printed again on continuation pages.
        note: the note printed under the table (``本单位无…，故本表无数据。``) or ``""``.
        rows: body rows in order, with their pages (side-by-side tables list each part).
    """

    key: str
    number: str
    title: str
    unit: str
    pages: tuple[int, int]
    header_rows: int
    split_codes: bool
    header_repeated: bool
    note: str
    rows: tuple[SampleRow, ...]


@dataclass(frozen=True)
class SampleReport:
    """A generated report and the truth about it.

    Attributes:
        path: the PDF.
        truth_path: the JSON beside it (same content as this object).
        title: e.g. ``青山市人民政府办公室2024年度部门决算``.
        unit_name, short_names, region, year, kind, scope: as :class:`ingest.model.Report` would
            have them (kind ``决算``, scope ``部门``/``单位``).
        amount_unit: the unit of every table (``万元``/``元``).
        page_count: pages in the PDF.
        tables: the nine tables in printed order.
        facts: every figure printed in the tables (blank cells are not figures).
        narrative: every figure stated in the text, with its sentence (as printed, unwrapped).
        links: narrative figures that restate a table figure (equal after unit conversion).
        planted: the deliberate inconsistencies (narrative vs table), empty for consistent reports.
    """

    path: Path
    truth_path: Path
    title: str
    unit_name: str
    short_names: tuple[str, ...]
    region: str
    year: int
    kind: str
    scope: str
    amount_unit: str
    page_count: int
    tables: tuple[SampleTable, ...]
    facts: tuple[TableFact, ...]
    narrative: tuple[NarrativeFact, ...]
    links: tuple[NarrativeLink, ...] = ()
    planted: tuple[Planted, ...] = ()

    def table(self, key: str) -> SampleTable:
        """The table with standard key ``key``."""
        return next(t for t in self.tables if t.key == key)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (Decimals as strings, paths as file names)."""
        return {
            "file": self.path.name, "title": self.title, "unit_name": self.unit_name,
            "short_names": list(self.short_names), "region": self.region, "year": self.year,
            "kind": self.kind, "scope": self.scope, "amount_unit": self.amount_unit,
            "page_count": self.page_count,
            "tables": [{**t.__dict__, "pages": list(t.pages), "rows": [list(r) for r in t.rows]}
                       for t in self.tables],
            "facts": [_fact_json(f) for f in self.facts],
            "narrative": [[n.sentence, str(n.value), n.unit] for n in self.narrative],
            "links": [[n.sentence, str(n.value), n.unit, _fact_json(n.fact)] for n in self.links],
            "planted": [{"description": p.description, "sentence": p.sentence, "value": str(p.value),
                         "unit": p.unit, "fact": _fact_json(p.fact)} for p in self.planted],
        }


def _fact_json(fact: TableFact) -> list[Any]:
    return [fact.table, fact.code, fact.label, list(fact.column), str(fact.value)]


def _fact_from_json(data: list[Any]) -> TableFact:
    return TableFact(data[0], data[1], data[2], tuple(data[3]), Decimal(data[4]))


def load_truth(truth_path: Path) -> SampleReport:
    """Read a ``.truth.json`` written by :func:`generate_sample_reports` back into a :class:`SampleReport`."""
    data = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    tables = tuple(
        SampleTable(**{**t, "pages": tuple(t["pages"]), "rows": tuple(SampleRow(*r) for r in t["rows"])})
        for t in data["tables"])
    return SampleReport(
        path=Path(truth_path).with_name(data["file"]), truth_path=Path(truth_path), title=data["title"],
        unit_name=data["unit_name"], short_names=tuple(data["short_names"]), region=data["region"],
        year=data["year"], kind=data["kind"], scope=data["scope"], amount_unit=data["amount_unit"],
        page_count=data["page_count"], tables=tables, facts=tuple(_fact_from_json(f) for f in data["facts"]),
        narrative=tuple(NarrativeFact(s, Decimal(v), u) for s, v, u in data["narrative"]),
        links=tuple(NarrativeLink(s, Decimal(v), u, _fact_from_json(f)) for s, v, u, f in data["links"]),
        planted=tuple(Planted(p["description"], p["sentence"], Decimal(p["value"]), p["unit"],
                              _fact_from_json(p["fact"])) for p in data["planted"]),
    )

