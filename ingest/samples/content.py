"""The tables of the sample reports and their facts, before layout.

Built bottom-up from :mod:`ingest.samples.data`: 项 rows give 款, 类 and 合计 rows; 经济分类 款
rows give 人员经费 and 公用经费, whose sum is the 基本支出 of the 项 rows (the 项 marked
``basic=None``, 行政运行, takes the remainder). So every identity of a 决算 report holds
exactly — 类 = Σ款 = Σ项, 合计 = 基本支出 + 项目支出, 收入总计 = 支出总计, 基本支出 =
人员经费 + 公用经费, 三公合计 = Σ parts — except one narrative figure planted 0.01 off its
table figure (:class:`Planted`, written by :mod:`ingest.samples.narrative`). Nothing here knows
pages or coordinates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ingest.samples.data import (
    ALL_CLASSES,
    CENT,
    NAMES,
    TITLES,
    ZERO,
    Header,
    Item,
    Office,
    Segment,
    TableDraft,
)

FUNDS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
EMPTY_FUNDS = (("gov_fund", "政府性基金预算财政拨款收入和支出"),
               ("soe_capital", "国有资本经营预算财政拨款支出"))
"""The two fund tables the sample offices leave empty, with what they lack."""


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 24 → 二十四 (up to 99)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "") if n >= 10 else digits[n]


def pct(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, rounded half-up to 0.01."""
    return (part * 100 / whole).quantize(CENT, ROUND_HALF_UP) if whole else ZERO


def settle_items(office: Office) -> list[Item]:
    """The 项 rows with the remainder of 基本支出 (人员经费 + 公用经费) given to the plug 项."""
    basic_total = sum((v for _, _, v in office.econ), ZERO)
    known = sum((i.basic for i in office.items if i.basic is not None), ZERO)
    if basic_total < known:
        raise ValueError(f"{office.unit_name}: 基本支出 of the 项 rows exceeds 人员经费 + 公用经费")
    return [i if i.basic is not None else Item(**{**i.__dict__, "basic": basic_total - known})
            for i in office.items]


def _sum(vectors: Sequence[Sequence[Decimal | None]]) -> tuple[Decimal | None, ...]:
    """Element-wise sum; a column stays ``None`` (blank) when every part is blank."""
    return tuple(
        None if all(v[k] is None for v in vectors) else sum((v[k] or ZERO for v in vectors), ZERO)
        for k in range(len(vectors[0]))
    )


def hierarchy(items: Sequence[Item], vector: Callable[[Item], tuple[Decimal | None, ...]]
              ) -> list[tuple[str, str, tuple[Decimal | None, ...]]]:
    """(code, label, values) for every 类, 款 and 项 in print order, sums built bottom-up."""
    rows: list[tuple[str, str, tuple[Decimal | None, ...]]] = []
    for cls in dict.fromkeys(i.code[:3] for i in items):
        in_cls = [i for i in items if i.code.startswith(cls)]
        rows.append((cls, NAMES[cls], _sum([vector(i) for i in in_cls])))
        for kuan in dict.fromkeys(i.code[:5] for i in in_cls):
            in_kuan = [i for i in in_cls if i.code.startswith(kuan)]
            rows.append((kuan, NAMES[kuan], _sum([vector(i) for i in in_kuan])))
            rows.extend((i.code, i.label, vector(i)) for i in in_kuan)
    return rows


def _opt(value: Decimal) -> Decimal | None:
    return value if value else None


def code_prefix(code: str, split: bool) -> tuple[str | None, ...]:
    """Row-header cells for a code: ``("2010301",)`` or split ``("201", "03", "01")``."""
    if not split:
        return (code,)
    return (code[:3], code[3:5] if len(code) > 3 else "", code[5:7] if len(code) > 5 else "")


def code_header(split: bool) -> Header:
    codes: Header = ("功能分类科目编码", ("类", "款", "项")) if split else "功能分类科目编码"
    return ("项目", (codes, "科目名称"))


