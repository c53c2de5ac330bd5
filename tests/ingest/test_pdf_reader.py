"""Tests of ingest.pdf_reader: real reports from ../shared, synthetic PDFs and bad input."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.catalog import classify_title
from ingest.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    IngestError,
    ScannedFileError,
    UnsupportedFileError,
)
from ingest.model import TextBlock
from ingest.pdf_layout import join_wrapped
from ingest.pdf_load import is_invisible_fill, is_white
from ingest.pdf_reader import read_pdf
from ingest.rawtable import Extracted, RawCell, RawTable

PLANNING = "putuo_planning_2024_dept_final.pdf"
JUSTICE_DEPT = "putuo_justice_2026_dept_budget.pdf"
JUSTICE_UNIT = "putuo_justice_2026_unit_budget.pdf"
TEMPLATE = "mof_dept_final_template.pdf"
ALL_NINE = {
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "gpb_expenditure",
    "gpb_basic",
    "three_public",
    "gov_fund",
    "soe_capital",
}
CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]")


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def extracted(pdf_reports: dict[str, Path]) -> dict[str, Extracted]:
    """Each shared PDF read once for the whole module."""
    return {name: read_pdf(path) for name, path in pdf_reports.items()}


def _by_kind(ex: Extracted) -> dict[str, RawTable]:
    return {classify_title(t.title): t for t in ex.tables if classify_title(t.title) != "other"}


def _texts(row: tuple[RawCell | None, ...]) -> list[str | None]:
    return [None if c is None else c.text for c in row]


def _row(table: RawTable, first: str) -> tuple[RawCell | None, ...]:
    rows = [r for r in table.rows if r and r[0] is not None and r[0].text == first]
    assert len(rows) == 1, f"{first!r} in {table.title}: {len(rows)} rows"
    return rows[0]


def _block(ex: Extracted, needle: str) -> TextBlock:
    found = [b for b in ex.blocks if needle in b.text]
    assert found, f"no block contains {needle!r}"
    return found[0]


# ---------------------------------------------------------------- real reports


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "pages"), [(PLANNING, 30), (JUSTICE_DEPT, 23), (JUSTICE_UNIT, 21), (TEMPLATE, 23)]
)
def test_page_count_and_format(extracted: dict[str, Extracted], name: str, pages: int) -> None:
    ex = extracted[name]
    assert ex.source_format == "pdf"
    assert ex.page_count == pages
    assert ex.line_count is None
    assert 0 < len(ex.head_text) <= 3000


@pytest.mark.shared
@pytest.mark.parametrize("name", [PLANNING, JUSTICE_DEPT, TEMPLATE])
def test_nine_standard_tables_found_once(extracted: dict[str, Extracted], name: str) -> None:
    keys = [classify_title(t.title) for t in extracted[name].tables]
    assert set(keys) - {"other"} == ALL_NINE
    assert all(keys.count(k) == 1 for k in ALL_NINE)


@pytest.mark.shared
def test_unit_budget_titles(extracted: dict[str, Extracted]) -> None:
    titles = [t.title for t in extracted[JUSTICE_UNIT].tables]
    assert titles == [
        "2026年预算单位财务收支预算总表",
        "2026年预算单位收入预算总表",
        "2026年预算单位支出预算总表",
        "2026年预算单位财政拨款收支预算总表",
        "2026年预算单位一般公共预算支出功能分类预算表",
        "2026年预算单位政府性基金预算支出功能分类预算表",
        "2026年预算单位国有资本经营预算支出功能分类预算表",
        "2026年预算单位一般公共预算基本支出部门预算经济分类预算表",
        "2026年单位“三公”经费和机关运行经费预算表",
    ]
    keys = {classify_title(t) for t in titles}
    assert {
        "fiscal_summary",
        "gpb_expenditure",
        "gov_fund",
        "soe_capital",
        "gpb_basic",
        "three_public",
    } <= keys


@pytest.mark.shared
def test_planning_title_is_the_specific_table_name(extracted: dict[str, Extracted]) -> None:
    """Page 7 prints 上海市规划和自然资源局 2024 年度部门决算表 above 收入支出决算总表."""
    summary = _by_kind(extracted[PLANNING])["summary"]
    assert summary.title == "收入支出决算总表"
    assert summary.pages == (7, 7)


@pytest.mark.shared
def test_units(extracted: dict[str, Extracted]) -> None:
    for name in (JUSTICE_DEPT, JUSTICE_UNIT):
        for kind, table in _by_kind(extracted[name]).items():
            assert table.unit == ("万元" if kind == "three_public" else "元"), (name, table.title)
    for name in (PLANNING, TEMPLATE):
        assert {t.unit for t in _by_kind(extracted[name]).values()} == {"万元"}


@pytest.mark.shared
@pytest.mark.parametrize(
    ("name", "kind", "pages", "rows"),
    [
        (JUSTICE_DEPT, "expenditure", (12, 13), 25),
        (JUSTICE_DEPT, "gpb_expenditure", (15, 16), 25),
        (JUSTICE_DEPT, "gpb_basic", (19, 20), 33),
        (JUSTICE_UNIT, "gpb_expenditure", (14, 15), 25),
        (PLANNING, "income", (8, 9), 27),
        (PLANNING, "expenditure", (10, 11), 27),
        (PLANNING, "fiscal_summary", (12, 13), 32),
        (PLANNING, "gpb_expenditure", (14, 15), 27),
        (TEMPLATE, "fiscal_summary", (8, 9), 32),
    ],
)
def test_tables_merged_across_pages(
    extracted: dict[str, Extracted], name: str, kind: str, pages: tuple[int, int], rows: int
) -> None:
    table = _by_kind(extracted[name])[kind]
    assert table.pages == pages
    assert len(table.rows) == rows
    assert len({len(r) for r in table.rows}) == 1
    # The last row printed on the second page is the table's last row.
    last = [c.location.page for c in table.rows[-1] if c is not None]
    assert set(last) == {pages[1]}


@pytest.mark.shared
def test_repeated_header_on_continuation_page_dropped(extracted: dict[str, Extracted]) -> None:
    """Page 16 of the justice budget repeats the four header rows of page 15."""
    table = _by_kind(extracted[JUSTICE_DEPT])["gpb_expenditure"]
    firsts = [r[0].text for r in table.rows if r[0] is not None]
    assert firsts.count("项目") == 1
    assert firsts.count("类") == 1
    assert _texts(table.rows[-1])[0] == "合计"
    assert _texts(table.rows[-1])[-3:] == ["96282213.44", "25741666.44", "70540547.00"]
    row = next(r for r in table.rows if _texts(r)[:4] == ["210", "11", "01", "行政单位医疗"])
    assert row[0] is not None and row[0].location.page == 16
    assert _texts(row)[4:] == ["1149678.00", "1149678.00", "0.00"]


@pytest.mark.shared
def test_blank_and_contents_pages_give_no_table(extracted: dict[str, Extracted]) -> None:
    """Page 2 (contents, in a table) and page 3 (invisible cells only) of the justice budget."""
    pages = [t.pages for t in extracted[JUSTICE_DEPT].tables]
    assert pages[0] == (10, 10)
    assert all(p is not None and p[0] >= 10 for p in pages)


@pytest.mark.shared
def test_planning_cells(extracted: dict[str, Extracted]) -> None:
    tables = _by_kind(extracted[PLANNING])
    row = _row(tables["expenditure"], "2120101")
    assert _texts(row)[:5] == ["2120101", "行政运行", "1105.68", "1096.91", "8.77"]
    cell = row[2]
    assert cell is not None and cell.location.page == 11
    assert cell.location.bbox is not None
    x0, top, x1, bottom = cell.location.bbox
    assert 0 < x0 < x1 < 842 and 0 < top < bottom < 596
    # Same code in the 一般公共预算 table: label printed above the code in a narrow column.
    gpb = _row(tables["gpb_expenditure"], "2120101")
    assert _texts(gpb) == ["2120101", "行政运行", "1092.80", "1084.02", "8.77"]
    assert gpb[0] is not None and gpb[0].location.page == 14
    # A label wrapped inside its cell is joined without a space.
    assert _texts(_row(tables["income"], "2080505"))[1] == "机关事业单位基本养老保险缴费支出"
    # A cell merged with its left neighbour is None.
    assert tables["income"].rows[0][0] is not None and tables["income"].rows[0][1] is None
    three = tables["three_public"]
    assert _texts(three.rows[-1])[:2] == ["2.85", "0.39"]


@pytest.mark.shared
def test_justice_cells(extracted: dict[str, Extracted]) -> None:
    tables = _by_kind(extracted[JUSTICE_DEPT])
    three = tables["three_public"]
    assert _texts(three.rows[0])[-1] == "机关运行经费预算数"  # wrapped 机关运行经费预算 / 数
    assert _texts(three.rows[-1]) == ["10.81", "0", "0.83", "9.98", "0", "9.98", "217.83"]
    income = tables["income"]
    assert _texts(_row(income, "合计"))[-5:] == ["96282213.44", "96282213.44", "0.00", "0.00", "0.00"]
    summary = tables["summary"]
    assert _texts(summary.rows[2]) == [
        "一、财政拨款收入",
        "96,282,213.44",
        "一、公共安全支出",
        "87,267,272.44",
    ]
    # Title and unit printed inside the grid (unit budget, page 13) are taken out of the rows.
    fiscal = _by_kind(extracted[JUSTICE_UNIT])["fiscal_summary"]
    assert fiscal.unit == "元" and fiscal.pages == (13, 13)
    assert _texts(fiscal.rows[0])[:2] == ["财政拨款收入", None]


@pytest.mark.shared
def test_cjk_text_has_no_inner_spaces(extracted: dict[str, Extracted]) -> None:
    for name, ex in extracted.items():
        cells = [c.text for t in ex.tables for r in t.rows for c in r if c is not None]
        assert not [t for t in cells if CJK_SPACE_CJK.search(t)], name
        assert not [b.text for b in ex.blocks if CJK_SPACE_CJK.search(b.text)], name


@pytest.mark.shared
def test_notes(extracted: dict[str, Extracted]) -> None:
    planning = _by_kind(extracted[PLANNING])
    assert planning["gov_fund"].note.startswith("注：本表反映")
    assert "故本表无数据" in planning["gov_fund"].note
    assert planning["income"].note == "注：本表反映部门本年度取得的各项收入情况。"
    justice = _by_kind(extracted[JUSTICE_DEPT])
    assert "故本表为空表" in justice["soe_capital"].note
    assert justice["summary"].note == ""
    # Notes are not narrative.
    assert not [b for b in extracted[PLANNING].blocks if b.text.startswith("注：本表")]


@pytest.mark.shared
def test_template_tables_have_no_figures(extracted: dict[str, Extracted]) -> None:
    ex = extracted[TEMPLATE]
    figures = [c.text for t in ex.tables for r in t.rows for c in r if c and re.search(r"\d\.\d\d", c.text)]
    assert figures == []
    assert _by_kind(ex)["three_public"].rows  # the header grid is there


@pytest.mark.shared
def test_planning_narrative(extracted: dict[str, Extracted]) -> None:
    ex = extracted[PLANNING]
    block = _block(ex, "本年收入合计9746.50万元")
    assert block.location.page == 20
    assert block.section_path[0].startswith("第三部分")
    assert block.section_path[-1] == "二、收入决算情况说明"
    assert block.text == "本年收入合计9746.50万元，其中：财政拨款收入9746.50万元，占100.00%。"
    # Three levels: 第X部分 > 一、 > （一）.
    block = _block(ex, "一般公共预算财政拨款支出年初预算为10210.34")
    assert block.section_path[1:] == (
        "五、一般公共预算财政拨款支出决算情况说明",
        "（三）一般公共预算财政拨款支出决算具体情况",
    )
    # A paragraph running over a page break stays whole, located where it starts.
    block = _block(ex, "统筹推进存量低效用地盘活再开发等相关工作。")
    assert block.location.page == 4
    assert block.text.startswith("5.牵头土地整备工作")
    # Contents pages (2–3) give no blocks; every block has a page and a box.
    assert all(b.location.page is not None and b.location.page >= 4 for b in ex.blocks)
    assert all(b.location.bbox is not None for b in ex.blocks)
    assert "第一部分" in ex.head_text and "上海市普陀区规划和自然" in ex.head_text


@pytest.mark.shared
def test_justice_narrative(extracted: dict[str, Extracted]) -> None:
    ex = extracted[JUSTICE_DEPT]
    block = _block(ex, "公务接待费0.83万元")
    assert block.location.page == 22
    assert block.section_path == ("其他相关情况说明", "一、2026年“三公”经费预算情况说明")
    block = _block(ex, "上海市普陀区司法局部门预算是包括区司法局本部")
    assert block.section_path == ("上海市普陀区司法局机构设置",)
    assert not [b for b in ex.blocks if "……" in b.text]  # the contents page
    assert "预算主管部门：上海市普陀区司法局" in ex.head_text
    assert "……" not in ex.head_text


@pytest.mark.shared
def test_read_time(pdf_reports: dict[str, Path]) -> None:
    """Target: a 30-page report well under 5 s on two slow cores (measured ≈1.5 s here)."""
    start = time.perf_counter()
    read_pdf(pdf_reports[PLANNING])
    assert time.perf_counter() - start < 10


@pytest.mark.shared
def test_only_plain_values_leave_the_reader(extracted: dict[str, Extracted]) -> None:
    ex = extracted[PLANNING]
    for table in ex.tables:
        for row in table.rows:
            for cell in row:
                if cell is None:
                    continue
                assert type(cell) is RawCell and type(cell.text) is str
                bbox = cell.location.bbox
                assert type(bbox) is tuple and all(type(v) is float for v in bbox)


# ---------------------------------------------------------------- synthetic PDFs


def _cjk_canvas(path: Path, **kwargs: object) -> canvas.Canvas:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), pagesize=A4, **kwargs)


def _grid(c: canvas.Canvas, x0: float, top: float, widths: list[float], rows: list[list[str]]) -> None:
    """Draw a ruled table; ``\\n`` in a text wraps it inside its cell."""
    height, row_h = A4[1], 20
    y = height - top
    for i in range(len(rows) + 1):
        c.line(x0, y - i * row_h, x0 + sum(widths), y - i * row_h)
    x = x0
    for w in [0.0, *widths]:
        x += w
        c.line(x, y, x, y - len(rows) * row_h)
    c.setFont("STSong-Light", 9)
    for i, row in enumerate(rows):
        x = x0
        for w, text in zip(widths, row):
            for k, part in enumerate(text.split("\n")):
                c.drawString(x + 3, y - i * row_h - 8 - k * 9, part)
            x += w


def _synthetic_report(path: Path) -> None:
    """Page 1: heading, a wrapped paragraph, a titled table; page 2: its continuation."""
    c = _cjk_canvas(path)
    height = A4[1]
    c.setFont("STSong-Light", 12)
    c.drawString(60, height - 50, "一、收入情况")
    c.drawString(84, height - 70, "本年收入合计一百万元，其中财政拨款收入一百万元，占全部收入的")
    c.drawString(60, height - 86, "百分之百，与上年相比增加十万元，增长百分之十一，主要原因是业务")
    c.drawString(60, height - 102, "量增加。")
    c.setFont("STSong-Light", 16)
    c.drawString(200, height - 140, "收入决算表")
    c.setFont("STSong-Light", 9)
    c.drawString(430, height - 158, "单位：万元")
    header = ["科目编码", "科目名称", "合计"]
    body = [
        [f"20101{i:02d}", "一般公共预\n算财政拨款" if i == 1 else f"项目{i}", f"{i}.50"] for i in range(1, 6)
    ]
    _grid(c, 60, 165, [80, 150, 80], [header, *body])
    c.showPage()
    tail = [[f"20102{i:02d}", f"项目B{i}", f"{i}.25"] for i in range(1, 4)] + [["合计", "", "100.00"]]
    _grid(c, 60, 60, [80, 150, 80], [header, *tail])
    c.setFont("STSong-Light", 9)
    c.drawString(60, height - 170, "注：本表反映本年度取得的各项收入情况。")
    c.showPage()
    c.save()


def test_synthetic_table_merge_and_narrative(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.pdf"
    _synthetic_report(path)
    ex = read_pdf(path)
    assert ex.page_count == 2
    assert len(ex.tables) == 1
    table = ex.tables[0]
    assert (table.title, table.unit, table.pages) == ("收入决算表", "万元", (1, 2))
    assert table.header_rows is None
    assert len(table.rows) == 1 + 5 + 4  # repeated header on page 2 dropped
    assert _texts(table.rows[1]) == ["2010101", "一般公共预算财政拨款", "1.50"]
    assert _texts(table.rows[-1]) == ["合计", "", "100.00"]
    assert table.note == "注：本表反映本年度取得的各项收入情况。"
    assert [b.text for b in ex.blocks] == [
        (
            "本年收入合计一百万元，其中财政拨款收入一百万元，占全部收入的百分之百，与上年相比增加十万元，"
            "增长百分之十一，主要原因是业务量增加。"
        )
    ]
    assert ex.blocks[0].section_path == ("一、收入情况",)
    assert ex.blocks[0].location.page == 1
    assert ex.head_text.startswith("一、收入情况\n")


def test_synthetic_running_header_page_numbers_and_untitled_table(tmp_path: Path) -> None:
    path = tmp_path / "headers.pdf"
    c = _cjk_canvas(path)
    height = A4[1]
    for number in (1, 2, 3):
        c.setFont("STSong-Light", 9)
        c.drawString(200, height - 30, "上海市某某局2024年度部门决算")
        c.drawString(290, 30, f"- {number} -")
        c.setFont("STSong-Light", 12)
        c.drawString(60, height - 100, f"第{number}页的正文很短。")
        if number == 3:
            c.drawString(60, height - 130, "具体数据详见下表")
            _grid(c, 60, 150, [100, 100], [["项目", "金额"], ["办公费", "1.00"]])
        c.showPage()
    c.save()
    ex = read_pdf(path)
    texts = [b.text for b in ex.blocks]
    assert texts == ["第1页的正文很短。", "第2页的正文很短。", "第3页的正文很短。", "具体数据详见下表"]
    assert [b.location.page for b in ex.blocks] == [1, 2, 3, 3]
    assert len(ex.tables) == 1
    assert ex.tables[0].title == ""
    assert _texts(ex.tables[0].rows[1]) == ["办公费", "1.00"]


def test_white_cell_backgrounds_are_not_rules(tmp_path: Path) -> None:
    """Word paints each cell's text area as a white rectangle inset in the cell: its edges are
    not rules, so each printed row stays one row (label and figure together); a unit caption
    wrapped in its narrow box (单位：万 over 元) is still read."""
    path = tmp_path / "white.pdf"
    c = _cjk_canvas(path)
    height = A4[1]
    c.setFont("STSong-Light", 14)
    c.drawString(200, height - 100, "收入预算总表")
    c.setFont("STSong-Light", 9)
    c.drawString(480, height - 128, "单位：万")
    c.drawString(60, height - 140, "部门名称：江苏省某某厅")
    c.drawString(500, height - 140, "元")
    rows = [["项目名称", "金额"], ["收入总计", "100.00"], ["专项收入", "40.00"], ["其他收入", "60.00"]]
    c.setFillColorRGB(1, 1, 1)
    for i in range(len(rows)):
        bottom = height - 150 - (i + 1) * 24
        for x0, x1 in ((60, 210), (210, 290)):  # each cell tiled: margins and a text area
            for bx, by, bw, bh in (
                (x0, bottom + 20, x1 - x0, 4),
                (x0, bottom, x1 - x0, 4),
                (x0, bottom + 4, 5, 16),
                (x1 - 5, bottom + 4, 5, 16),
                (x0 + 5, bottom + 4, x1 - x0 - 10, 16),
            ):
                c.rect(bx, by, bw, bh, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    y0 = height - 150
    for i in range(len(rows) + 1):
        c.line(60, y0 - i * 24, 290, y0 - i * 24)
    for x in (60, 210, 290):
        c.line(x, y0, x, y0 - len(rows) * 24)
    for i, (label, amount) in enumerate(rows):
        c.drawString(70, y0 - i * 24 - 15, label)
        c.drawString(230, y0 - i * 24 - 15, amount)
    c.showPage()
    c.save()
    ex = read_pdf(path)
    assert len(ex.tables) == 1
    table = ex.tables[0]
    assert (table.title, table.unit) == ("收入预算总表", "万元")
    assert [_texts(r) for r in table.rows] == rows
    assert "部门名称：江苏省某某厅 元" in table.caption


def test_invisible_fills() -> None:
    assert all(map(is_white, (1, 1.0, (1.0,), (1, 1, 1), [1.0, 1.0, 1.0], (0, 0, 0, 0))))
    assert not any(map(is_white, (0, 0.5, (0.0,), (1, 1, 0.8), (0, 0, 0, 1), None, "P0", ())))
    rect = {"object_type": "rect", "fill": True, "stroke": False, "non_stroking_color": (1, 1, 1)}
    assert is_invisible_fill(rect)
    assert not is_invisible_fill({**rect, "stroke": True})  # a white box with a drawn border
    assert not is_invisible_fill({**rect, "non_stroking_color": (0,)})  # a rule drawn as a thin black box
    assert not is_invisible_fill({**rect, "object_type": "line"})


def test_join_wrapped() -> None:
    assert join_wrapped(["一般公共预", "算财政拨款"]) == "一般公共预算财政拨款"
    assert join_wrapped(["96,282,", "213.44"]) == "96,282,213.44"
    assert join_wrapped(["annual", "report"]) == "annual report"


# ---------------------------------------------------------------- bad input


def _assert_names_file(exc: IngestError, path: Path) -> None:
    assert path.name in str(exc)
    assert exc.path == str(path)


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError) as info:
        read_pdf(path)
    _assert_names_file(info.value, path)


def test_docx_renamed_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UnsupportedFileError) as info:
        read_pdf(path)
    _assert_names_file(info.value, path)


def test_truncated_synthetic_pdf(tmp_path: Path) -> None:
    whole = tmp_path / "whole.pdf"
    _synthetic_report(whole)
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole.read_bytes()[:1500])
    with pytest.raises(CorruptFileError) as info:
        read_pdf(path)
    _assert_names_file(info.value, path)


@pytest.mark.shared
def test_truncated_real_pdf(pdf_reports: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "truncated_planning.pdf"
    path.write_bytes(pdf_reports[PLANNING].read_bytes()[:3000])
    with pytest.raises(CorruptFileError) as info:
        read_pdf(path)
    _assert_names_file(info.value, path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=StandardEncryption(userPassword="secret", ownerPassword="o"))
    c.drawString(100, 700, "This text is behind a password, long enough to count.")
    c.showPage()
    c.save()
    with pytest.raises(EncryptedFileError) as info:
        read_pdf(path)
    _assert_names_file(info.value, path)


def test_image_only_pdf(tmp_path: Path) -> None:
    pil = pytest.importorskip("PIL.Image")
    image = tmp_path / "scan.png"
    pil.new("L", (200, 100), color=200).save(image)
    path = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600)
    c.drawImage(str(image), 100, 300, width=300, height=150)
    c.showPage()
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(ScannedFileError) as info:
        read_pdf(path)
    _assert_names_file(info.value, path)
