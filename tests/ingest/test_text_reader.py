"""Tests of ``ingest.text_reader`` on the five shared text conversions and on small inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.catalog import STANDARD_KEYS, classify_title
from ingest.errors import EmptyFileError, UnsupportedFileError
from ingest.rawtable import Extracted, RawTable
from ingest.text_reader import find_tables, read_text, split_lines

F000 = "000_16b76f591391e91c.txt"
F001 = "001_5564e2671ee696e1.txt"
F002 = "002_8f719b23cddbd7a6.txt"
F003 = "003_009896d8ed9def9b.txt"
F004 = "004_42d2408e0d9055cd.txt"
TAB_FILES = (F000, F002, F003, F004)

PRINT_ORDER = (
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "gpb_expenditure",
    "gpb_basic",
    "gov_fund",
    "soe_capital",
    "three_public",
)
EXPECTED_NUMBERS = {
    F000: {key: f"公开{i:02d}表" for i, key in enumerate(PRINT_ORDER, start=1)},
    F002: {key: f"公开{i:02d}表" for i, key in enumerate(PRINT_ORDER, start=1)},
    F003: {key: f"附件{i}" for i, key in enumerate(PRINT_ORDER, start=1)},
    F001: {
        "summary": "公开01表",
        "income": "公开02表",
        "expenditure": "公开03表",
        "fiscal_summary": "公开04表",
        "gpb_expenditure": "公开05表",
        "gpb_basic": "公开06表",
        "three_public": "公开07表",
        "gov_fund": "公开08表",
        "soe_capital": "公开09表",
    },
}
EXPECTED_UNITS = {F000: "万元", F001: "万元", F002: "万元", F003: "元"}

_cache: dict[Path, Extracted] = {}


def _read(path: Path) -> Extracted:
    if path not in _cache:
        _cache[path] = read_text(path)
    return _cache[path]


def _by_kind(extracted: Extracted) -> dict[str, RawTable]:
    found: dict[str, RawTable] = {}
    for table in extracted.tables:
        key = classify_title(table.title)
        if key in STANDARD_KEYS:  # extra kinds (绩效自评表 …) may repeat
            assert key not in found, f"two tables classified {key}: {found[key].title!r} and {table.title!r}"
            found[key] = table
    return found


def _row_texts(table: RawTable) -> list[str]:
    return ["\t".join(c.text if c is not None else "" for c in row) for row in table.rows]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _line_of(path: Path, evidence: str) -> int:
    raw = path.read_text(encoding="utf-8")
    pos = raw.find(evidence)
    assert pos >= 0, f"evidence not in {path.name}: {evidence!r}"
    return raw.count("\n", 0, pos) + 1


def _gold(shared: Path, kinds: tuple[str, ...], files: tuple[str, ...]) -> list[dict]:
    rows = []
    for line in (shared / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["kind"] in kinds and q["report"] in files and q["evidence"]:
            rows.append(q)
    assert rows
    return rows


def _needs_spaced_parser() -> None:
    pytest.importorskip(
        "ingest.text_spaced", reason="ingest.text_spaced (space-separated tables) not written yet"
    )


# ---------------------------------------------------------------- real reports


@pytest.mark.shared
@pytest.mark.parametrize("name", [F000, F001, F002, F003])
def test_standard_tables_numbers_and_units(text_reports: dict[str, Path], name: str) -> None:
    if name == F001:
        _needs_spaced_parser()
    extracted = _read(text_reports[name])
    found = _by_kind(extracted)
    assert set(found) == set(STANDARD_KEYS)
    for key, number in EXPECTED_NUMBERS[name].items():
        assert found[key].printed_number == number, key
        assert found[key].unit == EXPECTED_UNITS[name], key
        assert found[key].rows, key


@pytest.mark.shared
def test_extracted_basics(text_reports: dict[str, Path]) -> None:
    assert set(text_reports) >= {F000, F001, F002, F003, F004}
    for name, path in text_reports.items():
        extracted = _read(path)
        assert extracted.source_format == "text"
        assert extracted.page_count is None
        assert extracted.line_count == len(split_lines(path.read_text(encoding="utf-8")))
        assert 0 < len(extracted.head_text) <= 3000
        assert extracted.blocks and extracted.tables, name
        starts = [t.lines[0] for t in extracted.tables]
        assert starts == sorted(starts), f"{name}: tables out of document order"
        for table in extracted.tables:
            assert table.lines is not None and table.lines[0] <= table.lines[1]
            widths = {len(row) for row in table.rows}
            assert len(widths) <= 1, f"{name} {table.title}: rows of different widths"
    assert _read(text_reports[F000]).head_text.startswith("**2022 年度")
    assert _read(text_reports[F000]).line_count == 1356


@pytest.mark.shared
def test_000_table_shapes_and_repeated_headers(text_reports: dict[str, Path]) -> None:
    path = text_reports[F000]
    extracted = _read(path)
    found = _by_kind(extracted)
    expected_rows = {
        "summary": 34,
        "income": 21,  # 3 header lines + 合计 + 17 rows; the header repeated at lines 180-181 is dropped
        "expenditure": 21,  # continues over a page break (lines 211-212 dropped)
        "fiscal_summary": 35,
        "gpb_expenditure": 21,
        "gpb_basic": 37,  # three column groups side by side, 9 columns
        "gov_fund": 4,  # header + 合计 only
        "soe_capital": 4,
        "three_public": 5,
    }
    for key, count in expected_rows.items():
        assert len(found[key].rows) == count, key
    assert len(found["gpb_basic"].rows[0]) == 9
    assert len(found["three_public"].rows[-1]) == 12
    lines_in_rows = {c.location.line_start for t in extracted.tables for row in t.rows for c in row if c}
    for repeated in (180, 181, 211, 212, 247, 248, 325, 326):
        assert repeated not in lines_in_rows
    # the expenditure table keeps the rows after its page break, in order
    texts = _row_texts(found["expenditure"])
    assert texts[0].startswith("项 目")
    assert sum(t.startswith("项 目") for t in texts) == 1
    assert texts[-1].startswith("2101101\t行政单位医疗")
    # code printed as a number is left raw, empty cells kept for column positions
    row = next(r for r in found["income"].rows if r[0].text == "2010350.00")
    assert [c.text for c in row[:4]] == ["2010350.00", "事业运行", "166.67", "166.67"]
    assert row[4].text == "" and row[0].location.line_start == 166
    # every cell sits on the line it was printed on
    lines = split_lines(path.read_text(encoding="utf-8"))
    for table in extracted.tables:
        for r in table.rows:
            line = lines[r[0].location.line_start - 1]
            assert all(c.text in line for c in r if c)


@pytest.mark.shared
def test_000_notes_and_empty_tables(text_reports: dict[str, Path]) -> None:
    found = _by_kind(_read(text_reports[F000]))
    assert "故本表无数据" in found["gov_fund"].note
    assert found["gov_fund"].note.startswith("注：本表反映")
    assert "故本表无数据" in found["soe_capital"].note
    assert found["summary"].lines == (106, 148)
    self_evaluations = [t for t in _read(text_reports[F000]).tables if "绩效自评表" in t.title]
    assert len(self_evaluations) == 17
    assert all(t.unit == "万元" for t in self_evaluations)
    assert all("得分一档最高" in t.note for t in self_evaluations)


@pytest.mark.shared
def test_002_page_heads_inside_tables(text_reports: dict[str, Path]) -> None:
    found = _by_kind(_read(text_reports[F002]))
    income = found["income"]
    assert len(income.rows) == 21 and income.lines == (125, 163)
    assert _row_texts(income)[3].startswith("\t合 计\t1, 708. 47")  # spaces inside numbers kept raw
    assert found["gov_fund"].note == "本单位没有使用政府性基金预算财政拨款安排的支出，故本表无数据"
    assert _row_texts(found["three_public"])[-1].count("\t") == 11  # one unlabelled row of 12 numbers
    titles = [t.title for t in _read(text_reports[F002]).tables]
    assert "表2. 绩效评价项目组成员名单及分工表" in titles


@pytest.mark.shared
def test_003_appendix_tables_in_yuan(text_reports: dict[str, Path]) -> None:
    extracted = _read(text_reports[F003])
    found = _by_kind(extracted)
    assert found["summary"].lines[0] == 249  # from its 附件1 line, not the list of attachments above
    assert found["gov_fund"].note == "注：本部门没有相关数据, 故本表无数据"
    assert len(found["gpb_basic"].rows) == 31
    assert sum(t.title == "项目支出绩效自评表" for t in extracted.tables) == 8


@pytest.mark.shared
def test_004_self_evaluation_tables_merged(text_reports: dict[str, Path]) -> None:
    extracted = _read(text_reports[F004])
    assert not _by_kind(extracted)
    first = extracted.tables[0]
    assert first.printed_number == "附件1-1"
    assert first.title == "临沧市人民政府办公室 2022 年度部门整体支出绩效单位自评表"
    assert first.lines == (198, 259)
    texts = _row_texts(first)
    # eight page chunks, one table; the repeated 一级指标 header is kept once
    assert sum(t.startswith("一级指标\t二级指标") for t in texts) == 1
    assert texts[-2].startswith("总分") and "98.5" in texts[-2]
    assert first.note.startswith("备注：1. 基本支出")
    assert len([t for t in extracted.tables if t.title.endswith("项目支出绩效单位自评表")]) == 6


@pytest.mark.shared
@pytest.mark.parametrize("name", TAB_FILES)
def test_gold_table_evidence_is_a_row(shared_dir: Path, text_reports: dict[str, Path], name: str) -> None:
    extracted = _read(text_reports[name])
    rows = [text for table in extracted.tables for text in _row_texts(table)]
    notes = [table.note for table in extracted.tables]
    for q in _gold(shared_dir, ("table_lookup", "computation", "consistency"), (name,)):
        evidence = q["evidence"]
        if "\t" not in evidence and q["kind"] != "table_lookup":
            continue  # narrative evidence
        assert any(evidence in row for row in rows) or any(evidence in note for note in notes), q["id"]


@pytest.mark.shared
def test_gold_table_evidence_inside_spaced_tables(shared_dir: Path, text_reports: dict[str, Path]) -> None:
    _needs_spaced_parser()
    path = text_reports[F001]
    extracted = _read(path)
    for q in _gold(shared_dir, ("table_lookup",), (F001,)):
        line = _line_of(path, q["evidence"])
        assert any(t.lines[0] <= line <= t.lines[1] for t in extracted.tables), q["id"]
    soe = _by_kind(extracted)["soe_capital"]
    assert "本单位没有使用国有资本经营预算安排的支出，故本表无数据。" in soe.note


@pytest.mark.shared
@pytest.mark.parametrize("name", [F000, F001, F002, F003, F004])
def test_gold_narrative_evidence_in_blocks(
    shared_dir: Path, text_reports: dict[str, Path], name: str
) -> None:
    path = text_reports[name]
    extracted = _read(path)
    for q in _gold(shared_dir, ("narrative", "definition"), (name,)):
        evidence = _squash(q["evidence"])
        hits = [b for b in extracted.blocks if evidence in _squash(b.text)]
        assert hits, q["id"]
        line = _line_of(path, q["evidence"])
        assert any(b.location.line_start <= line <= b.location.line_end for b in hits), q["id"]
        assert all(b.location.page is None for b in hits)


def _block_with(extracted: Extracted, sentence: str):
    hits = [b for b in extracted.blocks if _squash(sentence) in _squash(b.text)]
    assert len(hits) == 1, sentence
    return hits[0]


@pytest.mark.shared
def test_section_paths(text_reports: dict[str, Path]) -> None:
    e000 = _read(text_reports[F000])
    block = _block_with(e000, "授予小微企业合同金额 167.46 万元")
    assert block.section_path == (
        "2022 年度临沂市人民政府办公室本级决算",
        "第三部分 2022 年度单位决算情况说明",
        "十一、政府采购支出说明",
    )
    assert block.location.line_start == 564 and block.location.line_end == 566
    block = _block_with(e000, "2、项目支出 1,781.71 万元。与 2021 年度相比")
    assert block.section_path[-2:] == ("三、支出决算情况说明", "(二) 支出决算具体情况")
    block = _block_with(e000, "十二、项目支出：指单位为完成特定的行政工作任务")
    assert block.section_path[1] == "第四部分 名词解释"

    e001 = _read(text_reports[F001])
    block = _block_with(e001, "共计接待 106批次、1188人次")
    assert block.section_path[0] == "第三部分 2021年度单位决算情况说明"
    assert block.section_path[-1] == "（二）“三公”经费支出决算具体情况"
    assert (block.location.line_start, block.location.line_end) == (1015, 1019)
    # hard-wrapped pieces are joined without spaces, across blank lines
    block = _block_with(e001, "（一）协助区政府领导同志审核或者组织起草区政府、区政府办公室发布的文电")
    assert (block.location.line_start, block.location.line_end) == (9, 17)
    assert block.text.endswith("等来文来电。")
    assert block.section_path == ("第一部分 单位概况", "一、单位职责")

    e003 = _read(text_reports[F003])
    block = _block_with(e003, "编发上报政务信息 579 篇")
    assert block.section_path == ("临夏市人民政府办公室部门整体支出 绩效自评报告", "三、部门整体支出绩效情况")

    e004 = _read(text_reports[F004])
    block = _block_with(e004, "市政府办公室内设 20 个机构")
    assert block.section_path[-2:] == ("（一）部门概况", "2. 机构设置及人员情况")
    assert block.location.line_start == 55


@pytest.mark.shared
def test_table_of_contents_and_tables_kept_out_of_blocks(text_reports: dict[str, Path]) -> None:
    for name, toc in ((F000, (7, 50)), (F002, (5, 44)), (F003, (6, 43))):
        extracted = _read(text_reports[name])
        assert not [b for b in extracted.blocks if toc[0] <= b.location.line_start <= toc[1]], name
        for table in extracted.tables:
            for b in extracted.blocks:
                assert not (table.lines[0] <= b.location.line_start <= table.lines[1]), (name, b.text[:30])


# ---------------------------------------------------------------- small inputs


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_text(empty)
    blank = tmp_path / "blank.txt"
    blank.write_bytes("\ufeff \n\t\n\u3000\n".encode())
    with pytest.raises(EmptyFileError):
        read_text(blank)


def test_binary_files(tmp_path: Path) -> None:
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(UnsupportedFileError):
        read_text(nul)
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes([0x80, 0xFF, 0xFE]) * 50)
    with pytest.raises(UnsupportedFileError):
        read_text(junk)


SMALL_REPORT = """第二部分
2023年度单位决算表

