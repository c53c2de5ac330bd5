"""Domain word lists for Chinese keyword search over budget / final-accounts reports.

Three tables, each defined once here and reused by the keyword index and (later) the QA layer:

- :data:`DOMAIN_WORDS` — report vocabulary that must stay one token (added to jieba's
  dictionary; words containing brackets are matched before jieba, which would split them).
- :data:`STOP_WORDS` — question words and particles that carry no retrieval signal.
- :data:`SYNONYMS` — everyday words → the terms the reports print (query expansion).

All entries are written as they appear in the reports (full-width brackets included);
:func:`normalize_text` is applied to both the lists and the text, so ``（境）`` and ``(境)`` are
the same. :func:`expand_query` applies :data:`SYNONYMS` to a question. No third-party imports:
the QA layer can use this module without loading jieba or the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")


def normalize_text(text: str) -> str:
    """NFKC (full-width brackets, digits and ``％`` become ASCII), lower case, quotes removed.

    Quotes are removed rather than treated as separators so that ``“三公”经费`` = ``三公经费``.
    """
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()


DOMAIN_WORDS: tuple[str, ...] = (
    # 三公经费 and its parts
    "三公经费",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务用车",
    "公务接待费",
    "国内接待费",
    "国（境）外接待费",
    "外事接待",
    "公务用车保有量",
    # budget vocabulary
    "机关运行经费",
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "财政拨款",
    "财政拨款收入",
    "一般公共预算财政拨款",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
    "政府采购",
    "政府采购货物支出",
    "政府采购工程支出",
    "政府采购服务支出",
    "中小企业",
    "小微企业",
    "年初预算",
    "年初预算数",
    "全年预算数",
    "决算数",
    "预算数",
    "执行数",
    "执行率",
    "收支总计",
    "合计",
    "小计",
    "本年收入合计",
    "本年支出合计",
    "年初结转和结余",
    "年末结转和结余",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
    "名词解释",
    "绩效自评",
    "自评得分",
    "国有资产占用",
    # 支出功能分类 (类/款/项)
    "一般公共服务支出",
    "科学技术支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "住房保障支出",
    "政府办公厅（室）及相关机构事务",
    "行政运行",
    "一般行政管理事务",
    "机关服务",
    "专项业务及机关事务管理",
    "事业运行",
    "行政事业单位养老支出",
    "行政单位离退休",
    "机关事业单位基本养老保险缴费支出",
    "机关事业单位职业年金缴费支出",
    "其他社会保障和就业支出",
    "行政事业单位医疗",
    "行政单位医疗",
    "公务员医疗补助",
    "住房改革支出",
    "住房公积金",
    # 支出经济分类
    "工资福利支出",
    "基本工资",
    "津贴补贴",
    "绩效工资",
    "机关事业单位基本养老保险缴费",
    "职业年金缴费",
    "职工基本医疗保险缴费",
    "其他社会保障缴费",
    "商品和服务支出",
    "办公费",
    "印刷费",
    "邮电费",
    "差旅费",
    "维修（护）费",
    "会议费",
    "培训费",
    "劳务费",
    "委托业务费",
    "工会经费",
    "福利费",
    "其他交通费用",
    "对个人和家庭的补助",
    "退休费",
    "生活补助",
    "奖励金",
    "资本性支出",
    "办公设备购置",
    # issuing units
    "人民政府办公室",
    "政府办公室",
    "政府办",
    "府办",
    "本级",
)
"""Report terms kept whole by the tokenizer (it also emits their parts, see ``index.keyword``)."""

STOP_WORDS: frozenset[str] = frozenset(
    """
    的 了 是 吗 呢 吧 啊 呀 么 嘛 哦 得 地 着 过 之 其 该 此 这 那 这个 那个 这些 那些 这项 那项
    多少 多少钱 什么 啥 几 几个 哪 哪个 哪些 哪家 怎么 怎样 如何 怎么样 为什么 为啥 是否 有没有 没有
    请问 一下 请 帮 帮我 我 你 他 她 它 我们 你们 他们 咱们 大家
    在 和 与 及 或 或者 以及 还是 并 并且 而 但 但是 也 都 还 就 又 再 才 只 共 一共 总共 合起来 加起来
    里 里面 中 上 下 内 给 把 对 被 让 向 从 由 于 为 以 按 将 跟 同 比 比较
    个 年 年度 月 日 万元 元 钱 花 花了 用 用了 有 有的 多 少 分别 各 各自 大概 一 能 会 要 可以 应该
    """.split()
)
"""Tokens dropped from both the indexed text and the query."""

SYNONYMS: Mapping[str, tuple[str, ...]] = {
    # 三公经费
    "三公": ("三公经费",),
    "招待费": ("公务接待费",),
    "接待费": ("公务接待费",),
    "招待": ("公务接待费",),
    "接待": ("公务接待费",),
    "公车": ("公务用车购置及运行维护费", "公务用车运行维护费", "公务用车"),
    "用车": ("公务用车购置及运行维护费", "公务用车运行维护费", "公务用车"),
    "车辆": ("公务用车购置及运行维护费", "公务用车"),
    "买车": ("公务用车购置费", "购置公务用车"),
    "买公车": ("公务用车购置费", "购置公务用车"),
    "买新公车": ("公务用车购置费", "购置公务用车"),
    "购车": ("公务用车购置费", "购置公务用车"),
    "养车": ("公务用车运行维护费",),
    "出国": ("因公出国（境）费",),
    "出境": ("因公出国（境）费",),
    # 工资福利 and social insurance
    "工资": ("工资福利支出", "基本工资"),
    "养老保险": ("机关事业单位基本养老保险缴费",),
    "养老": ("机关事业单位基本养老保险缴费",),
    "公积金": ("住房公积金",),
    "医保": ("行政单位医疗", "职工基本医疗保险缴费"),
    "医疗": ("行政单位医疗", "职工基本医疗保险缴费", "公务员医疗补助"),
    "退休": ("退休费", "行政单位离退休"),
    "离退休": ("行政单位离退休", "退休费"),
    "奖励": ("奖励金",),
    "人头费": ("人员经费",),
    # 公用经费 and 机关运行经费
    "办公经费": ("机关运行经费",),
    "运行经费": ("机关运行经费",),
    "出差": ("差旅费",),
    "开会": ("会议费",),
    "办公设备": ("办公设备购置",),
    # 功能分类 类 in everyday words
    "社保": ("社会保障和就业支出",),
    "社会保障": ("社会保障和就业支出",),
    "科技": ("科学技术支出",),
    "卫生": ("卫生健康支出",),
    "看病": ("卫生健康支出",),
    "住房": ("住房保障支出",),
    # 政府采购
    "采购": ("政府采购",),
    # budget vs actual
    "执行率": ("执行数", "预算数"),
    "结转": ("年初结转和结余", "年末结转和结余"),
    "结余": ("年初结转和结余", "年末结转和结余"),
    "打分": ("自评得分",),
    "得分": ("自评得分",),
    # definitions (第四部分 名词解释: "X：指…" / "X（项）：反映…")
    "口径": ("名词解释", "指", "反映"),
    "定义": ("名词解释", "指", "反映"),
    "是指": ("名词解释", "反映"),
    "含义": ("名词解释", "指", "反映"),
    "什么意思": ("名词解释", "指", "反映"),
    # change vs last year and its reason
    "上年": ("相比", "增加", "减少"),
    "去年": ("上年", "相比", "增加", "减少"),
    "同比": ("相比", "增加", "减少"),
    "多了": ("增加", "增长"),
    "少了": ("减少", "下降"),
    "为啥": ("原因",),
    "为什么": ("原因",),
    # issuing units: 临沂市政府办 → 临沂市人民政府办公室
    "政府办": ("人民政府办公室",),
    "府办": ("人民政府办公室",),
    "政府办公室": ("人民政府办公室",),
}
"""Everyday word (matched as a substring of the question) → report terms to add to the query.

