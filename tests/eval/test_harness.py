"""The evaluation judge and harness, with hand-written answers (no QA engine needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.harness import check_floor, format_summary, load_gold, run_eval, score_answer, score_answers
from eval.matching import extract_numbers, yes_no
from eval.report import CROSS_REPORT

TXT = "000_16b76f591391e91c.txt"


def gold(answer: str, unit: str = "", answer_type: str = "number", **extra: Any) -> dict[str, Any]:
    row = {
        "id": "t-001",
        "question": "测试问题？",
        "answer": answer,
        "unit": unit,
        "answer_type": answer_type,
        "kind": "table_lookup",
        "persona": "citizen",
        "report": TXT,
        "evidence": "",
        "location": "",
        "note": "",
    }
    row.update(extra)
    return row


def cite(quote: str = "", file: str = TXT, page: int | None = None, **extra: Any) -> dict[str, Any]:
    citation = {"report_id": "r1", "file": file, "unit_name": "临沂市人民政府办公室本级", "year": 2022,
                "page": page, "table": "", "row": "", "column": "", "quote": quote}  # fmt: skip
    citation.update(extra)
    return citation


def answer(text: str, value: float | None = None, unit: str | None = None, status: str = "answered",
           citations: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    data = {"question": "测试问题？", "status": status, "answer": text, "value": value, "unit": unit,
            "formula": None, "citations": citations or [], "candidates": [], "elapsed_ms": 12.0}  # fmt: skip
    data.update(extra)
    return data


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("gold_value", "gold_unit", "value", "unit", "correct"),
    [
        ("4723.92", "万元", 47239200, "元", True),
        ("4723.92", "万元", 0.472392, "亿元", True),
        ("0.47", "亿元", 4723.92, "万元", True),
        ("231.63", "万元", 2316300.0, "元", True),
        ("231.63", "万元", 23163.00, "元", False),
        ("25196757.49", "元", 2519.68, "万元", True),  # restated in a larger unit, 2 decimals
        ("25196757.49", "元", 2519.7, "万元", False),  # 1 decimal is not enough
        ("6539636.93", "元", 6539636.93, None, True),  # missing unit: numbers compared directly
        ("4.64", "万元", 4.640625, "万元/辆", True),
    ],
)
def test_number_unit_conversion(
    gold_value: str, gold_unit: str, value: float, unit: str | None, correct: bool
) -> None:
    score = score_answer(gold(gold_value, gold_unit), answer(f"{value}{unit or ''}", value, unit))
    assert score.correct is correct, score.reason


def test_wrong_unit_reason_in_plain_words() -> None:
    score = score_answer(gold("231.63", "万元"), answer("23163.00元", 23163.00, "元"))
    assert not score.correct
    assert "expected 231.63 万元" in score.reason
    assert "23163.0 元 = 2.3163 万元" in score.reason


@pytest.mark.parametrize(
    ("gold_value", "value", "correct"),
    [("116.67", 116.666, True), ("116.67", 116.6, False), ("37.70", 37.7, True), ("123.2", 123.20, True),
     ("116.67", 116.674, True), ("116.67", 116.675, False), ("7", 7.0, True)],
)  # fmt: skip
def test_number_precision_of_the_gold(gold_value: str, value: float, correct: bool) -> None:
    assert score_answer(gold(gold_value, "元"), answer(str(value), value, "元")).correct is correct


def test_number_from_text_skips_years_and_codes() -> None:
    row = gold("2603.73", "万元")
    assert score_answer(row, answer("2022年科目2010301“行政运行”支出为2,603.73万元。")).correct
    assert score_answer(row, answer("２０２２年该项支出２６０３．７３万元")).correct  # full-width digits
    wrong = score_answer(row, answer("2022年该项支出为1439.54万元（年初预算）。"))
    assert not wrong.correct and "1439.54 万元" in wrong.reason


def test_structured_value_wins_over_text() -> None:
    score = score_answer(gold("231.63", "万元"), answer("科学技术支出231.63万元", 273.27, "万元"))
    assert not score.correct and "273.27" in score.reason


def test_no_number_in_answer() -> None:
    score = score_answer(gold("231.63", "万元"), answer("报告中写得很清楚。"))
    assert not score.correct and "no number" in score.reason


@pytest.mark.parametrize(
    ("text", "value", "unit", "correct"),
    [("87.67%", 87.67, "%", True), ("87.67", 87.67, None, True), ("占87.67%", None, None, True),
     ("87.7%", 87.7, "%", False)],
)  # fmt: skip
def test_percent(text: str, value: float | None, unit: str | None, correct: bool) -> None:
    assert score_answer(gold("87.67", "%", kind="computation"), answer(text, value, unit)).correct is correct


def test_several_gold_numbers_all_must_appear() -> None:
    row = gold("486批次；4680人次", answer_type="number", kind="narrative")
    assert score_answer(row, answer("共接待486批次、4,680人次。", 486, "批次")).correct
    missing = score_answer(row, answer("共接待486批次。", 486, "批次"))
    assert not missing.correct and "4680" in missing.reason


def test_several_numbers_with_money_units() -> None:
    row = gold("1993.52万元；85.7%", answer_type="list", kind="narrative")
    assert score_answer(row, answer("年初预算1,993.52万元，完成年初预算的85.7%。")).correct
    assert score_answer(row, answer("年初预算19935200元，完成85.7%")).correct
    assert not score_answer(row, answer("年初预算1,993.52万元。")).correct
    zeros = gold("0.00；0.00", "万元", answer_type="list")
    assert score_answer(zeros, answer("年初、年末结转和结余均为0万元。")).correct


# ---------------------------------------------------------------------------- yes/no


@pytest.mark.parametrize(
    ("expected", "text", "correct"),
    [
        ("否", "否。文字说明称100分，汇总表有7个项目低于100分。", True),
        ("否", "不一致：汇总表中有7个项目低于100分。", True),
        ("否", "关于是否一致：不一致。", True),
        ("否", "是否一致要看口径，一致。", False),  # 否 of 是否 is not a no
        ("否", "一致，都是100分。", False),
        ("否", "没有，公开07表为空。", True),
        ("否", "有没有？没有。", True),
        ("是", "是的，各项得分之和为98.5分。", True),
        ("是", "对得上，合计98.5分。", True),
        ("是", "不是。", False),
        ("是", "经核对，报告第一部分到第三部分内容相符。", False),  # marker too late
    ],
)
def test_yes_no(expected: str, text: str, correct: bool) -> None:
    row = gold(expected, answer_type="yesno", kind="consistency")
    score = score_answer(row, answer(text))
    assert score.correct is correct, score.reason


def test_yes_no_helper() -> None:
    assert yes_no("是否一致？否") == "no"
    assert yes_no("一致") == "yes" and yes_no("不一致") == "no"
    assert yes_no("报告没写") is None


# ---------------------------------------------------------------------------- text and lists


def test_text_containment_ignores_punctuation_and_width() -> None:
    row = gold("为保障行政单位(含参照公务员法管理的事业单位)运行用于购买货物和服务等的各项公用经费", answer_type="text",
               kind="definition")  # fmt: skip
    text = "机关运行经费是指为保障行政单位（含参照公务员法管理的事业单位）运行，用于购买货物和服务等的各项公用经费。"
    assert score_answer(row, answer(text)).correct


def test_text_key_tokens_and_missing_content() -> None:
    row = gold("较上年因疫情督查等公务用车次数减少，预算经费缩减", answer_type="text", kind="narrative")
    paraphrase = "主要是疫情督查等公务用车次数较上年减少，预算经费随之缩减。"
    assert score_answer(row, answer(paraphrase)).correct
    partial = score_answer(row, answer("主要是公务用车次数减少。"))
    assert not partial.correct and "疫情" in partial.reason


def test_text_unit_name_short_form_and_first_mention() -> None:
    row = gold("济宁市兖州区人民政府办公室", answer_type="text", kind="cross_report",
               question="2023年兖州区政府办和临夏市政府办，谁的三公经费多？")  # fmt: skip
    assert score_answer(row, answer("兖州区政府办更多：21.65万元，临夏市政府办5.47万元。")).correct
    wrong = score_answer(row, answer("临夏市政府办5.47万元，少于兖州区政府办的21.65万元。"))
    assert not wrong.correct and "first" in wrong.reason


def test_list_items_with_numbers_and_text() -> None:
    row = gold(
        "1辆实物保障用车；1辆接待调研用车；6辆往年存在的公务用车", answer_type="list", kind="narrative"
    )
    good = "8辆其他用车中：实物保障用车1辆、接待调研用车1辆、往年存在的公务用车6辆。"
    assert score_answer(row, answer(good)).correct
    bad = score_answer(row, answer("实物保障用车1辆、接待调研用车1辆。"))
    assert not bad.correct and "往年存在的公务用车" in bad.reason


def test_ranked_list_must_keep_order() -> None:
    row = gold("临沂市人民政府办公室本级；临沂市罗庄区人民政府办公室本级；济宁市兖州区人民政府办公室", answer_type="list",
               kind="cross_report", question="把这几家政府办公室按三公经费从高到低排个序。")  # fmt: skip
    ordered = "1. 临沂市人民政府办公室本级 180.06万元；2. 临沂市罗庄区人民政府办公室本级 24.86万元；3. 兖州区政府办 21.65万元"
    assert score_answer(row, answer(ordered)).correct
    swapped = "1. 罗庄区政府办 24.86万元；2. 临沂市政府办 180.06万元；3. 兖州区政府办 21.65万元"
    score = score_answer(row, answer(swapped))
    assert not score.correct and "order" in score.reason
    unordered_question = dict(row, question="哪几家政府办公室有三公经费？")
    assert score_answer(unordered_question, answer(swapped)).correct


# ---------------------------------------------------------------------------- refusals and clarifications


def test_unanswerable() -> None:
    row = gold("unanswerable", answer_type="unanswerable", kind="unanswerable")
    refusal = score_answer(row, answer("报告中没有披露在职人员和编制数。", status="unanswerable"))
    assert refusal.correct and refusal.citation_ok is None
    guess = score_answer(row, answer("大约108人。", 108, "人"))
    assert not guess.correct and "unanswerable" in guess.reason
    answerable = score_answer(gold("231.63", "万元"), answer("报告中没有。", status="unanswerable"))
    assert not answerable.correct and answerable.citation_ok is None


AMBIGUOUS_NOTE = "济宁市兖州区人民政府办公室：341.25万元；临夏市人民政府办公室：218.05万元"


def test_ambiguous() -> None:
    row = gold("需澄清：未指明单位/年度，多份报告符合", answer_type="text", kind="ambiguous", note=AMBIGUOUS_NOTE,
               report="002_8f719b23cddbd7a6.txt,003_009896d8ed9def9b.txt")  # fmt: skip
    asks = score_answer(row, answer("您问的是哪个单位？", status="ambiguous"))
    assert asks.correct and asks.citation_ok is None
    per_report = "兖州区政府办2023年政府采购支出341.25万元；临夏市政府办2023年为218.05万元。"
    assert score_answer(row, answer(per_report)).correct
    one = score_answer(row, answer("兖州区政府办2023年政府采购支出341.25万元。"))
    assert not one.correct and "1 candidate" in one.reason
    refused = score_answer(row, answer("报告中没有。", status="unanswerable"))
    assert not refused.correct


def test_ambiguous_units_from_answer_candidates() -> None:
    row = gold("需澄清", answer_type="text", kind="ambiguous", report="a.txt,b.txt")
    candidates = [{"report_id": "1", "unit_name": "甲县人民政府办公室", "year": 2023, "kind": "决算", "file": "a.txt"},
                  {"report_id": "2", "unit_name": "乙县人民政府办公室", "year": 2023, "kind": "决算", "file": "b.txt"}]  # fmt: skip
    text = "甲县政府办：10.00万元；乙县政府办：20.00万元"
    assert score_answer(row, answer(text, candidates=candidates)).correct


# ---------------------------------------------------------------------------- citations and support


def test_citation_check() -> None:
    row = gold("231.63", "万元")
    ok = answer("231.63万元", 231.63, "万元", citations=[cite("六、科学技术支出\t37\t231.63")])
    assert score_answer(row, ok).citation_ok is True
    wrong_file = score_answer(
        row, answer("231.63万元", 231.63, "万元", citations=[cite("231.63", file="001_x.txt")])
    )
    assert wrong_file.correct and wrong_file.citation_ok is False and "001_x.txt" in wrong_file.reason
    none = score_answer(row, answer("231.63万元", 231.63, "万元"))
    assert none.citation_ok is False and "no citation" in none.reason
    unlocated = score_answer(row, answer("231.63万元", 231.63, "万元", citations=[cite("")]))
    assert unlocated.citation_ok is False
    with_path = answer("231.63万元", 231.63, "万元", citations=[cite("231.63", file=f"/home/x/{TXT}")])
    assert score_answer(row, with_path).citation_ok is True


def test_pdf_citation_needs_page() -> None:
    row = gold("68.12", "万元", report="report.pdf")
    no_page = answer("68.12万元", 68.12, "万元", citations=[cite("68.12", file="report.pdf")])
    assert score_answer(row, no_page).citation_ok is False
    page = answer("68.12万元", 68.12, "万元", citations=[cite("68.12", file="report.pdf", page=12)])
    assert score_answer(row, page).citation_ok is True


def test_unsupported_numbers_are_listed() -> None:
    row = gold("231.63", "万元")
    invented = answer(
        "2022年科学技术支出231.63万元，比上年增长12.5%。", 231.63, "万元", citations=[cite("231.63")]
    )
    score = score_answer(row, invented)
    assert score.correct and not score.numbers_supported
    assert score.unsupported == ("12.5 %",) and "12.5 %" in score.reason


def test_supported_numbers_allow_conversion_formula_and_locators() -> None:
    row = gold("2519.68", "万元")
    converted = answer("年初预算2519.68万元（即25,196,757.49元），见000_16b76f591391e91c.txt第3页。", 2519.68, "万元",
                       citations=[cite("25,196,757.49")])  # fmt: skip
    assert score_answer(row, converted).numbers_supported
    computed = answer("平均每辆4.64万元（74.25÷16）。", 4.64, "万元", formula="74.25 ÷ 16 = 4.64",
                      citations=[cite("74.25")])  # fmt: skip
    assert score_answer(gold("4.64", "万元"), computed).numbers_supported
    ratio = answer("执行率96.30%。", 96.30, "%", citations=[cite("0.96300578")])
    assert score_answer(gold("96.30", "%"), ratio).numbers_supported


def test_extract_numbers_labels() -> None:
    found = {str(m.value): m.label for m in extract_numbers("1. 2022年公开05表中2010301行政运行2,603.73万元")}
    assert found == {"1": True, "2022": True, "5": True, "2010301": True, "2603.73": False}


# ---------------------------------------------------------------------------- harness


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


SYNTHETIC = [
    gold("231.63", "万元", id="a-1", question="科学技术支出？"),
    gold("2603.73", "万元", id="a-2", question="行政运行？", persona="journalist"),
    gold("否", answer_type="yesno", kind="consistency", id="a-3", question="一致吗？", report="001_y.txt"),
    gold("unanswerable", answer_type="unanswerable", kind="unanswerable", id="a-4", question="编制数？"),
    gold("12.00", "万元", id="a-5", question="跨报告合计？", kind="cross_report", report=f"{TXT},001_y.txt"),
]
RESPONSES = {
    "科学技术支出？": answer("231.63万元", 231.63, "万元", citations=[cite("231.63")]),
    "行政运行？": answer("1439.54万元", 1439.54, "万元", citations=[cite("1439.54")]),
    "一致吗？": answer("否，不一致。", citations=[cite("99.18", file="001_y.txt")]),
    "编制数？": answer("报告未披露。", status="unanswerable"),
    "跨报告合计？": answer("合计12万元", 12, "万元", citations=[cite("12.00")]),
}


def fake_engine(question: str) -> dict[str, Any]:
    return dict(RESPONSES[question])


def test_run_eval_aggregates_and_writes(tmp_path: Path) -> None:
    gold_path = write_jsonl(tmp_path / "gold.jsonl", SYNTHETIC)
    result = run_eval(gold_path, fake_engine, tmp_path / "out")
    assert (result.total, result.correct) == (5, 4)
    assert result.by_kind["table_lookup"].correct == 1 and result.by_kind["table_lookup"].total == 2
    assert result.by_kind["consistency"].accuracy == 1.0
    assert result.by_persona["journalist"].correct == 0 and result.by_persona["citizen"].total == 4
    assert result.by_report[TXT].total == 3 and result.by_report[CROSS_REPORT].total == 1
    assert result.by_report["001_y.txt"].correct == 1
    assert [f.id for f in result.failures] == ["a-2"]
    assert "expected 2603.73 万元, got 1439.54 万元" in result.failures[0].reason
    assert result.latency_p50_ms is not None and result.latency_p95_ms is not None
    assert list(result.by_kind) == ["table_lookup", "consistency", "cross_report", "unanswerable"]

    out = tmp_path / "out"
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["summary"]["correct"] == 4 and len(data["rows"]) == 5
    assert data["rows"][1]["score"]["reason"].startswith("expected 2603.73")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    for heading in (
        "## Overall",
        "## By kind",
        "## By persona",
        "## By report",
        "## Latency",
        "## Failures (1)",
    ):
        assert heading in markdown
    assert "a-2" in markdown
    assert (out / "accuracy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    summary = format_summary(result)
    assert "Accuracy: 4/5 = 80.0%" in summary and "a-2 [table_lookup] expected 2603.73" in summary
    assert "p50" in summary and "journalist" in summary and CROSS_REPORT in summary
    assert check_floor(result, 0.8) and not check_floor(result, 0.81)


def test_run_eval_survives_engine_errors(tmp_path: Path) -> None:
    gold_path = write_jsonl(tmp_path / "gold.jsonl", SYNTHETIC[:2])

    def flaky(question: str) -> dict[str, Any]:
        if question == "行政运行？":
            raise RuntimeError("index missing")
        return fake_engine(question)

    result = run_eval(gold_path, flaky, None)
    assert result.correct == 1
    assert result.failures[0].status == "error" and "index missing" in result.failures[0].reason
    assert not (tmp_path / "results.json").exists()


def test_score_answers_batch_file(tmp_path: Path) -> None:
    gold_path = write_jsonl(tmp_path / "gold.jsonl", SYNTHETIC)
    lines = [dict(RESPONSES[g["question"]], id=g["id"]) for g in SYNTHETIC if g["id"] != "a-5"]
    lines.append(dict(RESPONSES["编制数？"], id="zz-unknown"))
    result = score_answers(gold_path, write_jsonl(tmp_path / "answers.jsonl", lines), tmp_path / "out")
    assert result.correct == 3
    missing = next(s for s in result.scores if s.id == "a-5")
    assert not missing.correct and "no answer with id a-5" in missing.reason
    assert result.latency_p50_ms == 12.0
    assert (tmp_path / "out" / "report.md").exists()


# ---------------------------------------------------------------------------- real gold rows


REAL = {
    "s000-002": [(answer("科学技术支出231.63万元", 231.63, "万元"), True),
                 (answer("23163.00元", 23163.0, "元"), False)],
    "s001-055": [(answer("平均每人次约116.67元", 116.666, "元/人次"), True),
                 (answer("约1307.55元/批次", 1307.55, "元/批次"), False)],
    "s003-007": [(answer("基本支出653.96万元", 653.96, "万元"), True),
                 (answer("基本支出6,539,636.93元"), True),
                 (answer("基本支出654万元", 654, "万元"), False)],
    "s001-037": [(answer("2021年共接待106批次、1188人次。"), True), (answer("共接待106批次。"), False)],
    "s000-062": [(answer("不一致。文字说明称均为100分，但汇总表中7个项目低于100分。"), True),
                 (answer("一致，均为优。"), False)],
    "s002-048": [(answer("基本支出是指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。"), True),
                 (answer("基本支出是人员经费。"), False)],
    "s000-066": [(answer("报告未披露在职人员和编制数。", status="unanswerable"), True),
                 (answer("编制108人。", 108, "人"), False)],
    "x-039": [(answer("请问是哪个单位？", status="ambiguous"), True),
              (answer("兖州区政府办341.25万元；临夏市政府办218.05万元。"), True),
              (answer("341.25万元", 341.25, "万元"), False)],
    "x-017": [(answer("临沂市政府办180.06万元 > 罗庄区政府办24.86万元 > 兖州区政府办21.65万元 > 临夏市政府办5.47万元"), True),
              (answer("兖州区政府办、临夏市政府办、临沂市政府办、罗庄区政府办"), False)],
    "x-005": [(answer("济宁市兖州区人民政府办公室：21.65万元，高于临夏市的5.47万元。"), True),
              (answer("临夏市人民政府办公室。"), False)],
}  # fmt: skip


@pytest.fixture(scope="module")
def real_gold(shared_dir: Path) -> dict[str, dict[str, Any]]:
    rows = load_gold(shared_dir / "eval" / "dev.jsonl", ids=set(REAL))
    assert {row["id"] for row in rows} == set(REAL)
    return {row["id"]: row for row in rows}


@pytest.mark.parametrize("gold_id", sorted(REAL))
def test_real_gold_rows(real_gold: dict[str, dict[str, Any]], gold_id: str) -> None:
    for response, expected in REAL[gold_id]:
        score = score_answer(real_gold[gold_id], response)
        assert score.correct is expected, (gold_id, response["answer"], score.reason)
        assert expected or score.reason


def test_real_gold_oracle_scores_everything(shared_dir: Path, tmp_path: Path) -> None:
    """Answers built from the gold itself (with the evidence as quote) all score correct."""
    gold_path = shared_dir / "eval" / "dev.jsonl"
    rows = {row["question"]: row for row in load_gold(gold_path)}

    def oracle(question: str) -> dict[str, Any]:
        row = rows[question]
        if row["kind"] in {"unanswerable", "ambiguous"}:
            return answer(
                "报告中没有。" if row["kind"] == "unanswerable" else "请问指哪个单位？", status=row["kind"]
            )
        citations = [cite(row["evidence"], file=f) for f in row["report"].split(",")]
        number = row["answer_type"] == "number"
        return answer(row["answer"] + row["unit"], float(row["answer"]) if number else None, row["unit"] or None,
                      citations=citations, formula=row["note"])  # fmt: skip

    result = run_eval(gold_path, oracle, tmp_path)
    assert result.correct == result.total, format_summary(result)
    assert result.citation_ok == result.citation_checked
