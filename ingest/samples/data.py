"""Figures of the fictional sample 决算 reports, and the content types they are built into.

The inputs: 项 rows of 支出功能分类 (基本支出/项目支出 from 一般公共预算财政拨款,
other funds, 年初预算数), 款 rows of 支出经济分类, the 三公 pairs (预算数, 决算数), the
narrative's extra figures and wording, and how each report prints (:class:`Style`).
Everything derived — 款, 类 and 合计 rows, 人员经费/公用经费, totals, percentages — is computed
in :mod:`ingest.samples.content`, so the accounting identities hold by construction.
Amounts are ``Decimal`` in the office's table unit (万元 or 元).

The content types (:class:`TableDraft`, :class:`Heading`, :class:`Paragraph` …) describe a
report without pages or coordinates; :mod:`ingest.samples.render` lays them out. The truth types
(:class:`TableFact`, :class:`NarrativeFact`, :class:`NarrativeLink`, :class:`Planted`) are
what :class:`ingest.samples.truth.SampleReport` hands to tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

Header = str | tuple[str, tuple["Header", ...]]
"""A header tree: a leaf column title, or ``(title, children)`` for a merged cell above them."""


class TableFact(NamedTuple):
    """A figure printed in a table: (table_key, row_code, row_label, column_path, value)."""

    table: str
    code: str
    label: str
    column: tuple[str, ...]
    value: Decimal


class NarrativeFact(NamedTuple):
    """A figure stated in the text: (sentence, value, unit); unit is 万元/元/%/辆/个/人次/名/人/分."""

    sentence: str
    value: Decimal
    unit: str


class NarrativeLink(NamedTuple):
    """A narrative figure that restates a table figure (values equal after unit conversion)."""

    sentence: str
    value: Decimal
    unit: str
    fact: TableFact


class Planted(NamedTuple):
    """The deliberate inconsistency: a narrative figure that differs from its table figure."""

    description: str
    sentence: str
    value: Decimal
    unit: str
    fact: TableFact


@dataclass(frozen=True)
class Cover:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 (第一部分 …) starts a page and is centred."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    text: str
    indent: bool = True


class Segment(NamedTuple):
    """Part of a body row: row-header cells then value cells (``None`` value = blank cell)."""

    prefix: tuple[str | None, ...]
    code: str
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class BodyRow:
    """Printed cell texts (``None`` = merged into the cell on its left) and the rows it holds."""

    cells: tuple[str | None, ...]
    keys: tuple[tuple[str, str], ...]


@dataclass
class TableDraft:
    """One table's content: header tree, column widths (points), body rows and the facts."""

    key: str
    number: str
    title: str
    unit: str
    header: tuple[Header, ...]
    widths: tuple[float, ...]
    zero_blank: bool
    landscape: bool = True
    repeat_header: bool = False
    split_codes: bool = False
    note: str = ""
    rows: list[BodyRow] = field(default_factory=list)
    facts: list[TableFact] = field(default_factory=list)

    def leaf_paths(self) -> list[tuple[str, ...]]:
        """Header paths of every column, left to right."""
        paths: list[tuple[str, ...]] = []

        def walk(node: Header, path: tuple[str, ...]) -> None:
            if isinstance(node, str):
                paths.append(path + (node,))
            else:
                for child in node[1]:
                    walk(child, path + (node[0],))

        for root in self.header:
            walk(root, ())
        return paths

    def add(self, *segments: Segment) -> None:
        """Append a body row; record a fact for every printed value."""
        paths, cells, keys = self.leaf_paths(), [], []
        for seg in segments:
            cells.extend(seg.prefix)
            for value in seg.values:
                printed = value is not None and not (self.zero_blank and value == 0)
                cells.append(f"{value:,.2f}" if printed else "")
                if printed:
                    self.facts.append(TableFact(self.key, seg.code, seg.label, paths[len(cells) - 1], value))
            if seg.label or any(v is not None for v in seg.values):  # not a padding cell
                keys.append((seg.code, seg.label))
        if len(cells) != len(paths):
            raise ValueError(f"{self.key}: {len(cells)} cells for {len(paths)} columns: {cells}")
        self.rows.append(BodyRow(tuple(cells), tuple(keys)))

    def fact(self, row: str, *column_tail: str) -> TableFact:
        """The fact on the row with code or label ``row`` whose column path ends with ``column_tail``."""
        for f in self.facts:
            if row in (f.code, f.label) and f.column[-len(column_tail):] == column_tail:
                return f
        raise KeyError((self.key, row, column_tail))


Element = Cover | Heading | Paragraph | TableDraft

@dataclass
class Document:
    """The content of one sample report and its truth, ready to lay out."""

    office: Office
    title: str
    elements: list[Element]
    tables: list[TableDraft]
    narrative: list[NarrativeFact]
    links: list[NarrativeLink]
    planted: list[Planted]




