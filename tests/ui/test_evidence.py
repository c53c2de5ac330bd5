"""Evidence rendering (no web framework): highlighted tables, passages, boxed page images, CSV."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from ingest.model import Fact
from ingest.pipeline import Ingestor
from ingest.settings import Settings
from ingest.store import FactStore, TableRecord
from qa.model import Citation
from ui.evidence import (
    build_evidence,
    cited_fact,
    find_quote,
    page_image,
    quote_boxes,
    table_csv,
    table_html,
    text_passage_html,
)


def _fact(row: int, group: str, code: str, label: str, column: str, text: str, **kw: object) -> Fact:
    value = Decimal(text.replace(",", ""))
    base: dict[str, object] = {
        "report_id": "r1", "table_seq": 5, "table_kind": "gpb_basic", "table_no": "公开06表",
        "table_title": "基本支出决算表", "row_index": row, "row_code": code, "row_label": label, "row_group": group,
        "column": column, "value": value, "unit": "万元", "text": text, "page": 11, "line": None, "bbox": None,
        "uncertain": False,
    }  # fmt: skip
    return Fact(**{**base, **kw})  # type: ignore[arg-type]


TABLE = TableRecord(report_id="r1", seq=5, kind="gpb_basic", printed_number="公开06表", title="基本支出决算表",
                    unit="万元", pages=(11, 11), lines=None, note="", columns=("决算数 / 合计", "决算数 / 其中"),
                    row_count=3)  # fmt: skip
FACTS = [
    _fact(0, "人员经费", "30101", "基本工资", "决算数 / 合计", "1,486.32"),
    _fact(0, "人员经费", "30101", "基本工资", "决算数 / 其中", "12.00"),
    _fact(
        1, "公用经费", "30217", "公务接待费<b>", "决算数 / 合计", "3.46", bbox=(485.6, 333.0, 545.6, 349.0)
    ),
    _fact(1, "公用经费", "30217", "公务接待费<b>", "决算数 / 其中", "3.46"),
]


def _citation(**kw: object) -> Citation:
    base: dict[str, object] = {
        "report_id": "r1", "file": "a.pdf", "unit_name": "青山市人民政府办公室", "year": 2024, "page": 11,
        "table": "公开06表 基本支出决算表", "row": "公用经费 30217 公务接待费<b>", "column": "决算数 / 合计",
        "quote": "3.46", "line": None, "bbox": None,
    }  # fmt: skip
    return Citation(**{**base, **kw})  # type: ignore[arg-type]


def test_table_html_marks_the_cited_cell_and_row() -> None:
    hit = cited_fact(FACTS, _citation())
    assert hit is FACTS[2]  # row and column decide, although two cells of the row print 3.46
    page = table_html(TABLE, FACTS, hit)
    cells = re.findall(r'<td class="bq-cell-hit"[^>]*>(.*?)</td>', page)
    assert len(cells) == 1 and re.fullmatch(r"<mark[^>]*>3\.46</mark>", cells[0])
    hit_rows = re.findall(r'<tr class="bq-row-hit"[^>]*>(.*?)</tr>', page)
    assert len(hit_rows) == 1 and "30217" in hit_rows[0] and "1,486.32" not in hit_rows[0]
    assert "公务接待费&lt;b&gt;" in page and "<b>" not in page  # labels are escaped
    assert 'colspan="2"' in page and ">决算数<" in page  # the header path becomes a two-level header
    assert "公开06表 基本支出决算表" in page and "单位：万元" in page


def test_cited_cell_is_found_by_box_first() -> None:
    by_box = _citation(row="", column="", bbox=(485.6, 333.0, 545.6, 349.0))
    assert cited_fact(FACTS, by_box) is FACTS[2]
    assert cited_fact(FACTS, _citation(row="?", column="?", quote="1,486.32")) is FACTS[0]
    assert cited_fact(FACTS, _citation(row="?", column="?", quote="3.46")) is None  # printed twice: no guess


def test_long_table_shows_the_rows_around_the_cited_row() -> None:
    facts = [_fact(i, "", f"{i:05d}", f"项目{i}", "决算数 / 合计", f"{i}.00") for i in range(80)]
    page = table_html(TABLE, facts, facts[60])
    assert "前 48 行省略" in page and "后 7 行省略" in page
    assert "<mark" in page and "60.00</mark>" in page
    assert "项目10<" not in page


def test_table_csv_has_every_row_with_exact_values() -> None:
    rows = list(csv.reader(io.StringIO(table_csv(TABLE, FACTS))))
    assert rows[0] == ["分组", "编码", "项目", "决算数 / 合计", "决算数 / 其中", "单位"]
    assert rows[1] == ["人员经费", "30101", "基本工资", "1486.32", "12.00", "万元"]
    assert rows[2][:4] == ["公用经费", "30217", "公务接待费<b>", "3.46"]
    assert len(rows) == 3


def test_find_quote_ignores_line_breaks_and_cuts() -> None:
    text = "第一行。\n  2023年度“三公”经费财政拨款支出\n决算为6.09万元，完成年初预算的93.69%。其他"
    span = find_quote(text, "…“三公”经费财政拨款支出决算为6.09万元…")
    assert span is not None
    assert text[span[0] : span[1]].replace("\n", "") == "“三公”经费财政拨款支出决算为6.09万元"
    assert find_quote(text, "没有这句话") is None


def test_text_passage_numbers_lines_and_marks_the_quote() -> None:
    text = "\n".join(f"第{i}行文字" for i in range(1, 21)) + "\n公务接待费支出决算为\n1.86万元。\n后文"
    page = text_passage_html(text, 21, "公务接待费支出决算为1.86万元。")
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", page)
    assert marks == ["公务接待费支出决算为", "1.86万元。"]
    assert ">21<" in page and ">18<" in page and ">2<" not in page  # three lines of context


@pytest.fixture(scope="module")
def facts_home(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]) -> Settings:
    """The sample PDFs in a fact store (no vector index: the evidence needs none)."""
    settings = Settings(home=tmp_path_factory.mktemp("evidence_home"))
    with FactStore(settings.db_path) as store:
        for path in sample_paths:
            assert Ingestor(settings, store=store).ingest(path).ok
    return settings


def _cell(settings: Settings, table_kind: str, label: str) -> tuple[Fact, TableRecord]:
    with FactStore(settings.db_path) as store:
        report_id = store.report_ids()[0]
        fact = next(f for f in store.facts(report_id, table_kind) if f.row_label == label and f.bbox)
        table = next(t for t in store.tables(report_id) if t.seq == fact.table_seq)
    return fact, table


def test_page_image_has_the_page_size_and_a_box_at_the_bbox(facts_home: Settings) -> None:
    fact, _ = _cell(facts_home, "gpb_basic", "公务接待费")
    pdf = next(facts_home.files_dir.glob(f"{fact.report_id}.pdf"))
    assert fact.page is not None and fact.bbox is not None
    plain = page_image(pdf, fact.page, (), scale=1.0)
    boxed = page_image(pdf, fact.page, [fact.bbox], scale=1.0)
    with pdfplumber.open(pdf) as doc:
        width, height = doc.pages[fact.page - 1].width, doc.pages[fact.page - 1].height
    assert boxed.size == plain.size and abs(boxed.size[0] - width) <= 1 and abs(boxed.size[1] - height) <= 1
    big = page_image(pdf, fact.page, (), scale=2.0)
    assert abs(big.size[0] - 2 * width) <= 1 and abs(big.size[1] - 2 * height) <= 1
    x0, top, x1, bottom = fact.bbox
    edge = (round((x0 + x1) / 2), round(top) - 2)  # on the box's top border
    inside = (round((x0 + x1) / 2 - (x1 - x0) / 4), round((top + bottom) / 2))
    far = (10, 10)
    assert boxed.getpixel(edge) != plain.getpixel(edge)
    r, g, b = boxed.getpixel(edge)
    assert r > 150 and g < 80 and b < 80  # red
    assert boxed.getpixel(inside) != plain.getpixel(inside)  # tinted
    assert boxed.getpixel(far) == plain.getpixel(far)
    with pytest.raises(ValueError):
        page_image(pdf, 999)


def test_build_evidence_for_a_cell(facts_home: Settings) -> None:
    fact, table = _cell(facts_home, "gpb_basic", "公务接待费")
    citation = _citation(report_id=fact.report_id, file="x.pdf", page=fact.page,
                         table=f"{table.printed_number} {table.title}", row="?", column=fact.column,
                         quote=fact.text, bbox=fact.bbox)  # fmt: skip
    evidence = build_evidence(FactStore(facts_home.db_path), facts_home.files_dir, citation, scale=1.0)
    assert evidence.boxes == [fact.bbox] and evidence.image is not None
    assert f"{fact.text}</mark>" in evidence.table_html
    assert evidence.csv_text is not None and str(fact.value) in evidence.csv_text
    assert evidence.csv_name == f"{fact.report_id}_{table.printed_number}.csv"
    assert not evidence.notes


def test_build_evidence_for_a_sentence_boxes_it_on_the_page(facts_home: Settings) -> None:
    with FactStore(facts_home.db_path) as store:
        report_id = store.report_ids()[0]
        block = next(b for b in store.blocks(report_id) if "公务接待" in b.text and len(b.text) > 40)
    sentence = re.split(r"(?<=。)", block.text)[0]
    citation = _citation(report_id=report_id, page=block.location.page, table="", row=" > ".join(block.section_path),
                         column="", quote=sentence)  # fmt: skip
    evidence = build_evidence(FactStore(facts_home.db_path), facts_home.files_dir, citation, scale=1.0)
    assert evidence.image is not None and evidence.boxes
    assert block.location.bbox is not None
    bx0, btop, bx1, bbottom = block.location.bbox
    for x0, top, x1, bottom in evidence.boxes:  # the sentence's boxes lie on its paragraph
        assert bx0 - 2 <= x0 < x1 <= bx1 + 2 and btop - 2 <= top < bottom <= bbottom + 2
    assert "<mark" in evidence.passage_html and evidence.csv_text is None
    assert quote_boxes(next(facts_home.files_dir.glob(f"{report_id}.pdf")), 1, "这句话不在页面上") == []


def test_build_evidence_for_a_text_conversion(tmp_path: Path, text_reports: dict[str, Path]) -> None:
    settings = Settings(home=tmp_path)
    path = next(iter(text_reports.values()))
    with FactStore(settings.db_path) as store:
        outcome = Ingestor(settings, store=store).ingest(path)
        assert outcome.ok and outcome.report is not None
        fact = next(f for f in store.facts(outcome.report.report_id) if f.line and f.text and len(f.text) > 4)
        table = next(t for t in store.tables(fact.report_id) if t.seq == fact.table_seq)
        citation = _citation(report_id=fact.report_id, file=path.name, page=None, line=fact.line,
                             table=f"{table.printed_number} {table.title}".strip(),
                             row=" ".join(p for p in (fact.row_group, fact.row_code, fact.row_label) if p),
                             column=fact.column, quote=fact.text)  # fmt: skip
        evidence = build_evidence(store, settings.files_dir, citation)
    assert evidence.image is None
    assert f">{fact.line}<" in evidence.passage_html and f"{fact.text}</mark>" in evidence.passage_html
    assert '<td class="bq-cell-hit"' in evidence.table_html


def test_blank_and_zero_rows_show_as_printed_in_table_and_csv(sample_home: Path) -> None:
    """绿水县财政局 prints 因公出国（境）费 with no figure: the row stays, blank, in both."""
    settings = Settings(home=sample_home)
    with FactStore(settings.db_path) as store:
        record = next(r for r in store.reports() if r.report.unit_name == "绿水县财政局")
        rid = record.report.report_id
        table = next(t for t in store.tables(rid) if t.kind == "three_public")
        fact = next(
            f
            for f in store.facts(rid, str(table.seq))
            if f.row_label == "公务接待费" and f.table_seq == table.seq
        )
        citation = _citation(report_id=rid, file=record.report.source_file, page=fact.page,
                             table=f"{table.printed_number} {table.title}", row=fact.row_label,
                             column=fact.column, quote=fact.text, bbox=fact.bbox)  # fmt: skip
        evidence = build_evidence(store, settings.files_dir, citation)
    assert "因公出国（境）费" in evidence.table_html and "其中：公务用车购置费" in evidence.table_html
    assert evidence.table_label == f"{table.printed_number} {table.title}"
    rows = list(csv.reader(io.StringIO(evidence.csv_text or "")))
    abroad = next(r for r in rows if r[2] == "因公出国（境）费")
    assert abroad[3:-1] == [""] * (len(abroad) - 4)  # blank as printed, not dropped, not 0
    assert [r[2] for r in rows[1:]].index("因公出国（境）费") == 1  # where the table prints it


def test_highlight_is_readable_in_dark_mode_and_headers_stick() -> None:
    html_text = table_html(TABLE, FACTS, FACTS[2])
    hit_cell = re.search(r'<td class="bq-cell-hit" style="([^"]+)"', html_text)
    hit_row = re.search(r'<tr class="bq-row-hit" style="([^"]+)"', html_text)
    assert hit_cell and "color:#000" in hit_cell.group(
        1
    )  # dark text on the light highlight, whatever the theme
    assert hit_row and "color:#1a1a1a" in hit_row.group(1)
    row_cells = re.search(r'<tr class="bq-row-hit"[^>]*>(.*?)</tr>', html_text)
    assert row_cells and all(
        "color:" in style for style in re.findall(r'<td[^>]* style="([^"]+)"', row_cells.group(1))
    )
    assert re.search(r'<thead style="[^"]*position:sticky;top:0', html_text)
