"""Low-level matching for the evaluation judge: numbers, units, text, yes/no.

Everything numeric is ``Decimal``; nothing is compared as a float. The judging rules
themselves (which matcher applies to which gold row) live in :mod:`eval.scoring`.

Glossary: ``元`` yuan, ``万元`` 10,000 yuan, ``亿元`` 100,000,000 yuan.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_FACTORS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
"""Money units and their size in 元."""

_UNIT_WORDS = (
    "亿元", "万元", "元", "%", "个团组", "个项目", "个", "人次", "批次", "篇", "份", "辆",
    "分", "人", "台", "套", "项", "次", "家", "户",
)  # fmt: skip
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％－", "0123456789.%-")
NUMBER_RE = re.compile(
    r"(?<![\d.])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?:\s*(?P<unit>"
    + "|".join(_UNIT_WORDS)
    + "))?"
)
_LABEL_AFTER = re.compile(r"\s*(?:年|月|日|号|表|部分|页|行|栏|列|〕|\]|】)")
_LABEL_BEFORE = re.compile(r"(?:公开|第|〔|\[|【|No\.?)\s*$", re.IGNORECASE)
_ENUMERATOR_BEFORE = "\n；;。：:"
_ENUMERATOR_AFTER = re.compile(r"\s*[.、)）]")
_LOCATORS = re.compile(
    r"\b\d{3}_[0-9a-f]{6,}(?:\.txt|\.pdf)?"  # report file names / ids
    r"|[\w\-]+\.(?:pdf|txt)"  # other file names
    r"|第\s*\d+\s*[页行栏列]"
    r"|\b[Ll]\d+(?:\s*[-–]\s*[Ll]?\d+)?"
    r"|\bp\.?\s*\d+",
)
_PUNCT_DROP = re.compile(r"[\s\u3000]+")
_ORG_PLACE = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:自治州|自治县|省|市|区|县|旗|盟)")
_ORG_SUFFIX = re.compile(r"(?:政府|办公室|政府办|本级)$")

STOPWORDS = frozenset(
    {
        "本级",
        "以及",
        "主要",
        "进行",
        "方面",
        "有关",
        "相关",
        "其中",
        "等等",
        "我们",
        "包括",
        "各类",
        "这个",
        "那个",
    }
)
"""Tokens too generic to be required in the key-token text rule."""

YES_MARKERS = ("一致", "相符", "对得上", "正确", "是")
NO_MARKERS = ("不一致", "不相符", "不符", "对不上", "不正确", "错误", "不是", "没有", "否")
_YES_NO_TRAPS = re.compile(
    r"是否(?:一致|相符|正确|对得上)?|是不是|有没有|有无|对不对|一不一致|(?:一致|相符|对得上|正确|对)吗"
)


@dataclass(frozen=True)
class NumberMention:
    """A number printed in a text.

    Attributes:
        value: the number, thousands separators removed (always ≥ 0; signs are ignored).
        decimals: printed decimal places (``37.70`` → 2).
        unit: unit word printed right after it (``万元``, ``%``, ``辆`` …) or ``""``.
        start: character offset in the normalized text.
        label: True for years, dates, table/page/line numbers, list enumerators and
            subject codes — numbers that are not figures.
    """

    value: Decimal
    decimals: int
    unit: str
    start: int
    label: bool = False

    def show(self) -> str:
        """The number as printed, with its unit (``2,603.73万元`` → ``2603.73 万元``)."""
        return f"{self.value} {self.unit}".strip()


def normalize_digits(text: str) -> str:
    """Full-width digits to ASCII and stray spaces inside numbers removed (``1, 708. 47``)."""
    text = text.translate(_FULL_WIDTH)
    text = re.sub(r"(?<=\d)[ \t]*,[ \t]*(?=\d{3}(?!\d))", ",", text)  # 1, 708 → 1,708
    return re.sub(r"(?<=\d)[ \t]*\.[ \t]*(?=\d{1,2}(?!\d))", ".", text)  # 708. 47 → 708.47 (not "1. 2022")


def normalize_unit(unit: str | None) -> str:
    """Canonical unit: ``万元/辆`` → ``万元``, ``％`` → ``%``, ``None`` → ``""``."""
    if not unit:
        return ""
    u = unicodedata.normalize("NFKC", str(unit)).strip()
    u = re.split(r"[/每]", u, maxsplit=1)[0].strip()
    if u in {"percent", "百分比", "百分点"}:
        return "%"
    return u


def money_factor(unit: str | None) -> Decimal | None:
    """Size of a money unit in 元, or ``None`` for non-money units."""
    return MONEY_FACTORS.get(normalize_unit(unit))


def decimals_of(value: Decimal) -> int:
    """Printed decimal places of a Decimal (``Decimal("37.70")`` → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def to_decimal(value: object) -> Decimal | None:
    """A JSON number or numeric string as Decimal (floats via ``repr``, so 37.7 stays 37.7)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        if isinstance(value, float):
            return Decimal(repr(value))
        return Decimal(str(value).replace(",", "").strip().rstrip("%"))
    except InvalidOperation:
        return None


def plain(value: Decimal) -> str:
    """A Decimal without exponent notation and without trailing zeros (``2.31630`` → ``2.3163``)."""
    return format(value.normalize(), "f")


def _is_label(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 4) : match.start()]
    after = text[match.end() : match.end() + 8]
    integer = match.group("frac") is None
    if match.group("unit"):
        return False
    if integer and _LABEL_AFTER.match(after):
        return True
    if integer and _LABEL_BEFORE.search(before):
        return True
    if integer and _ENUMERATOR_AFTER.match(after):
        previous = text[max(0, match.start() - 8) : match.start()].rstrip()
        if not previous or previous[-1] in _ENUMERATOR_BEFORE:
            return True
    digits = match.group("int").replace(",", "")
    # a 功能/经济分类 code printed before its name: 2010301行政运行, 30113 住房公积金
    return (
        integer
        and "," not in match.group("int")
        and len(digits) in (3, 5, 7)
        and bool(re.match(r"\s*[\u4e00-\u9fff]", after))
    )


def extract_numbers(text: str, *, strip_locators: bool = False) -> list[NumberMention]:
    """All numbers printed in ``text``, in order.

    Args:
        text: any text (answer, quote, formula).
        strip_locators: drop file names, ``第12页``, ``L123`` … first (for the
            "no invented numbers" check, where locators are not figures).
    """
    text = normalize_digits(text or "")
    if strip_locators:
        text = _LOCATORS.sub(" ", text)
    mentions = []
    for match in NUMBER_RE.finditer(text):
        raw = match.group("int").replace(",", "") + (match.group("frac") or "")
        value = Decimal(raw)
        mentions.append(
            NumberMention(
                value=value,
                decimals=decimals_of(value),
                unit=normalize_unit(match.group("unit")),
                start=match.start(),
                label=_is_label(text, match),
            )
        )
    return mentions


def round_half_up(value: Decimal, places: int) -> Decimal | None:
    """``value`` rounded half-up to ``places`` decimals (``None`` if out of range)."""
    try:
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def numbers_equal(
    gold: Decimal,
    gold_unit: str,
    got: Decimal,
    got_unit: str,
    got_decimals: int | None = None,
) -> bool:
    """Does ``got`` equal the gold figure after unit conversion, to the gold's printed precision?

    Between money units (元/万元/亿元) ``got`` is converted to the gold's unit and rounded
    half-up to the gold's printed decimals (gold ``4723.92 万元`` = got ``47239200 元``;
    gold ``116.67 元`` = got ``116.666 元``). Any other unit, or a missing unit on either
    side, compares the numbers directly, rounded the same way.

    One more case is accepted: when the answer states the figure in a *larger* money unit
    with at least 2 decimals (gold ``25196757.49 元``, got ``2519.68 万元``), the gold is
    converted to the answer's unit and rounded to the answer's decimals — this is how the
    reports themselves restate 元 tables in 万元.
    """
    gold_factor, got_factor = money_factor(gold_unit), money_factor(got_unit)
    converted = got * got_factor / gold_factor if gold_factor and got_factor else got
    if round_half_up(converted, decimals_of(gold)) == gold:
        return True
    if gold_factor and got_factor and got_factor > gold_factor:
        places = decimals_of(got) if got_decimals is None else got_decimals
        if places >= 2 and round_half_up(gold * gold_factor / got_factor, places) == got:
            return True
    return False


def canonical_text(text: str) -> str:
    """Text for containment tests.

    NFKC (full-width → half-width), lower case, whitespace, punctuation and symbols removed,
    ``人民政府`` → ``政府`` and ``本级`` dropped (so unit names match in their usual short forms).
    """
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("人民政府", "政府").replace("本级", "")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


_jieba_ready = False


def key_tokens(text: str) -> list[str]:
    """The gold's key tokens: jieba words of ≥ 2 characters, minus :data:`STOPWORDS`, in order."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        _jieba_ready = True
    seen: list[str] = []
    for token in jieba.lcut(canonical_text(text)):
        if len(token) >= 2 and token not in STOPWORDS and token not in seen:
            seen.append(token)
    return seen