def _coded_table(office: Office, key: str, values: tuple[Header, ...], value_widths: Sequence[float],
                 rows: list[tuple[str, str, tuple[Decimal | None, ...]]], total: tuple[Decimal | None, ...],
                 total_last: bool = False) -> TableDraft:
    """A table with rows by 功能分类 code (收入决算表, 支出决算表, 一般公共预算财政拨款支出决算表…)."""
    style = office.style
    split = key in style.split_codes
    label_width = style.label_widths.get(key, 190.0)
    code_widths = (34.0, 26.0, 26.0) if split else (62.0,)
    table = TableDraft(key, style.numbers[key], TITLES[key], office.unit, (code_header(split),) + values,
                       code_widths + (label_width,) + tuple(value_widths), style.zero_blank,
                       repeat_header=style.repeat_header, split_codes=split)
    width = len(code_widths) + 1
    total_seg = Segment(("合计",) + (None,) * (width - 1), "", "合计", total)
    if not total_last:
        table.add(total_seg)
    for code, label, vals in rows:
        table.add(Segment(code_prefix(code, split) + (label,), code, label, vals))
    if total_last:
        table.add(total_seg)
    return table


def build_tables(office: Office, items: list[Item]) -> list[TableDraft]:
    """The nine standard tables, in the report's order, with their facts."""
    style, unit = office.style, office.unit
    fiscal_total = sum((i.fiscal for i in items), ZERO)
    other_income = sum((i.other_income for i in items), ZERO)
    other_spent = sum((i.other_project for i in items), ZERO)
    carry_out = other_income + office.carry_in - other_spent  # 收入总计 = 支出总计 by construction
    if carry_out < 0:
        raise ValueError(f"{office.unit_name}: other funds spent exceed 其他收入 + 年初结转和结余")
    spent = fiscal_total + other_spent
    grand = fiscal_total + other_income + office.carry_in
    num_w = 66.0 if unit == "元" else 62.0
    tables: dict[str, TableDraft] = {}

    # 02 收入决算表
    income_cols: tuple[Header, ...] = ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                                       "附属单位上缴收入", "其他收入")
    inc = hierarchy(items, lambda i: (i.fiscal + i.other_income, i.fiscal,
                                      None, None, None, None, _opt(i.other_income)))
    tables["income"] = _coded_table(office, "income", income_cols, (num_w,) * 7, inc,
                                    _sum([v for c, _, v in inc if len(c) == 3]))
    # 03 支出决算表
    exp_cols: tuple[Header, ...] = (("本年支出", ("合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
                                                  "对附属单位补助支出")),)
    exp = hierarchy(items, lambda i: (i.fiscal + i.other_project, i.base,
                                      i.project + i.other_project, None, None, None))
    tables["expenditure"] = _coded_table(office, "expenditure", exp_cols, (num_w,) * 6, exp,
                                         _sum([v for c, _, v in exp if len(c) == 3]))
    classes = [(c, v) for c, _, v in exp if len(c) == 3]
    # 05 一般公共预算财政拨款支出决算表
    if style.budget_column:
        gpb_cols: tuple[Header, ...] = ("年初预算数", ("决算数", ("合计", "基本支出", "项目支出")))
        gpb = hierarchy(items, lambda i: (i.budget, i.fiscal, i.base, i.project))
    else:
        gpb_cols = (("本年支出", ("合计", "基本支出", "项目支出")),)
        gpb = hierarchy(items, lambda i: (i.fiscal, i.base, i.project))
    tables["gpb_expenditure"] = _coded_table(
        office, "gpb_expenditure", gpb_cols, (num_w,) * len(gpb[0][2]), gpb,
        _sum([v for c, _, v in gpb if len(c) == 3]), total_last=style.budget_column)
    fiscal_classes = [(c, v[-3]) for c, _, v in gpb if len(c) == 3]

    # 01 收入支出决算总表 (类 rows numbered as in the full list of 24 类, or 1… for the 类 used)
    numbered = {code: name for code, name in _class_labels(office, [c for c, _ in classes])}
    t = TableDraft("summary", style.numbers["summary"], TITLES["summary"], unit,
                   (("收入", ("项目", "决算数")), ("支出", ("项目", "决算数"))), (170.0, 70.0, 170.0, 70.0),
                   style.zero_blank, landscape=False)
    sources = ("政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入", "事业收入",
               "经营收入", "附属单位上缴收入")
    income_rows = [("一、一般公共预算财政拨款收入", fiscal_total)] + [
        (f"{cn_number(n)}、{name}", None) for n, name in enumerate(sources, start=2)] + [
        ("八、其他收入", _opt(other_income))]
    class_values = {numbered[c]: (v[0],) for c, v in classes}
    names = [f"{cn_number(n)}、{name}" for n, name in enumerate(ALL_CLASSES, 1)] if style.full_class_list \
        else list(class_values)
    _two_sided(t, income_rows, [(name, class_values.get(name, (None,))) for name in names], 1)
    _two_sided(t, [("本年收入合计", fiscal_total + other_income), ("年初结转和结余", office.carry_in),
                   ("总计", grand)],
               [("本年支出合计", (spent,)), ("年末结转和结余", (carry_out,)), ("总计", (grand,))], 1)
    tables["summary"] = t

    # 04 财政拨款收入支出决算总表 (only the 类 used)
    t = TableDraft("fiscal_summary", style.numbers["fiscal_summary"], TITLES["fiscal_summary"], unit,
                   (("收入", ("项目", "决算数")), ("支出", ("项目", "合计", *FUNDS))),
                   (160.0, num_w, 160.0) + (num_w + 12,) * 4, style.zero_blank)
    _two_sided(t, [("一、一般公共预算财政拨款", fiscal_total), ("二、政府性基金预算财政拨款", None),
                   ("三、国有资本经营预算财政拨款", None)],
               [(numbered[c], (v, v, None, None)) for c, v in fiscal_classes], 4)
    _two_sided(t, [("本年收入合计", fiscal_total), ("年初财政拨款结转和结余", ZERO), ("总计", fiscal_total)],
               [(label, (v, v, None, None)) for label, v in (
                   ("本年支出合计", fiscal_total), ("年末财政拨款结转和结余", ZERO),
                   ("总计", fiscal_total))], 4)
    tables["fiscal_summary"] = t

    # 06 一般公共预算财政拨款基本支出决算表
    tables["gpb_basic"] = _basic_table(office)

    # 三公 / 政府性基金 / 国有资本经营预算
    tables["three_public"] = _three_public_table(office)
    for key, what in EMPTY_FUNDS:
        cols: tuple[Header, ...] = (("本年支出", ("合计", "基本支出", "项目支出")),)
        if key == "gov_fund":
            cols = ("年初结转和结余", "本年收入") + cols + ("年末结转和结余",)
        t = _coded_table(office, key, cols, (num_w,) * (6 if key == "gov_fund" else 3), [],
                         (None,) * (6 if key == "gov_fund" else 3))
        t.note = f"本单位无{what}，故本表无数据。"
        tables[key] = t
    order = sorted(style.numbers, key=lambda k: style.numbers[k])
    return [tables[k] for k in order]