@dataclass(frozen=True)
class Item:
    """A 项 of 支出功能分类, amounts in the table unit.

    ``basic``/``project`` are paid from 一般公共预算财政拨款; ``other_project`` from other funds
    (其他收入 and carry-over); ``other_income`` is 其他收入 booked to this 项; ``budget`` is
    its 年初预算数. ``basic=None`` marks the 项 that takes the remainder of 基本支出.
    """

    code: str
    label: str
    basic: Decimal | None = ZERO
    project: Decimal = ZERO
    other_project: Decimal = ZERO
    other_income: Decimal = ZERO
    budget: Decimal | None = None

    @property
    def base(self) -> Decimal:
        """基本支出 from 一般公共预算财政拨款 (the remainder 项 has 0 until it is settled)."""
        return self.basic or ZERO

    @property
    def fiscal(self) -> Decimal:
        """基本支出 + 项目支出 from 一般公共预算财政拨款."""
        return self.base + self.project


@dataclass(frozen=True)
class Style:
    """How one report prints: zero cells, code columns, numbering and layout variants."""

    zero_blank: bool
    text_separators: bool
    numbers: dict[str, str]
    split_codes: frozenset[str]
    repeat_header: bool
    full_class_list: bool
    three_public_rows: bool
    basic_groups: int
    budget_column: bool
    toc: bool
    footer: bool
    label_widths: dict[str, float] = field(default_factory=dict)
    """Width of the 科目名称 column (points) where it is narrow enough to wrap labels; default 190."""
    row_height: float = 16.0


@dataclass(frozen=True)
class Office:
    """Everything that defines one sample report (figures in ``unit``)."""

    stem: str
    unit_name: str
    short_names: tuple[str, ...]
    region: str
    year: int
    scope: str
    unit: str
    style: Style
    items: tuple[Item, ...]
    econ: tuple[tuple[str, str, Decimal], ...]
    three_public: tuple[tuple[Decimal, Decimal], ...]
    """(预算数, 决算数) of 因公出国（境）费, 公务用车购置费, 公务用车运行维护费, 公务接待费."""
    carry_in: Decimal
    duties: tuple[str, ...]
    offices: tuple[str, ...]
    affiliates: tuple[str, ...]
    staff: tuple[int, int, int]
    prior: dict[str, Decimal]
    extra: dict[str, Decimal]
    reasons: dict[str, str]
    plant: bool



NAMES = {
    "201": "一般公共服务支出", "20103": "政府办公厅（室）及相关机构事务", "20106": "财政事务",
    "20199": "其他一般公共服务支出", "208": "社会保障和就业支出", "20805": "行政事业单位养老支出",
    "210": "卫生健康支出", "21011": "行政事业单位医疗", "221": "住房保障支出", "22102": "住房改革支出",
    "301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助", "310": "资本性支出",
}
ALL_CLASSES = (
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出",
    "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出",
    "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "其他支出",
    "抗疫特别国债安排的支出",
)
"""The 24 类 of 支出功能分类 as listed in 收入支出决算总表 (2024 edition)."""
TITLES = {
    "summary": "收入支出决算总表", "income": "收入决算表", "expenditure": "支出决算表",
    "fiscal_summary": "财政拨款收入支出决算总表", "gpb_expenditure": "一般公共预算财政拨款支出决算表",
    "gpb_basic": "一般公共预算财政拨款基本支出决算表", "three_public": "财政拨款“三公”经费支出决算表",
    "gov_fund": "政府性基金预算财政拨款收入支出决算表", "soe_capital": "国有资本经营预算财政拨款支出决算表",
}

def _d(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _items(rows: str) -> tuple[Item, ...]:
    """Parse ``code label basic project [other_project other_income] [budget]`` lines (``*`` = remainder)."""
    items = []
    for line in rows.strip().splitlines():
        code, label, basic, project, other_project, other_income, budget = (line.split() + ["-"] * 7)[:7]
        items.append(Item(code, label, None if basic == "*" else _d(basic), _d(project),
                          _d(other_project) if other_project != "-" else ZERO,
                          _d(other_income) if other_income != "-" else ZERO,
                          _d(budget) if budget != "-" else None))
    return tuple(items)


def _econ(rows: str) -> tuple[tuple[str, str, Decimal], ...]:
    return tuple((c, lab, _d(v)) for c, lab, v in (line.split() for line in rows.strip().splitlines()))


_NUMBERS_MOF = {k: f"公开{n:02d}表" for n, k in enumerate(
    ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gpb_basic",
     "gov_fund", "soe_capital", "three_public"), 1)}
_NUMBERS_B = {k: f"公开{n:02d}表" for n, k in enumerate(
    ("summary", "income", "expenditure", "fiscal_summary", "gpb_expenditure", "gpb_basic",
     "three_public", "gov_fund", "soe_capital"), 1)}

