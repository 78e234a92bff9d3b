"""A richly coded project for the REFI-QDA tests, and ways to look inside .qdpx files."""

from __future__ import annotations

import zipfile
from pathlib import Path

from annotator.core.corpus.importing import import_seeds
from annotator.core.interchange.refi.payload import split
from annotator.core.project import Project
from tests.support import span_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0"}

KOREAN = ("월마트는 아마존웹서비스(AWS) 이용을 중단하라고 납품업체에 요청했다고 밝혔다 😀. "
          "Walmart told suppliers to leave AWS, a spokesperson said. Amazon responded curtly; "
          "the boycott hurts 🛒 shoppers.\n\nSecond paragraph: Jeff Bezos declined to comment.")


def build_rich_project(p: Project) -> dict:
    """Seeds, tags in every layer, entities, attributes of every kind, memos, metadata, Korean and emoji."""
    import_seeds(p)
    book = p.codebook
    doc = p.documents.add(title="월마트 vs AWS 😀", text=KOREAN, source="/news/walmart.txt", encoding="utf-8")
    org, person, claim, quote = (book.by_name(n) for n in ("Organization", "Person", "Claim", "Quote"))
    against, favor = book.by_name("Against"), book.by_name("Favor")
    group = book.add_group("Retail actors", "entity", description="Shops and chains", memo="split by sector?")
    chain = book.add_label("Retail chain", "entity", key="K", parent_id=group.id, description="A chain of stores")
    book.set_memo(claim.id, "Count ‘sources say’ as a claim?\nYes, since March.")
    share = book.add_attribute(chain.id, "market share", "number", description="Percent, if stated")
    public = book.add_attribute(chain.id, "listed", "bool")
    remark = book.add_attribute(quote.id, "remark", "text")

    walmart = p.entities.create("Walmart", chain, aliases=("월마트", "Wal-Mart"), external_id="Q483551")
    p.entities.set_memo(walmart.id, "US retailer;\r\nnot the Canadian arm")
    amazon = p.entities.create("Amazon", org, aliases=("아마존",))
    bezos = p.entities.create("Jeff Bezos", person)

    mention = p.annotations.add(doc, chain, *span_of(KOREAN, "월마트"))
    p.entities.link_new_annotation(mention)
    mention2 = p.annotations.add(doc, chain, *span_of(KOREAN, "Walmart"))
    p.entities.link_new_annotation(mention2)
    p.values.set(mention2.id, public.id, True)
    p.values.set(mention.id, share.id, "10.50")
    scratch = p.annotations.add(doc, org, *span_of(KOREAN, "AWS"))  # deleted below: ids keep a gap
    person_tag = p.annotations.add(doc, person, *span_of(KOREAN, "Jeff Bezos"))
    p.annotations.link_entity(person_tag.id, bezos.id)
    said = p.annotations.add(doc, claim, *span_of(KOREAN, "Walmart told suppliers to leave AWS, a spokesperson said"),
                             source_entity_id=walmart.id, note="Check the WSJ report.\nAlso the 한겨레 piece.")
    p.annotations.set_cue(said.id, *span_of(KOREAN, "said"))
    korean_claim = p.annotations.add(doc, claim, *span_of(KOREAN, "아마존웹서비스(AWS) 이용을 중단하라고"),
                                     source="납품업체 관계자")
    p.annotations.set_cue(korean_claim.id, *span_of(KOREAN, "밝혔다"))
    verdict = next(a for a in book.attributes(claim.id) if a.name == "verdict")
    kind = next(a for a in book.attributes(claim.id) if a.name == "type")
    checkworthy = next(a for a in book.attributes(claim.id) if a.name == "checkworthy")
    p.values.set(korean_claim.id, verdict.id, "misleading")
    p.values.set(said.id, kind.id, "factual")
    p.values.set(said.id, checkworthy.id, False)
    p.values.set(said.id, verdict.id, "accurate")
    q = p.annotations.add(doc, quote, *span_of(KOREAN, "declined to comment"))
    p.values.set(q.id, remark.id, "  exact text, spaces kept  ")
    stance = p.annotations.add(doc, against, *span_of(KOREAN, "Amazon responded curtly"),
                               target_entity_id=amazon.id, holder_entity_id=walmart.id)
    intensity = next(a for a in book.attributes(against.id) if a.name == "intensity")
    p.values.set(stance.id, intensity.id, "strong")
    shoppers = p.annotations.add(doc, favor, *span_of(KOREAN, "🛒 shoppers"), target="shoppers", holder="the author")
    whole = p.annotations.add(doc, against, target_entity_id=amazon.id, note="The whole piece leans against Amazon.")
    whole_free = p.annotations.add(doc, favor, target="Walmart's suppliers")
    p.annotations.delete(scratch.id)
    seed = p.documents.ids()[0]
    seed_text = p.documents.text(seed)
    p.annotations.add(seed, org, *span_of(seed_text, "Walmart"))
    p.documents.set_memo(doc, "Syndicated from Yonhap? Compare with 002.")
    p.documents.set_status(doc, "in_progress")
    p.documents.set_title(seed, "What if Walmart were a webhost")
    p.metadata.set_many(doc, {"outlet": "연합뉴스", "url": "https://example.org/a?b=1&c=2", "date": "2024-03-05"})
    p.metadata.set_many(seed, {"outlet": "Forbes", "author": "J. Doe"})
    return dict(doc=doc, seed=seed, said=said, stance=stance, whole=whole, whole_free=whole_free,
                shoppers=shoppers, walmart=walmart, amazon=amazon, chain=chain, group=group, verdict=verdict)


def qde_root(path: Path):
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read("project.qde"))


def payload_of(element) -> dict | None:
    description = element.find("q:Description", NS)
    return split(description.text if description is not None else None)[1]