def _class_labels(office: Office, codes: list[str]) -> list[tuple[str, str]]:
    """(code, ``八、社会保障和就业支出``): numbered in the full 类 list, or 一、二… over ``codes``."""
    if office.style.full_class_list:
        return [(c, f"{cn_number(ALL_CLASSES.index(NAMES[c]) + 1)}、{NAMES[c]}") for c in codes]
    return [(c, f"{cn_number(n)}、{NAMES[c]}") for n, c in enumerate(codes, 1)]


def _two_sided(table: TableDraft, left: list[tuple[str, Decimal | None]],
               right: list[tuple[str, tuple[Decimal | None, ...]]], width: int) -> None:
    """Rows of a 收入 | 支出 table: left (label, value) beside right (label, values); short side padded."""
    for k in range(max(len(left), len(right))):
        left_label, left_value = left[k] if k < len(left) else ("", None)
        right_label, right_values = right[k] if k < len(right) else ("", (None,) * width)
        table.add(Segment((left_label,), "", left_label, (left_value,)),
                  Segment((right_label,), "", right_label, right_values))


def _basic_table(office: Office) -> TableDraft:
    """基本支出决算表: 人员经费 (301, 303) beside 公用经费 (302, 310), in 2 or 3 column groups."""
    style = office.style
    groups: list[list[str]] = [["301", "303"], ["302", "310"]] if style.basic_groups == 2 else [
        ["301", "303"], ["302"], ["310"]]
    col: tuple[Header, ...] = ("经济分类科目编码", "科目名称", "决算数")
    header: tuple[Header, ...] = (("人员经费", col), ("公用经费", col * (len(groups) - 1)))
    widths = (52.0, 118.0, 62.0) * len(groups) if len(groups) == 3 else (52.0, 136.0, 60.0) * 2
    t = TableDraft("gpb_basic", style.numbers["gpb_basic"], TITLES["gpb_basic"], office.unit, header, widths,
                   style.zero_blank, landscape=len(groups) == 3)
    econ = {code: (label, value) for code, label, value in office.econ}
    columns: list[list[tuple[str, str, Decimal]]] = []
    for group in groups:
        lines: list[tuple[str, str, Decimal]] = []
        for cls in group:
            parts = [(c, lab, v) for c, (lab, v) in econ.items() if c.startswith(cls)]
            lines.append((cls, NAMES[cls], sum((v for _, _, v in parts), ZERO)))
            lines.extend(parts)
        columns.append(lines)
    for k in range(max(len(c) for c in columns)):
        segs = []
        for lines in columns:
            code, label, value = lines[k] if k < len(lines) else ("", "", None)
            segs.append(Segment((code, label), code, label, (value,)))
        t.add(*segs)
    personnel = sum((v for c, _, v in columns[0] if len(c) == 3), ZERO)
    public = sum((v for lines in columns[1:] for c, _, v in lines if len(c) == 3), ZERO)
    t.add(Segment(("人员经费合计", None), "", "人员经费合计", (personnel,)),
          Segment(("公用经费合计",) + (None,) * (3 * len(groups) - 5), "", "公用经费合计", (public,)))
    return t