QINGSHAN = Office(
    stem="qingshan_gov_office_2024_dept_final", unit_name="青山市人民政府办公室",
    short_names=("青山市政府办公室", "青山市政府办", "青山市府办"), region="青山市", year=2024, scope="部门",
    unit="万元",
    style=Style(zero_blank=False, text_separators=False, numbers=_NUMBERS_MOF,
                split_codes=frozenset({"gpb_expenditure"}), repeat_header=False, full_class_list=True,
                three_public_rows=False, basic_groups=2, budget_column=True, toc=True, footer=True,
                label_widths={"gpb_expenditure": 86.0}),
    items=_items("""
2010301 行政运行 * 0 0 0 1620.00
2010302 一般行政管理事务 0 286.40 0 0 300.00
2010308 信访事务 0 132.75 0 0 120.00
2010350 事业运行 356.20 45.00 61.30 26.40 410.00
2010399 其他政府办公厅（室）及相关机构事务支出 0 218.64 0 0 260.00
2019999 其他一般公共服务支出 0 75.30 0 0 80.00
2080501 行政单位离退休 38.64 0 0 0 40.00
2080505 机关事业单位基本养老保险缴费支出 186.24 0 0 0 190.50
2080506 机关事业单位职业年金缴费支出 93.12 0 0 0 95.25
2101101 行政单位医疗 72.15 0 0 0 74.00
2101102 事业单位医疗 26.22 0 0 0 27.00
2210201 住房公积金 145.68 0 0 0 145.68
2210203 购房补贴 21.50 0 0 0 21.50
"""),
    econ=_econ("""
30101 基本工资 486.32
30102 津贴补贴 612.45
30103 奖金 40.52
30107 绩效工资 398.76
30108 机关事业单位基本养老保险缴费 186.24
30109 职业年金缴费 93.12
30110 职工基本医疗保险缴费 98.37
30112 其他社会保障缴费 6.81
30113 住房公积金 145.68
30199 其他工资福利支出 52.30
30302 退休费 38.64
30305 生活补助 4.20
30399 其他对个人和家庭的补助 21.50
30201 办公费 38.27
30202 印刷费 12.60
30205 水费 3.18
30206 电费 21.45
30207 邮电费 9.82
30209 物业管理费 64.30
30211 差旅费 11.26
30213 维修（护）费 15.40
30215 会议费 4.85
30216 培训费 6.30
30217 公务接待费 3.46
30226 劳务费 18.90
30228 工会经费 22.15
30229 福利费 17.60
30231 公务用车运行维护费 14.72
30239 其他交通费用 28.80
30299 其他商品和服务支出 9.34
31002 办公设备购置 12.85
31013 公务用车购置 18.60
"""),
    three_public=((_d("5.00"), _d("0.00")), (_d("20.00"), _d("18.60")), (_d("16.00"), _d("14.72")),
                  (_d("5.00"), _d("3.46"))),
    carry_in=_d("58.90"),
    duties=("负责市政府会议的准备工作，协助市政府领导同志组织实施会议决定事项。",
            "负责起草或审核以市政府、市政府办公室名义发布的公文，办理市政府文电。",
            "督促检查市政府各部门和各县（区）政府对市政府公文、会议决定事项及市政府领导同志指示的贯彻落实情况。",
            "负责全市政务公开、政务信息和政府信息化建设工作，承担市政府总值班工作。",
            "承办市政府交办的其他事项。"),
    offices=("秘书科", "综合科", "督查科", "调研科", "信息科", "政务公开科", "法制科", "行政科"),
    affiliates=("青山市政务服务数据中心",),
    staff=(48, 45, 16),
    prior={"total": _d("3105.32"), "fiscal": _d("3240.17"), "three_public": _d("41.25"),
           "running": _d("186.40")},
    extra={"running": _d("172.96"), "goods": _d("86.45"), "works": _d("120.30"), "services": _d("214.75"),
           "sme": _d("356.10"), "small": _d("241.62"), "cars": _d("4"), "cars_bought": _d("1"),
           "batches": _d("26"), "visitors": _d("218"), "projects": _d("12"), "project_funds": _d("713.09"),
           "score": _d("95.6"), "car_confidential": _d("1"), "car_emergency": _d("1"), "car_other": _d("2")},
    reasons={"total": "主要原因是2024年度机构改革后职能调整，信访事务等项目支出和人员经费相应增加。",
             "fiscal": "主要原因是信访事务和政务信息化运维项目支出增加。",
             "2010308": "决算数大于年初预算数的主要原因是年中追加信访积案化解专项经费。",
             "2010399": "决算数小于年初预算数的主要原因是部分政务服务项目采购节约资金。",
             "three_public": "主要原因是严格落实中央八项规定精神，压减公务接待和因公出国（境）支出。",
             "running": "主要原因是压减会议、印刷和差旅等一般性支出。"},
    plant=True,
)

