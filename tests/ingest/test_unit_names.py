"""ingest.unit_names: canonical spellings, the names people use, shortenings of a name."""

from __future__ import annotations

import pytest

from ingest.unit_names import abbreviates, aliases, canonical_unit, short_names


@pytest.mark.parametrize(
    ("long", "canonical"),
    [
        ("中国共产党江苏省委员会办公厅", "江苏省委办公厅"),
        ("中共江苏省委办公厅", "江苏省委办公厅"),
        ("江苏省人民代表大会常务委员会办公厅", "江苏省人大常委会办公厅"),
        ("中国人民政治协商会议江苏省委员会办公厅", "江苏省政协办公厅"),
        ("临沂市人民政府办公室本级", "临沂市政府办公室"),
    ],
)
def test_formal_long_forms_have_one_spelling(long: str, canonical: str) -> None:
    assert canonical_unit(long) == canonical


@pytest.mark.parametrize(
    ("unit", "region", "said"),
    [
        ("江苏省高级人民法院", "江苏省", ("江苏高院", "省高院", "江苏省高级法院", "高院")),
        ("江苏省人大常委会办公厅", "江苏省", ("省人大办公厅", "江苏人大办公厅", "省人大常委会办公厅", "省人大办")),
        ("江苏省委办公厅", "江苏省", ("省委办", "省委办公厅", "江苏省委办")),
        ("江苏省人民检察院", "江苏省", ("江苏省检察院", "省检察院")),
        ("上海市普陀区司法局", "上海市普陀区", ("普陀区司法局", "普陀司法局", "上海普陀区司法局")),
        ("济宁市兖州区人民政府办公室", "济宁市兖州区", ("兖州区政府办", "兖州区府办")),
    ],
)
def test_names_people_use_are_aliases(unit: str, region: str, said: tuple[str, ...]) -> None:
    names = aliases(unit, region)
    for name in said:
        assert name in names, name


def test_generic_bodies_and_bare_party_committee_words_are_never_aliases() -> None:
    assert "委办" not in aliases("江苏省委办公厅", "江苏省")
    assert "江苏委办" not in aliases("江苏省委办公厅", "江苏省")
    assert "政府办" not in aliases("临沂市人民政府办公室", "临沂市")
    assert "临沂市政府办" in short_names("临沂市人民政府办公室本级", "临沂市")


def test_shortenings_keep_first_and_last_character_and_every_place_level() -> None:
    assert abbreviates("普陀区规划资源局", "普陀区规划和自然资源局")
    assert not abbreviates("青山市府办", "青山市绿水区府办")  # the district would be lost
    assert not abbreviates("规划局", "普陀区规划和自然资源局")  # the first character differs
    assert not abbreviates("普陀局", "普陀区规划和自然资源局")  # skips the district level