收入决算表

公开02表
金额单位：万元
单位：某某市人民政府办公室本级

项目\t\t本年收入合计\t财政拨款收入
科目编码\t科目名称\t\t
合计\t\t10.00\t10.00
201\t一般公共服务支出\t10.00\t10.00

公开02表
单位：某某市人民政府办公室本级

项目\t\t本年收入合计\t财政拨款收入
科目编码\t科目名称\t\t
2010301\t行政运行\t10.00\t

注：本表反映单位本年度取得的各项收入情况。

第三部分
2023年度单位决算情况说明

一、收入决算情况说明

本年收入合计10万元，
全部为财政拨款收入。
"""


def test_gb18030_bom_and_page_continuation(tmp_path: Path) -> None:
    for encoding in ("gb18030", "utf-8-sig"):
        path = tmp_path / f"small-{encoding}.txt"
        path.write_bytes(SMALL_REPORT.replace("\n", "\r\n").encode(encoding))
        extracted = read_text(path)
        assert extracted.line_count == SMALL_REPORT.count("\n")
        (table,) = extracted.tables
        assert (table.title, table.printed_number, table.unit) == ("收入决算表", "公开02表", "万元")
        assert table.note == "注：本表反映单位本年度取得的各项收入情况。"
        assert table.lines == (4, 22)
        assert [row[0].text for row in table.rows] == ["项目", "科目编码", "合计", "201", "2010301"]
        assert all(len(row) == 4 for row in table.rows)
        assert table.rows[4][3].text == "" and table.rows[4][3].location.line_start == 20
        (block,) = extracted.blocks
        assert block.text == "本年收入合计10万元，全部为财政拨款收入。"
        assert block.section_path == ("第三部分 2023年度单位决算情况说明", "一、收入决算情况说明")
        assert (block.location.line_start, block.location.line_end) == (29, 30)


def test_markdown_table_and_padding() -> None:
    lines = [
        "项目支出绩效自评表",
        "单位：万元",
        "| 一级指标 | 二级指标 | 分值 |",
        "|---|---|---|",
        "| 产出指标 | 数量指标 | 20 |",
        "| 满意度 | 10 |",
        "",
        "下文是叙述。",
    ]
    tables, consumed = find_tables(lines)
    (table,) = tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["一级指标", "二级指标", "分值"],
        ["产出指标", "数量指标", "20"],
        ["满意度", "10", ""],
    ]
    assert table.unit == "万元" and table.lines == (1, 6)
    assert 8 not in consumed


def test_title_without_grid_is_not_a_table() -> None:
    lines = ["- 一、收入支出决算总表", "收入支出决算总表（见附件 1）", "本单位收入支出情况如下。"]
    tables, consumed = find_tables(lines)
    assert tables == [] and consumed == set()


def test_spaced_table_lines_handed_to_parser() -> None:
    lines = [
        "收入决算表",
        "公开 02表",
        "",
        "单位：某某办公室本级 金额单位：万元",
        "",
        "科目编码",
        "科目名称",
        "",
        "本年收入合计 财政拨款收入",
        "合 计 10.00 10.00",
        "",
        "201 一般公共服务支出 10.00 10.00",
        "注：本表反映单位本年度取得的各项收入情况。",
        "",
        "第三部分",
    ]
    calls: list[tuple] = []

    def fake_parser(title: str, number: str, unit: str, body: list[tuple[int, str]]) -> RawTable:
        calls.append((title, number, unit, body))
        return RawTable(title=title, printed_number=number, unit=unit, rows=())

    tables, consumed = find_tables(lines, spaced_parser=fake_parser)
    assert calls == [
        (
            "收入决算表",
            "公开02表",
            "万元",
            [
                (6, "科目编码"),
                (7, "科目名称"),
                (9, "本年收入合计 财政拨款收入"),
                (10, "合 计 10.00 10.00"),
                (12, "201 一般公共服务支出 10.00 10.00"),
            ],
        )
    ]
    (table,) = tables
    assert table.note == "注：本表反映单位本年度取得的各项收入情况。"
    assert table.lines == (1, 13)
    assert 15 not in consumed


def test_spaced_table_skipped_without_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import text_reader

    monkeypatch.setattr(text_reader, "parse_spaced_table", None)
    lines = [
        "收入决算表",
        "公开 02表",
        "单位：某办公室 金额单位：万元",
        "合 计 10.00 10.00",
        "注：本表反映收入。",
        "正文。",
    ]
    tables, consumed = text_reader.find_tables(lines)
    assert tables == []
    assert consumed == {1, 2, 3, 4, 5}  # its lines are still not narrative
