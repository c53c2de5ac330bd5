"""How a unit is named: one canonical spelling, and the names people use for it.

Domain knowledge in one place (sources: ``../shared/guide/domain.md`` "People shorten names";
the Jiangsu files print 中国共产党江苏省委员会办公厅, 中共江苏省委办公厅 and 江苏省委办公厅 for one
office; the standard short forms of Chinese state bodies — 人大常委会, 政协, 高院/中院, 检察院,
…办 for 办公厅/办公室, 街道 for 街道办事处 — as used in the bodies' own publications).

* :func:`canonical_unit` — one spelling per unit (formal long forms to their standard short
  forms), used to tell whether two files are of the same unit and to read a question's names
  the same way as a report's.
* :func:`aliases` — every name a person would plausibly use: the region kept whole, as its
  root (江苏), as its level alone (省/市/区), or dropped when the rest is distinctive; and the
  body shortened by the informal abbreviations (高级人民法院 → 高院, 办公厅 → 办 …).
  A question's mention may still skip characters of an alias (普陀区规划资源局 for
  普陀区规划和自然资源局): see :func:`abbreviates`.
"""

from __future__ import annotations

import re

# Formal long forms → standard short forms; applied in order, to names and to questions alike.
FORMAL_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"中国共产党", "中共"),
    (r"中国人民政治协商会议(\S{2,8}?[省市区县])委员会", r"\1政协"),
    (r"人民代表大会常务委员会", "人大常委会"),
    (r"人民政府", "政府"),
    (r"委员会", "委"),
    (r"中共", ""),
)

# Informal short forms people use for parts of a body's name (each optional, all combined).
INFORMAL_ABBREVIATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("高级人民法院", ("高院", "高级法院")),
    ("中级人民法院", ("中院", "中级法院")),
    ("人民法院", ("法院",)),
    ("人民检察院", ("检察院",)),
    ("人大常委会办公厅", ("人大办公厅", "人大办", "人大常委办公厅")),
    ("人大常委会", ("人大",)),
    ("政协办公厅", ("政协办",)),
    ("政府办公室", ("政府办", "府办")),
    ("街道办事处", ("街道",)),
    ("办公厅", ("办",)),
    ("办公室", ("办",)),
)

# Names of a kind of body that never name one unit alone (a region is needed).
GENERIC_BODIES = frozenset(
    {
        "办公厅",
        "办公室",
        "办",
        "委",
        "委办",
        "委办公厅",
        "政府",
        "政府办公室",
        "政府办",
        "府办",
        "局",
        "院",
        "中心",
        "人民政府",
    }
)

# Two-character words a question may put right before 省/市/区 (根据省人大…) that are no place.
NOT_PLACE_WORDS = frozenset(
    {"根据", "按照", "依据", "关于", "对于", "其中", "以及", "还有", "包括", "请问", "查询", "全省", "全市"}
)

_OWN_LEVEL = re.compile(r"[（(]?本级[）)]?$")
_LEVEL = re.compile(r"(?:自治州|自治县|自治区|省|市|区|县|旗|盟)$")
_REGION_PARTS = re.compile(r"[\u4e00-\u9fff]+?(?:自治州|自治县|自治区|省|市|区|县|旗|盟)")


def canonical_unit(name: str) -> str:
    """One spelling per unit, to tell whether two files (or a question) name the same unit.

    ``中国共产党江苏省委员会办公厅`` and ``中共江苏省委办公厅`` → ``江苏省委办公厅``;
    ``江苏省人民代表大会常务委员会办公厅`` → ``江苏省人大常委会办公厅``;
    ``临沂市人民政府办公室本级`` → ``临沂市政府办公室``; ``""`` stays ``""``.
    """
    name = _OWN_LEVEL.sub("", re.sub(r"\s+", "", name))
    return canonical_text(name)


def canonical_text(text: str) -> str:
    """A text with the formal long forms of body names shortened (see :data:`FORMAL_ABBREVIATIONS`)."""
    for long, short in FORMAL_ABBREVIATIONS:
        text = re.sub(long, short, text)
    return text


