"""Keyword search: tokenizer, query expansion, BM25 index (real jieba and bm25s), persistence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index import keyword
from index.keyword import KeywordIndex, Tokenizer, TokenizerOptions, expand_query, normalize_number, tokenize
from index.lexicon import DOMAIN_WORDS, SYNONYMS
from index.model import CHUNK_ROW, CHUNK_TABLE, CHUNK_TEXT, Chunk

LINYI = "临沂市人民政府办公室本级"
YANZHOU = "济宁市兖州区人民政府办公室"
LINXIA = "临夏市人民政府办公室"


def _chunk(cid: str, text: str, unit: str = LINYI, year: int = 2022, kind: str = CHUNK_ROW) -> Chunk:
    return Chunk(chunk_id=cid, report_id=unit[:3], kind=kind, text=text, file="r.txt", unit=unit, year=year,
                 report_kind="决算")  # fmt: skip


def _row(cid: str, table: str, line: str, unit: str = LINYI, year: int = 2022, money: str = "万元") -> Chunk:
    return _chunk(cid, f"{unit} {year}年 决算 {table}（{money}） {line}", unit, year)


# fmt: off
CHUNKS: list[Chunk] = [
    # 临沂市政府办 2022 — tables
    _row("ly-01-total", "公开01表 收入支出决算总表", "本年收入合计 4,723.92万元"),
    _row("ly-01-sci", "公开01表 收入支出决算总表", "六、科学技术支出 37 231.63万元"),
    _row("ly-01-social", "公开01表 收入支出决算总表", "八、社会保障和就业支出 39 273.27万元"),
    _row("ly-05-201", "公开05表 一般公共预算财政拨款支出决算表", "201 一般公共服务支出 小计 4,153.81万元 基本支出 2,603.73万元 项目支出 1,550.08万元"),
    _row("ly-05-2010301", "公开05表 一般公共预算财政拨款支出决算表", "2010301 行政运行 小计 2,603.73万元 基本支出 2,603.73万元"),
    _row("ly-05-2010302", "公开05表 一般公共预算财政拨款支出决算表", "2010302 一般行政管理事务 小计 1,063.36万元 项目支出 1,063.36万元"),
    _row("ly-05-2080505", "公开05表 一般公共预算财政拨款支出决算表", "2080505 机关事业单位基本养老保险缴费支出 小计 127.24万元 基本支出 127.24万元"),
    _row("ly-06-30101", "公开06表 一般公共预算财政拨款基本支出决算明细表", "人员经费 30101 基本工资 金额 498.74万元"),
    _row("ly-06-30113", "公开06表 一般公共预算财政拨款基本支出决算明细表", "人员经费 30113 住房公积金 金额 186.96万元"),
    _row("ly-06-30108", "公开06表 一般公共预算财政拨款基本支出决算明细表", "人员经费 30108 机关事业单位基本养老保险缴费 金额 170.03万元"),
    _row("ly-06-30231", "公开06表 一般公共预算财政拨款基本支出决算明细表", "公用经费 30231 公务用车运行维护费 金额 47.50万元"),
    _row("ly-06-30201", "公开06表 一般公共预算财政拨款基本支出决算明细表", "公用经费 30201 办公费 金额 35.20万元"),
    _row("ly-09-recv", "财政拨款“三公”经费支出决算表", "决算数 公务接待费 68.12万元"),
    _row("ly-09-car", "财政拨款“三公”经费支出决算表", "决算数 公务用车购置及运行维护费 小计 111.95万元 公务用车购置费 37.70万元 公务用车运行维护费 74.25万元"),
    _row("ly-09-abroad", "财政拨款“三公”经费支出决算表", "决算数 因公出国（境）费 0.00万元"),
    # 临沂市政府办 2022 — narrative
    _chunk("ly-t-income", f"{LINYI} 2022年单位决算 【(二) 收入决算具体情况】1、财政拨款收入 4,723.92 万元。与 2021 年度相比，减少 2,456 万元，下降 34.21%。", kind=CHUNK_TEXT),
    _chunk("ly-t-cars", f"{LINYI} 2022年单位决算 【十二、国有资产占用情况说明】截至 2022 年 12 月 31 日，本单位共有车辆 16 辆，其中，符合规定领导干部用车 1 辆、应急保障用车 15 辆。", kind=CHUNK_TEXT),
    _chunk("ly-t-buy", f"{LINYI} 2022年单位决算 【(二) “三公”经费支出决算具体情况】公务用车购置费37.70万元，2022年临沂市人民政府办公室本级使用财政拨款购置公务用车2辆。", kind=CHUNK_TEXT),
    _chunk("ly-t-procure", f"{LINYI} 2022年单位决算 【十一、政府采购支出说明】2022 年度政府采购支出总额 287.01 万元，其中：政府采购货物支出 53.28 万元、政府采购服务支出 233.73 万元。授予小微企业合同金额 167.46 万元，占政府采购支出总额的 58.35%。", kind=CHUNK_TEXT),
    _chunk("ly-t-def", f"{LINYI} 2022年单位决算 【十二、项目支出】十二、项目支出：指单位为完成特定的行政工作任务或事业发展目标，在基本支出之外发生的各项支出。", kind=CHUNK_TEXT),
    _chunk("ly-t-run", f"{LINYI} 2022年单位决算 【十、机关运行经费支出情况说明】2022 年度机关运行经费支出 362.89 万元，比年初预算数增加 12.5%。", kind=CHUNK_TEXT),
    # 兖州区政府办 2023
    _row("yz-05-2010301", "公开05表 一般公共预算财政拨款支出决算表", "2010301 行政运行 小计 761. 17万元 基本支出 761. 17万元", YANZHOU, 2023),
    _row("yz-03-total", "公开03表 支出决算表", "合计 本年支出合计 1, 708. 47万元 基本支出 1, 043. 79万元 项目支出 664. 68万元", YANZHOU, 2023),
    _row("yz-06-30228", "公开06表 一般公共预算财政拨款基本支出决算明细表", "公用经费 30228 工会经费 金额 8.54万元", YANZHOU, 2023),
    _row("yz-06-30101", "公开06表 一般公共预算财政拨款基本支出决算明细表", "人员经费 30101 基本工资 金额 488.67万元", YANZHOU, 2023),
    _row("yz-09", "公开09表 财政拨款“三公”经费支出决算表", "决算数 合计 21.65万元 因公出国（境）费 12.34万元 公务接待费 0.95万元", YANZHOU, 2023),
    _chunk("yz-t-abroad", f"{YANZHOU} 2023年单位决算 【“三公”经费】因公出国（境）费年初预算数为12.34万元，支出决算数为12.34万元。全年支出涉及因公出国（境）团组3个，累计3人次。", YANZHOU, 2023, CHUNK_TEXT),
    # 临夏市政府办 2023 (tables in 元)
    _row("lx-01-health", "附件1 收入支出决算总表", "九、卫生健康支出 40 285,449.44元", LINXIA, 2023, "元"),
    _row("lx-05-2101103", "附件5 一般公共预算财政拨款支出决算表", "2101103 公务员医疗补助 46,289.71元", LINXIA, 2023, "元"),
    _row("lx-06-31002", "附件6 一般公共预算财政拨款基本支出决算明细表", "资本性支出 31002 办公设备购置 47,230.00元", LINXIA, 2023, "元"),
    _chunk("lx-table-09", f"{LINXIA} 2023年部门决算 附件9 财政拨款“三公”经费支出决算表（单位：元）\n预算数 合计 60,000.00元\n决算数 公务用车运行维护费 54,655.88元", LINXIA, 2023, CHUNK_TABLE),
]
# fmt: on
LINYI_IDS = {c.chunk_id for c in CHUNKS if c.unit == LINYI}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> KeywordIndex:
    index = KeywordIndex(tmp_path_factory.mktemp("kw") / "bm25")
    index.build(CHUNKS, "stamp-1")
    return index


# -- tokenizer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("财政拨款收入 4,723.92 万元", "4723.92"),
        ("合 计\t1, 708. 47\t1, 043. 79", "1708.47"),
        ("卫生健康支出 285,449.44", "285449.44"),
        ("7,129,634.33元", "7129634.33"),
        ("增长12.5%", "12.5%"),
        ("增长12.5％", "12.5%"),
        ("2010301行政运行", "2010301"),
        ("30101基本工资", "30101"),
        ("2022年度", "2022"),
        ("公务用车运行维护费 47.50万元", "47.5"),
        ("761. 17", "761.17"),
    ],
)
def test_numbers_are_whole_tokens(text: str, token: str) -> None:
    assert token in tokenize(text)


def test_amount_spellings_share_one_token() -> None:
    assert set(tokenize("4,723.92")) == set(tokenize("4723.92")) == {"4723.92"}
    assert tokenize("1, 708. 47") == tokenize("1,708.47") == tokenize("1708.47")
    assert normalize_number("0.00") == "0"
    assert normalize_number("09") == "09"
    # a numbered list item is not glued to the year after it
    assert tokenize("1. 2022年") == ["1", "2022"]


def test_codes_are_not_split() -> None:
    tokens = tokenize("2080505 机关事业单位基本养老保险缴费支出 127.24")
    assert "2080505" in tokens and "127.24" in tokens
    assert not {"208", "0505", "127", "24"} & set(tokens)


@pytest.mark.parametrize(
    "word",
    ["三公经费", "公务接待费", "公务用车购置及运行维护费", "公务用车运行维护费", "机关运行经费", "一般公共预算",
     "住房公积金", "机关事业单位基本养老保险缴费", "人民政府办公室", "政府办", "一般行政管理事务", "基本支出"],
)  # fmt: skip
def test_domain_words_stay_whole(word: str) -> None:
    assert word in tokenize(f"临沂市{word}是多少")


def test_bracketed_and_quoted_terms() -> None:
    assert "因公出国(境)费" in tokenize("因公出国（境）费 0.00")
    assert "因公出国(境)费" in tokenize("因公出国(境)费")
    assert "三公经费" in tokenize("财政拨款“三公”经费支出决算表")


def test_stop_words_and_punctuation_dropped() -> None:
    tokens = tokenize("临沂市政府办2022年招待费花了多少？是什么吗，。！")
    assert not {"的", "了", "是", "多少", "什么", "吗", "？", "，", "。", "！", "年"} & set(tokens)
    assert {"临沂市", "2022", "招待费"} <= set(tokens)


def test_bigrams_bridge_different_segmentations() -> None:
    short, full = set(tokenize("临沂市政府办")), set(tokenize("临沂市人民政府办公室"))
    assert {"临沂", "政府"} <= short & full


def test_tokenizer_variants() -> None:
    assert "政府" not in Tokenizer(TokenizerOptions(parts="none"))("人民政府办公室")
    assert "政府" in Tokenizer(TokenizerOptions(parts="token_bigrams"))("人民政府办公室")


def test_jieba_is_quiet(tmp_path: Path) -> None:
    code = "from index.keyword import tokenize; print(tokenize('公务接待费'))"
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# -- expansion ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("临沂市政府办2022年招待费花了多少？", {"公务接待费", "人民政府办公室"}),
        ("接待费是多少", {"公务接待费"}),
        ("买公车花了多少钱", {"公务用车购置费"}),
        ("公车花了多少钱", {"公务用车购置及运行维护费", "公务用车运行维护费"}),
        ("车辆运行费用", {"公务用车购置及运行维护费"}),
        ("有人出国吗", {"因公出国(境)费"}),
        ("三公花了多少", {"三公经费"}),
        ("工资发了多少", {"工资福利支出", "基本工资"}),
        ("养老保险交了多少", {"机关事业单位基本养老保险缴费"}),
        ("公积金", {"住房公积金"}),
        ("办公经费", {"机关运行经费"}),
        ("采购花了多少", {"政府采购"}),
        ("医保", {"行政单位医疗"}),
        ("“专项业务及机关事务管理”是指什么支出？", {"反映"}),
        ("收支为啥比2021年少了那么多？", {"原因", "减少"}),
    ],
)
def test_expand_query(query: str, expected: set[str]) -> None:
    assert expected <= set(expand_query(query))


def test_expansion_skips_words_inside_report_terms() -> None:
    assert expand_query("30231公务用车运行维护费是多少") == []
    assert expand_query("住房公积金是多少") == []
    assert expand_query("三公经费是多少") == []
    assert expand_query("公务接待费") == []
    assert expand_query("2010301行政运行") == []


def test_synonym_table_is_well_formed() -> None:
    assert all(key and terms and all(terms) for key, terms in SYNONYMS.items())
    assert len(set(DOMAIN_WORDS)) == len(DOMAIN_WORDS)


# -- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("临沂市政府办2022年招待费花了多少？", {"ly-09-recv"}),
        ("2010301行政运行支出是多少", {"ly-05-2010301", "yz-05-2010301"}),
        ("临沂市人民政府办公室2022年决算中，科目2010301“行政运行”支出是多少？", {"ly-05-2010301"}),
        ("4,723.92", {"ly-01-total", "ly-t-income"}),
        ("4723.92", {"ly-01-total", "ly-t-income"}),
        ("1708.47", {"yz-03-total"}),
        ("临沂市政府办公室2022年给职工交了多少住房公积金？", {"ly-06-30113"}),
        ("临沂市政府办公室2022年基本支出明细表里，30231公务用车运行维护费是多少？", {"ly-06-30231"}),
        ("兖州区府办2023年工会经费是多少钱？", {"yz-06-30228"}),
        ("兖州区政府办2023年有人因公出国吗？去了几个团组、多少人次？", {"yz-t-abroad"}),
        ("临夏市政府办2023年买办公设备花了多少钱？", {"lx-06-31002"}),
        ("临夏市人民政府办公室2023年公务员医疗补助（科目2101103）是多少？", {"lx-05-2101103"}),
        ("2022年临沂市政府办公室用财政的钱买了几辆公车？", {"ly-t-buy"}),
        ("截至2022年底，临沂市政府办公室的车里有几辆是应急保障用车？", {"ly-t-cars"}),
        ("临沂市政府办2022年政府采购里，给小微企业的合同金额有多少？", {"ly-t-procure"}),
        ("临沂市人民政府办公室2022年决算中“项目支出”的口径是什么？", {"ly-t-def"}),
        ("临沂市政府办的机关运行经费", {"ly-t-run"}),
        ("12.5%", {"ly-t-run"}),
    ],
)
def test_search_ranks_the_right_chunk_first(built: KeywordIndex, query: str, best: set[str]) -> None:
    results = built.search(query, k=5)
    assert results, query
    assert results[0][0] in best, (query, results)


def test_scores_descend_and_k_is_respected(built: KeywordIndex) -> None:
    results = built.search("临沂市人民政府办公室 2022年 决算 支出", k=7)
    assert len(results) == 7
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert len(built.search("支出", k=1000)) <= len(CHUNKS)


def test_no_match_returns_nothing(built: KeywordIndex) -> None:
    assert built.search("量子计算机") == []
    assert built.search("？！。") == []
    assert built.search("公务接待费", k=0) == []


def test_expansion_can_be_turned_off(built: KeywordIndex) -> None:
    with_expansion = [c for c, _ in built.search("招待", k=3)]
    assert with_expansion and with_expansion[0] in {"ly-09-recv", "yz-09"}
    assert built.search("招待", k=3, expand=False) == []


def test_allowed_restricts_results(built: KeywordIndex) -> None:
    query = "2010301行政运行支出是多少"
    everywhere = {c for c, _ in built.search(query, k=50)}
    assert {"ly-05-2010301", "yz-05-2010301"} <= everywhere
    only_linyi = built.search(query, k=50, allowed=LINYI_IDS)
    assert only_linyi and {c for c, _ in only_linyi} <= LINYI_IDS
    assert only_linyi[0][0] == "ly-05-2010301"
    yanzhou = built.search(query, k=3, allowed={"yz-05-2010301", "not-in-index"})
    assert [c for c, _ in yanzhou] == ["yz-05-2010301"]
    assert built.search(query, allowed=set()) == []
    # scores are not changed by filtering
    assert dict(only_linyi)["ly-05-2010301"] == pytest.approx(
        dict(built.search(query, k=50))["ly-05-2010301"]
    )


# -- persistence -------------------------------------------------------------------------------


def test_reopen_gives_same_results_and_stamp(built: KeywordIndex) -> None:
    reopened = KeywordIndex(built.path)
    assert reopened.stamp() == "stamp-1"
    assert reopened.count() == len(CHUNKS)
    for query in ("临沂市政府办2022年招待费花了多少？", "4,723.92", "工会经费"):
        assert reopened.search(query) == built.search(query)


def test_no_index_yet(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "none")
    assert index.stamp() is None
    assert index.count() == 0
    assert index.search("公务接待费") == []


def test_caller_rebuilds_only_when_stamp_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = KeywordIndex(tmp_path / "bm25")
    builds: list[str] = []
    real_build = KeywordIndex.build

    def counting_build(self: KeywordIndex, chunks: list[Chunk], stamp: str) -> None:
        builds.append(stamp)
        real_build(self, chunks, stamp)

    monkeypatch.setattr(KeywordIndex, "build", counting_build)

    def refresh(stamp: str) -> None:  # what the library does on start
        if index.stamp() != stamp:
            index.build(CHUNKS, stamp)

    refresh("a")
    refresh("a")
    KeywordIndex(tmp_path / "bm25")  # a new process: nothing rebuilt either
    refresh("a")
    refresh("b")
    assert builds == ["a", "b"]


def test_other_tokenizer_or_format_means_rebuild(built: KeywordIndex, tmp_path: Path) -> None:
    assert KeywordIndex(built.path, Tokenizer(TokenizerOptions(parts="none"))).stamp() is None
    index = KeywordIndex(tmp_path / "bm25")
    index.build(CHUNKS[:3], "s")
    generation = (index.path / "CURRENT").read_text()
    meta_path = index.path / generation / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "format": -1}))
    assert KeywordIndex(index.path).stamp() is None
    meta_path.write_text("{not json")
    assert KeywordIndex(index.path).stamp() is None
    assert KeywordIndex(index.path).search("行政运行") == []


def test_rebuild_replaces_atomically(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "bm25")
    index.build(CHUNKS[:10], "v1")
    reader = KeywordIndex(tmp_path / "bm25")  # e.g. another process, already loaded
    assert reader.count() == 10
    index.build(CHUNKS, "v2")
    assert reader.count() == len(CHUNKS) and reader.stamp() == "v2"
    assert reader.search("工会经费")[0][0] == "yz-06-30228"
    first = sorted(p.name for p in (tmp_path / "bm25").iterdir() if p.name.startswith("gen-"))
    live = (tmp_path / "bm25" / "CURRENT").read_text()
    assert len(first) == 2 and live in first  # the one live before stays for readers opening it
    index.build(CHUNKS[:5], "v3")
    generations = sorted(p.name for p in (tmp_path / "bm25").iterdir() if p.name.startswith("gen-"))
    assert generations == sorted([live, (tmp_path / "bm25" / "CURRENT").read_text()])
    assert reader.count() == 5 and reader.stamp() == "v3"
    assert not [p for p in (tmp_path / "bm25").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("failing", ["save", "switch"])
def test_crash_during_build_keeps_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    index = KeywordIndex(tmp_path / "bm25")
    index.build(CHUNKS, "old")
    before = index.search("招待费")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    if failing == "save":
        import bm25s

        monkeypatch.setattr(bm25s.BM25, "save", boom)
    else:
        monkeypatch.setattr(keyword, "_write_text_atomic", boom)
    with pytest.raises(OSError, match="disk full"):
        index.build(CHUNKS[:2], "new")
    monkeypatch.undo()
    fresh = KeywordIndex(tmp_path / "bm25")
    assert fresh.stamp() == "old" and fresh.count() == len(CHUNKS)
    assert fresh.search("招待费") == before
    assert len([p for p in (tmp_path / "bm25").iterdir() if p.name.startswith("gen-")]) == 1


def test_edge_cases(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "bm25")
    with pytest.raises(ValueError, match="duplicate"):
        index.build([CHUNKS[0], CHUNKS[0]], "dup")
    index.build([], "empty")
    assert index.stamp() == "empty" and index.count() == 0 and index.search("行政运行") == []
    index.build([_chunk("p", "，。！"), _chunk("q", "")], "no-tokens")
    assert index.count() == 2 and index.search("行政运行") == []
    index.build([CHUNKS[4], _chunk("blank", "")], "one")
    assert [c for c, _ in index.search("行政运行")] == ["ly-05-2010301"]


# -- on the real reports (dev questions) -------------------------------------------------------


@pytest.mark.shared
def test_dev_questions_recall(shared_dir: Path, tmp_path: Path) -> None:
    """Scoped to the question's report, the evidence chunk is in the top 10 for most dev questions."""
    import re
    import unicodedata

    from index.chunks import chunks_of
    from ingest.pipeline import parse_file

    def norm(text: str) -> str:
        return re.sub(r"[\s,，“”]+", "", unicodedata.normalize("NFKC", text))

    by_file: dict[str, list[Chunk]] = {}
    for path in sorted((shared_dir / "reports" / "text").glob("*.txt")):
        by_file[path.name] = chunks_of(parse_file(path))
    index = KeywordIndex(tmp_path / "bm25")
    index.build([c for chunks in by_file.values() for c in chunks], "dev")
    found = total = 0
    for line in (shared_dir / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        question = json.loads(line)
        files = [f.strip() for f in question["report"].split(",")]
        evidence = [e for e in question["evidence"].split(" || ") if e.strip()]
        if question["kind"] == "cross_report" or len(files) != 1 or len(evidence) != 1:
            continue
        pieces = [norm(p) for p in evidence[0].split() if norm(p)]
        gold = {c.chunk_id for c in by_file[files[0]] if all(p in norm(c.text) for p in pieces)}
        if not gold:
            continue
        total += 1
        allowed = {c.chunk_id for c in by_file[files[0]]}
        found += any(cid in gold for cid, _ in index.search(question["question"], 10, allowed))
    assert total >= 60
    assert found / total >= 0.8, f"recall@10 {found}/{total}"
