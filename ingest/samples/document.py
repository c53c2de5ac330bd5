"""A whole sample report before layout: cover, (目录,) 概况, the tables, 情况说明, 名词解释."""

from __future__ import annotations

from decimal import Decimal

from ingest.samples.content import build_tables, cn_number, settle_items
from ingest.samples.data import DEFINITIONS, Cover, Document, Element, Heading, Office, Paragraph, TableDraft
from ingest.samples.narrative import Fig, Narrator, write_narrative


def build_document(office: Office) -> Document:
    """Cover, (目录,) 第一部分 概况, 第二部分 the nine tables, 第三部分 情况说明, 第四部分 名词解释."""
    items = settle_items(office)
    tables = build_tables(office, items)
    by_key = {t.key: t for t in tables}
    name, y, scope = office.unit_name, office.year, office.scope
    title = f"{name}{y}年度{scope}决算"
    body: list[Element] = [Heading(f"第一部分 {name}概况", 1), Heading("一、主要职能", 2)]
    body += [Paragraph(f"{k}.{duty}") for k, duty in enumerate(office.duties, 1)]
    intro = Narrator(office, by_key)
    intro.heading("二、机构设置")
    sentences = [intro.say(f"{name}内设{'、'.join(office.offices)}共{{}}科室。",
                           Fig(Decimal(len(office.offices)), "个"))]
    if office.affiliates:
        sentences.append(intro.say(f"下属事业单位{{}}：{'、'.join(office.affiliates)}。",
                                   Fig(Decimal(len(office.affiliates)), "个")))
    staff = [Fig(Decimal(v), unit) for v, unit in zip(office.staff, ("名", "人", "人"), strict=True)]
    sentences.append(intro.say(f"{y}年末，本{scope}编制{{}}，实有在职人员{{}}，离退休人员{{}}。", *staff))
    intro.para(*sentences)
    intro.heading("三、决算单位构成")
    if office.affiliates:
        intro.para(intro.say(f"纳入{name}{y}年度部门决算编制范围的单位共{{}}，包括：{name}本级、"
                             f"{'、'.join(office.affiliates)}。",
                             Fig(Decimal(1 + len(office.affiliates)), "个")))
    else:
        intro.para(f"本单位决算为{name}本级决算，无下属预算单位。")
    body += intro.elements + [Heading(f"第二部分 {name}{y}年度{scope}决算表", 1)] + tables
    story = write_narrative(office, by_key, items)
    body += story.elements + [Heading("第四部分 名词解释", 1)]
    body += [Paragraph(f"{cn_number(k)}、{d}") for k, d in enumerate(DEFINITIONS, 1)]
    elements: list[Element] = [Cover((name, f"{y}年度{scope}决算", f"{y + 1}年8月"))]
    if office.style.toc:
        toc: list[Element] = [Heading("目  录", 1)]
        for e in body:
            if isinstance(e, Heading) and e.level < 3:
                toc.append(Paragraph(("" if e.level == 1 else "    ") + e.text, indent=False))
            elif isinstance(e, TableDraft):
                toc.append(Paragraph(f"    {e.number} {e.title}", indent=False))
        elements += toc
    return Document(office, title, elements + body, tables, intro.narrative + story.narrative,
                    intro.links + story.links, intro.planted + story.planted)