def _region_forms(region: str) -> tuple[str, ...]:
    """江苏省 → 江苏省, 江苏, 省; 上海市普陀区 → 上海市普陀区, 普陀区, 普陀, 区 (longest first)."""
    if not region:
        return ()
    forms = [region]
    parts = _REGION_PARTS.findall(region)
    if parts:
        last = parts[-1]
        root = _LEVEL.sub("", last)
        forms += [last, root] if len(root) >= 2 else [last]
        if len(parts) >= 2:  # 上海普陀区: the upper level's root before the district
            forms.append(_LEVEL.sub("", parts[0]) + last)
        forms.append(_LEVEL.search(last).group(0))
    return tuple(dict.fromkeys(f for f in forms if f))


def _bodies(body: str) -> set[str]:
    bodies = {body}
    for long, shorts in INFORMAL_ABBREVIATIONS:
        for name in list(bodies):
            if long in name:
                for short in shorts:
                    bodies.add(name.replace(long, short, 1))
    return bodies


def _institutions(bodies: set[str]) -> set[str]:
    """An office is also called by its institution's name (省政协 for 省政协办公厅, 省人大 for
    省人大常委会办公厅): people ask about the institution's budget, the office publishes it.
    Only ever used after a place (人大 alone is a word of item names: 人大立法)."""
    found = set()
    for name in bodies:
        institution = re.sub(r"(?:办公厅|办公室|办)$", "", name)
        if institution != name and len(institution) >= 2 and institution not in GENERIC_BODIES:
            found.add(institution)
    return found - bodies


def aliases(unit_name: str, region: str) -> tuple[str, ...]:
    """Every name a person may use for the unit (canonical spellings), longest first.

    ``江苏省高级人民法院`` → 江苏省高级人民法院, 江苏省高院, 江苏高院, 省高院, 高院, …;
    ``江苏省人大常委会办公厅`` → …, 省人大办公厅, 省人大办, 人大办公厅, …;
    ``江苏省委办公厅`` → …, 省委办公厅, 省委办 (never 委办 alone).
    """
    name = canonical_unit(unit_name)
    region = canonical_unit(region)
    if not name:
        return ()
    body = name[len(region) :] if region and name.startswith(region) else name
    names: set[str] = set()
    bodies = _bodies(body)
    for institution in _institutions(bodies) if body != name else ():
        for form in _region_forms(region):
            if institution.startswith("委") and not _LEVEL.search(form):
                continue
            names.add(form + institution)
    for short_body in bodies:
        if body == name:
            names.add(short_body)
            continue
        for form in _region_forms(region):
            if short_body.startswith("委") and not _LEVEL.search(form):
                continue  # 省委/市委 keep their level: never 江苏委办
            names.add(form + short_body)
        if (
            short_body not in GENERIC_BODIES
            and not short_body.startswith(("委", "办"))
            and len(short_body) >= 2
        ):
            names.add(short_body)
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def abbreviates(mention: str, alias: str) -> bool:
    """Whether ``mention`` shortens ``alias`` by skipping characters: same first and last
    character, the rest in order, no place level skipped (普陀区规划资源局 ⊂ 普陀区规划和自然资源局;
    but 青山市府办 does not shorten 青山市绿水区府办: the district would be lost)."""
    if len(mention) < 3 or len(mention) > len(alias) or mention[0] != alias[0] or mention[-1] != alias[-1]:
        return False
    skipped: list[str] = []
    i = 0
    for ch in alias:
        if i < len(mention) and ch == mention[i]:
            i += 1
        else:
            skipped.append(ch)
    return i == len(mention) and not any(ch in _LEVEL_CHARS for ch in skipped)


_LEVEL_CHARS = frozenset("省市区县州旗盟")


def short_names(unit_name: str, region: str) -> tuple[str, ...]:
    """The short names shown with a report (region kept, whole or its last level):
    临沂市人民政府办公室本级 → 临沂市政府办公室, 临沂市政府办, 临沂市府办 …; 济宁市兖州区人民政府办公室
    → 兖州区政府办 …. The question reader uses every :func:`aliases`."""
    name = canonical_unit(unit_name)
    region = canonical_unit(region)
    body = name[len(region) :] if region and name.startswith(region) else name
    parts = _REGION_PARTS.findall(region)
    forms = (region, parts[-1]) if body != name and parts else (region,) if body != name else ("",)
    raw = _OWN_LEVEL.sub("", re.sub(r"\s+", "", unit_name))
    raw_body = raw[len(region) :] if region and raw.startswith(region) else raw  # as printed (人民 kept)
    names = {form + b for form in forms for b in {*_bodies(body), raw_body}} | {raw}
    names.discard(unit_name)
    names.discard("")
    return tuple(sorted(names, key=lambda n: (len(n), n)))