def _three_public_table(office: Office) -> TableDraft:
    """三公 table: one row of 12 figures (预算数/决算数 ×6), or one row per item (预算数 | 决算数)."""
    style = office.style
    (ab, aa), (pb, pa), (rb, ra), (eb, ea) = office.three_public
    car = (pb + rb, pa + ra)
    total = (ab + pb + rb + eb, aa + pa + ra + ea)
    if style.three_public_rows:
        t = TableDraft("three_public", style.numbers["three_public"], TITLES["three_public"], office.unit,
                       ("项目", "预算数", "决算数"), (220.0, 110.0, 110.0), style.zero_blank, landscape=False)
        for label, pair in (("合计", total), ("因公出国（境）费", (ab, aa)),
                            ("公务用车购置及运行维护费", car),
                            ("其中：公务用车购置费", (pb, pa)), ("公务用车运行维护费", (rb, ra)),
                            ("公务接待费", (eb, ea))):
            t.add(Segment((label,), "", label, pair))
        return t
    both: tuple[Header, ...] = ("预算数", "决算数")
    header: tuple[Header, ...] = (("财政拨款“三公”经费", (
        ("合计", both), ("因公出国（境）费", both),
        ("公务用车购置及运行维护费", (("小计", both), ("公务用车购置费", both),
                                      ("公务用车运行维护费", both))),
        ("公务接待费", both))),)
    t = TableDraft("three_public", style.numbers["three_public"], TITLES["three_public"], office.unit, header,
                   (58.0,) * 12, style.zero_blank)
    t.add(Segment((), "", "", total + (ab, aa) + car + (pb, pa, rb, ra) + (eb, ea)))
    return t