LVSHUI = Office(
    stem="lvshui_finance_2023_unit_final", unit_name="绿水县财政局",
    short_names=("绿水县财政局本级", "绿水财政局", "县财政局"), region="绿水县", year=2023, scope="单位",
    unit="元",
    style=Style(zero_blank=True, text_separators=True, numbers=_NUMBERS_B,
                split_codes=frozenset({"expenditure", "gpb_expenditure"}), repeat_header=True,
                full_class_list=False, three_public_rows=True, basic_groups=3, budget_column=False, toc=False,
                footer=False, label_widths={"expenditure": 72.0}, row_height=20.0),
    items=_items("""
2010601 行政运行 * 0
2010602 一般行政管理事务 0 356,820.00
2010607 信息化建设 0 1,285,600.00
2010608 财政委托业务支出 0 412,350.50
2080501 行政单位离退休 215,840.00 0
2080505 机关事业单位基本养老保险缴费支出 702,345.60 0
2080506 机关事业单位职业年金缴费支出 351,172.80 0
2101101 行政单位医疗 372,918.45 0
2210201 住房公积金 548,210.00 0
"""),
    econ=_econ("""
30101 基本工资 1,826,400.00
30102 津贴补贴 2,315,760.00
30103 奖金 152,200.00
30107 绩效工资 1,463,580.00
30108 机关事业单位基本养老保险缴费 702,345.60
30109 职业年金缴费 351,172.80
30110 职工基本医疗保险缴费 372,918.45
30112 其他社会保障缴费 24,615.30
30113 住房公积金 548,210.00
30199 其他工资福利支出 96,430.00
30302 退休费 215,840.00
30305 生活补助 12,600.00
30201 办公费 126,438.20
30205 水费 8,912.00
30206 电费 64,205.75
30207 邮电费 31,860.40
30209 物业管理费 182,500.00
30211 差旅费 47,326.80
30213 维修（护）费 38,750.00
30215 会议费 15,600.00
30216 培训费 22,480.00
30217 公务接待费 18,600.00
30228 工会经费 61,250.00
30229 福利费 48,900.00
30231 公务用车运行维护费 42,300.00
30239 其他交通费用 96,000.00
30299 其他商品和服务支出 21,573.16
31002 办公设备购置 56,780.00
"""),
    three_public=((ZERO, ZERO), (ZERO, ZERO), (_d("45,000.00"), _d("42,300.00")),
                  (_d("20,000.00"), _d("18,600.00"))),
    carry_in=ZERO,
    duties=("贯彻执行国家财税方针政策，拟订全县财政发展规划和年度计划。",
            "承担县级各项财政收支管理责任，负责编制年度县级预决算草案并组织执行。",
            "负责管理县级各项财政收入和政府非税收入，管理县级国库集中收付。",
            "负责政府采购、国有资产、会计和财政监督管理工作。"),
    offices=("办公室", "预算股", "国库股", "综合股", "政府采购监督管理股", "财政监督股"),
    affiliates=(),
    staff=(32, 30, 9),
    prior={"total": _d("8,702,415.33"), "fiscal": _d("8,702,415.33"), "three_public": _d("68,500.00"),
           "running": _d("781,905.20")},
    extra={"running": _d("882,456.31"), "goods": _d("356,820.00"), "works": Decimal("0.00"),
           "services": _d("1,624,300.00"), "sme": _d("1,981,120.00"), "small": _d("1,285,600.00"),
           "cars": _d("2"), "cars_bought": Decimal(0), "batches": _d("15"), "visitors": _d("96"),
           "projects": _d("3"), "project_funds": _d("2,054,770.50"), "score": _d("92.5"),
           "car_confidential": Decimal(0), "car_emergency": Decimal(0), "car_other": _d("2")},
    reasons={"total": "主要原因是财政信息化建设项目支出增加。",
             "fiscal": "主要原因是预算管理一体化系统建设支出增加。",
             "three_public": "主要原因是压减公务用车运行和公务接待支出。",
             "running": "主要原因是办公用房物业管理费和水电费支出增加。"},
    plant=False,
)

OFFICES = (QINGSHAN, LVSHUI)

DEFINITIONS = (
    "财政拨款收入：指单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。",
    "其他收入：指单位取得的除财政拨款收入、事业收入、经营收入等以外的收入。",
    "年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。",
    "项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
    "机关运行经费：指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务等的各项公用经费。",
    "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）：反映行政单位（包括实行公务员管理的事业单位）的基本支出。",
    "事业运行（项）：反映非独立核算的事业单位的基本支出和项目支出。",
)
