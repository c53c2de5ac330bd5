"""What a page break splits, read from synthetic PDFs: a title printed at the foot of one page
for a grid on the next, and a row whose label the break cut (ingest/pdf_reader.py, pdf_merge.py)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.pdf_reader import read_pdf
from ingest.rawtable import RawRow

HEIGHT = A4[1]


def _canvas(path: Path) -> canvas.Canvas:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), pagesize=A4)


def _grid(c: canvas.Canvas, top: float, widths: list[float], rows: list[list[str]], pad: float = 1.0) -> None:
    """A ruled table at x=60 with 9 pt text ``pad`` points inside each cell's left edge."""
    y, row_h, x0 = HEIGHT - top, 20, 60.0
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
            c.drawString(x + pad, y - i * row_h - 13, text)
            x += w


def _texts(row: RawRow) -> list[str | None]:
    return [None if c is None else c.text for c in row]


def test_a_title_at_the_page_foot_goes_with_the_grid_on_the_next_page(tmp_path: Path) -> None:
    path = tmp_path / "foot_title.pdf"
    c = _canvas(path)
    c.setFont("STSong-Light", 12)
    c.drawString(60, HEIGHT - 80, "一、部门预算情况说明")
    c.drawString(60, HEIGHT - 100, "本部门预算由下列表格组成。")
    c.setFont("STSong-Light", 16)
    c.drawString(180, HEIGHT - 700, "财政拨款基本支出预算表")
    c.setFont("STSong-Light", 9)
    c.drawString(60, HEIGHT - 730, "部门：某某厅")
    c.drawString(460, HEIGHT - 730, "单位：万元")
    c.showPage()
    _grid(c, 60, [80, 150, 80], [["科目编码", "科目名称", "金额"], ["30101", "基本工资", "10.00"]])
    c.setFont("STSong-Light", 12)
    c.drawString(60, HEIGHT - 140, "二、其他说明")
    c.drawString(60, HEIGHT - 160, "以上数据均为预算数。")
    c.showPage()
    c.save()
    ex = read_pdf(path)
    (table,) = ex.tables
    assert (table.title, table.unit, table.pages) == ("财政拨款基本支出预算表", "万元", (1, 2))
    assert "部门：某某厅" in table.caption
    assert _texts(table.rows[-1]) == ["30101", "基本工资", "10.00"]
    assert not any("某某厅" in b.text for b in ex.blocks)


def test_a_heading_at_the_page_foot_stays_narrative_when_text_follows(tmp_path: Path) -> None:
    path = tmp_path / "foot_heading.pdf"
    c = _canvas(path)
    c.setFont("STSong-Light", 12)
    c.drawString(60, HEIGHT - 80, "本部门预算由下列表格组成。")
    c.drawString(60, HEIGHT - 760, "三、一般公共预算支出表")
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(60, HEIGHT - 60, "一般公共预算支出主要用于人员和公用经费。")
    _grid(c, 100, [150, 80], [["科目名称", "金额"], ["基本工资", "10.00"]])
    c.showPage()
    c.save()
    ex = read_pdf(path)
    (table,) = ex.tables
    assert (table.title, table.pages) == ("", (2, 2))
    assert any("三、一般公共预算支出表" in (b.text, *b.section_path) for b in ex.blocks)


def test_a_label_cut_by_the_page_break_is_one_row(tmp_path: Path) -> None:
    """Page 1 ends on ``八、社会保障和就`` (its cell full) with its figure; page 2 opens on
    ``业支出`` alone, then on a real row with no figure under a short label."""
    path = tmp_path / "cut_row.pdf"
    widths = [74, 80]  # 8 characters of 9 pt fill the label cell
    c = _canvas(path)
    c.setFont("STSong-Light", 16)
    c.drawString(180, HEIGHT - 40, "收支预算总表")
    header = ["项目名称", "金额"]
    _grid(c, 60, widths, [header, ["七、文化体育", ""], ["八、社会保障和就", "1,608.51"]])
    c.showPage()
    _grid(c, 60, widths, [["业支出", ""], ["合计", "1,608.51"], ["上年结转", "1.00"]])
    c.showPage()
    _grid(c, 60, widths, [["结转下年资金", ""]])
    c.showPage()
    c.save()
    (table,) = read_pdf(path).tables
    assert [_texts(r) for r in table.rows] == [
        header,
        ["七、文化体育", ""],
        ["八、社会保障和就业支出", "1,608.51"],
        ["合计", "1,608.51"],
        ["上年结转", "1.00"],
        ["结转下年资金", ""],  # under a label that does not fill its cell: a row of its own
    ]
    assert table.pages == (1, 3)