A key is not expanded where it only occurs inside a longer report term the question already
uses (``公务用车运行维护费`` does not trigger ``用车``). Keys and terms go through
:func:`normalize_text` before use, like the text.
"""


_SYNONYM_KEYS = sorted(
    ((normalize_text(k), tuple(normalize_text(t) for t in v)) for k, v in SYNONYMS.items()),
    key=lambda kv: len(kv[0]),
    reverse=True,
)
_KNOWN_TERMS = sorted(
    ({normalize_text(w) for w in DOMAIN_WORDS} | {t for _, v in _SYNONYM_KEYS for t in v if len(t) >= 3})
    - {k for k, _ in _SYNONYM_KEYS},
    key=len,
    reverse=True,
)


def expand_query(query: str) -> list[str]:
    """Report terms for the everyday words of a question (:data:`index.lexicon.SYNONYMS`).

    Keys are matched as substrings, longest first; a key inside a report term the question
    already uses (:data:`index.lexicon.DOMAIN_WORDS`, or a synonym's term of 3+ characters), or
    inside a longer matched key, is not expanded (``公务用车运行维护费`` does not trigger
    ``用车``). Terms already in the question are left out.

    Args:
        query: the question as typed, e.g. ``临沂市政府办2022年招待费花了多少？``.

    Returns:
        NFKC-normalised report terms in question order, without duplicates, e.g.
        ``["人民政府办公室", "公务接待费"]`` (brackets come out half-width: ``因公出国(境)费``).
    """
    text = normalize_text(query)
    covered = [False] * len(text)

    def mark(start: int, end: int) -> None:
        covered[start:end] = [True] * (end - start)

    for term in _KNOWN_TERMS:
        for m in re.finditer(re.escape(term), text):
            mark(m.start(), m.end())
    found: list[tuple[int, str]] = []
    for key, terms in _SYNONYM_KEYS:
        for m in re.finditer(re.escape(key), text):
            if any(covered[m.start() : m.end()]):
                continue
            mark(m.start(), m.end())
            found.extend((m.start(), t) for t in terms)
    result: list[str] = []
    for _, term in sorted(found, key=lambda pair: pair[0]):
        if term not in result and term not in text:
            result.append(term)
    return result