def org_alias(name: str) -> str | None:
    """Short form of a unit name: ``济宁市兖州区人民政府办公室`` → ``兖州区政府`` (canonical text).

    ``None`` when ``name`` does not look like a government office name.
    """
    canon = canonical_text(name)
    if "政府" not in canon or not _ORG_SUFFIX.search(canon):
        return None
    places = _ORG_PLACE.findall(canon[: canon.index("政府")])
    return places[-1] + "政府" if places else None


def org_mentions(canonical: str) -> list[int]:
    """Offsets of ``政府`` right after a place name (``市``/``区``/``县`` …) in canonical text:
    one per mention of a government office (``政府采购`` after a non-place is not one)."""
    return [
        m.start()
        for m in re.finditer("政府", canonical)
        if m.start() and canonical[m.start() - 1] in "省市区县州旗盟"
    ]


@dataclass(frozen=True)
class TextMatch:
    """Result of :func:`match_text`: matched, where (canonical offset), and missing tokens."""

    ok: bool
    position: int | None
    missing: tuple[str, ...] = ()
    how: str = ""


def match_text(gold: str, answer: str) -> TextMatch:
    """Does ``answer`` contain the gold text? See :mod:`eval.scoring` for the rule.

    Tried in order: containment of the canonical gold in the canonical answer; for unit
    names, the short form from :func:`org_alias`; all key tokens of the gold present.
    """
    g, a = canonical_text(gold), canonical_text(answer)
    if not g:
        return TextMatch(True, 0, how="empty")
    if g in a:
        return TextMatch(True, a.index(g), how="contained")
    alias = org_alias(gold)
    if alias and alias in a:
        return TextMatch(True, a.index(alias), how="unit name")
    tokens = key_tokens(gold)
    missing = tuple(t for t in tokens if t not in a)
    if tokens and not missing:
        return TextMatch(True, min(a.index(t) for t in tokens), how="key tokens")
    return TextMatch(False, None, missing or (g,), how="")


def yes_no(answer: str, window: int = 15) -> str | None:
    """``"yes"``, ``"no"`` or ``None``: the first yes/no marker in the answer's first characters.

    Markers: 是/一致/相符/对得上/正确 and 否/不一致/不相符/不符/对不上/不正确/错误/不是/没有.
    Echoes of the question — ``是否``, ``是否一致``, ``是不是``, ``有没有``, ``有无``,
    ``一致吗`` … — are blanked first, so the 否 of 是否 or the 没有 of 有没有 never counts. At one position the longest marker wins (不一致 over 一致).
    """
    head = re.sub(r"\s+", "", unicodedata.normalize("NFKC", answer or ""))
    head = _YES_NO_TRAPS.sub(lambda m: "#" * len(m.group()), head)[:window]
    best: tuple[int, int, str] | None = None
    for label, markers in (("yes", YES_MARKERS), ("no", NO_MARKERS)):
        for marker in markers:
            index = head.find(marker)
            if index >= 0:
                key = (index, -len(marker), label)
                if best is None or key < best:
                    best = key
    return best[2] if best else None
