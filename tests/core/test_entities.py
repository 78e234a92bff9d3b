"""The entity registry: names and aliases, matching, mentions across documents, merge, split, delete, tagging."""

from __future__ import annotations

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.entities.mentions import context_line
from annotator.core.entities.registry import Candidate, EntitySummary
from tests.support import dump

pytestmark = pytest.mark.both_engines

ARTICLE = "Walmart told suppliers to leave AWS. Walmart’s rival Amazon Web Services said little."
KOREAN = "월마트가 아마존웹서비스(AWS) 이용을 중단하라고 요청했다. 월마트의 협력사들은 반월마트 정서를 보였다."



def _at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def undo_restores_exactly(project, action, *args, **kwargs):
    """Run an action as one edit, undo it, and check the file is byte-for-byte as before."""
    before = dump(project)
    result, changeset = project.store.edit(action, *args, **kwargs)
    assert changeset is not None, "the edit logged nothing to undo"
    assert dump(project) != before
    project.store.undo(changeset)
    assert dump(project) == before
    return result


def refused_and_unchanged(project, action, *args, match: str, **kwargs) -> None:
    before = dump(project)
    with pytest.raises(ProjectError, match=match):
        action(*args, **kwargs)
    assert dump(project) == before


# -- fold and matching ---------------------------------------------------------------------


def test_fold_ignores_case_width_and_spacing():
    assert fold("ＡＷＳ") == fold("aws") == fold(" AWS ") == "aws"
    assert fold("Amazon\n Web\tServices") == "amazon web services"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("월마트") == "월마트"


def test_match_finds_an_entity_by_any_name_in_any_width_or_case(project, label):
    aws = project.entities.create("Amazon Web Services", label("Product or service"),
                                  aliases=["AWS", "아마존웹서비스"])
    walmart = project.entities.create("Walmart", label("Organization"), aliases=["월마트"])
    assert project.entities.match("ＡＷＳ").id == aws.id
    assert project.entities.match("  amazon   web services ").id == aws.id
    assert project.entities.match("아마존웹서비스").id == aws.id
    assert project.entities.match("WALMART").id == walmart.id
    assert project.entities.match("월마트").id == walmart.id
    assert project.entities.match("Amazon") is None
    assert project.entities.match("   ") is None
    assert project.entities.match("Walmart", label=label("Person")) is None


def test_match_prefers_the_entity_mentioned_most_then_the_oldest(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    company = project.entities.create("Amazon", label("Organization"))
    river = project.entities.create("Amazon", label("Location"))
    assert project.entities.match("amazon").id == company.id  # a tie: the older one
    mention = project.annotations.add(doc, label("Location"), *_at(ARTICLE, "Amazon"))
    project.annotations.link_entity(mention.id, river.id)
    assert project.entities.match("amazon").id == river.id


def test_names_lists_every_name_and_alias(project, label):
    project.entities.create("Walmart", label("Organization"), aliases=["월마트", "Wal-Mart"])
    project.entities.create("Amazon Web Services", label("Product or service"), aliases=["AWS"])
    assert project.entities.names() == ["Amazon Web Services", "AWS", "Wal-Mart", "Walmart", "월마트"]


# -- creating and editing --------------------------------------------------------------------


def test_create_stores_name_type_aliases_and_identifier(project, label):
    entity = undo_restores_exactly(
        project, project.entities.create, " Amazon  Web Services ", label("Product or service"),
        aliases=["AWS", "", "aws", "아마존웹서비스"], external_id=" Q456157 ",
    )
    assert project.entities.all() == []  # undone
    entity = project.entities.create("Amazon Web Services", label("Product or service"),
                                     aliases=["AWS", "", "aws", "아마존웹서비스"], external_id=" Q456157 ")
    assert (entity.name, entity.label_id, entity.external_id) == (
        "Amazon Web Services", label("Product or service").id, "Q456157")
    assert entity.aliases == ("AWS", "아마존웹서비스")  # blanks and a second spelling of AWS dropped
    assert entity.created_at
    assert project.entities.get(entity.id) == entity


def test_create_refuses_an_empty_name_and_a_non_entity_type(project, label):
    refused_and_unchanged(project, project.entities.create, "  ", label("Organization"), match="needs a name")
    refused_and_unchanged(project, project.entities.create, "Walmart", label("Claim"),
                          match="claim label; an entity's type is one of: Person, Organization")


def test_a_name_of_one_entity_cannot_name_another_of_the_same_type(project, label):
    project.entities.create("Walmart", label("Organization"), aliases=["월마트"])
    refused_and_unchanged(project, project.entities.create, "WALMART", label("Organization"),
                          match="‘WALMART’ is already a name of the Organization ‘Walmart’")
    refused_and_unchanged(project, project.entities.create, "Walmart Inc.", label("Organization"),
                          aliases=["월마트"], match="‘월마트’ is already a name of the Organization ‘Walmart’")
    # Another type may share the name: a person called Walmart is someone else.
    assert project.entities.create("Walmart", label("Person")).name == "Walmart"


def test_rename_type_identifier_and_memo_are_each_undoable(project, label):
    entity = project.entities.create("Amazon.com", label("Organization"), aliases=["Amazon"])
    renamed = undo_restores_exactly(project, project.entities.rename, entity.id, "Amazon")
    assert (renamed.name, renamed.aliases) == ("Amazon", ())  # the alias it now spells out goes
    undo_restores_exactly(project, project.entities.set_type, entity.id, label("Product or service"))
    undo_restores_exactly(project, project.entities.set_external_id, entity.id, "Q3884")
    undo_restores_exactly(project, project.entities.set_memo, entity.id, "The retailer, not the river.")
    project.entities.set_memo(entity.id, "The retailer, not the river.")
    project.entities.set_external_id(entity.id, " Q3884 ")
    project.entities.set_type(entity.id, label("Product or service"))
    got = project.entities.get(entity.id)
    assert (got.memo, got.external_id, got.label_id) == (
        "The retailer, not the river.", "Q3884", label("Product or service").id)


def test_rename_and_retype_refuse_a_name_taken_in_that_type(project, label):
    walmart = project.entities.create("Walmart", label("Organization"))
    person = project.entities.create("Sam Walton", label("Person"), aliases=["Walmart"])
    refused_and_unchanged(project, project.entities.rename, walmart.id, " ", match="cannot be empty")
    other = project.entities.create("Wal-Mart Stores", label("Organization"))
    refused_and_unchanged(project, project.entities.rename, other.id, "walmart",
                          match="already a name of the Organization ‘Walmart’")
    refused_and_unchanged(project, project.entities.set_type, person.id, label("Organization"),
                          match="‘Walmart’ is already a name of the Organization ‘Walmart’")
    refused_and_unchanged(project, project.entities.set_type, walmart.id, label("Quote"), match="a claim label")


def test_aliases_are_added_and_removed_in_any_language(project, label):
    walmart = project.entities.create("Walmart", label("Organization"))
    got = undo_restores_exactly(project, project.entities.add_alias, walmart.id, " 월마트 ")
    assert got.aliases == ("월마트",)
    project.entities.add_alias(walmart.id, "월마트")
    assert project.entities.add_alias(walmart.id, "ＷＡＬＭＡＲＴ").aliases == ("월마트",)  # already its name
    undo_restores_exactly(project, project.entities.remove_alias, walmart.id, "월마트")
    refused_and_unchanged(project, project.entities.add_alias, walmart.id, "", match="cannot be empty")
    refused_and_unchanged(project, project.entities.remove_alias, walmart.id, "Wally",
                          match="‘Wally’ is not an alias of Walmart")
    project.entities.create("Amazon", label("Organization"))
    refused_and_unchanged(project, project.entities.add_alias, walmart.id, "amazon",
                          match="already a name of the Organization ‘Amazon’")


def test_acting_on_a_missing_entity_says_so(project):
    refused_and_unchanged(project, project.entities.rename, 99, "X", match="There is no entity 99")
    with pytest.raises(KeyError):
        project.entities.get(99)


# -- mentions, tagging and auto-linking ------------------------------------------------------


def test_tagging_a_known_name_links_the_span_and_lists_it_with_context(project, doc_factory, label):
    walmart = project.entities.create("Walmart", label("Organization"), aliases=["월마트"])
    english, korean = doc_factory(ARTICLE, title="Suppliers"), doc_factory(KOREAN, title="요청")
    spans = [(english, *_at(ARTICLE, "Walmart", 1)), (english, *_at(ARTICLE, "Walmart")),
             (korean, *_at(KOREAN, "월마트"))]
    for doc, start, end in spans:
        tag = project.annotations.add(doc, label("Organization"), start, end)
        assert project.entities.link_new_annotation(tag).id == walmart.id
    mentions = project.entities.mentions(walmart.id)
    assert [(m.document_title, m.start, m.text) for m in mentions] == [
        ("Suppliers", 0, "Walmart"), ("Suppliers", 37, "Walmart"), ("요청", 0, "월마트")]
    assert mentions[0].context == ARTICLE
    assert project.entities.all() == [EntitySummary(walmart.id, "Walmart", label("Organization").id, 3, 2)]


def test_link_new_annotation_only_links_unlinked_entity_spans_of_the_same_type(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    project.entities.create("Walmart", label("Organization"))
    as_person = project.annotations.add(doc, label("Person"), *_at(ARTICLE, "Walmart"))
    assert project.entities.link_new_annotation(as_person) is None
    claim = project.annotations.add(doc, label("Claim"), *_at(ARTICLE, "Walmart told"))
    assert project.entities.link_new_annotation(claim) is None
    unknown = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "AWS"))
    assert project.entities.link_new_annotation(unknown) is None
    assert [a.entity_id for a in project.annotations.for_document(doc)] == [None, None, None]


def test_a_new_name_links_spans_already_tagged_with_it(project, doc_factory, label):
    doc = doc_factory(KOREAN)
    tag = project.annotations.add(doc, label("Organization"), *_at(KOREAN, "월마트"))
    walmart = project.entities.create("Walmart", label("Organization"))
    assert project.annotations.get(tag.id).entity_id is None
    undo_restores_exactly(project, project.entities.add_alias, walmart.id, "월마트")
    project.entities.add_alias(walmart.id, "월마트")
    assert project.annotations.get(tag.id).entity_id == walmart.id


def test_context_is_the_line_cut_around_the_span():
    long_line = "word " * 60 + "Walmart" + " word" * 60
    start, end = _at(long_line, "Walmart")
    context = context_line("Title\n" + long_line + "\nNext", start + 6, end + 6)
    assert context.startswith("…") and context.endswith("…") and "Walmart" in context
    assert len(context) <= 122
    assert context_line("Title\nShort line with Walmart.\nNext", 22, 29) == "Short line with Walmart."


def test_find_mentions_reports_original_offsets_across_width_case_and_emoji(project, doc_factory, label):
    text = "🚀 ＡＷＳ launched; Ｗａｌｍａｒｔ left AWS. straße 🇺🇸 Walmart—and WALMART’s staff. Walmartian AWSome"
    doc = doc_factory(text)
    walmart = project.entities.create("Walmart", label("Organization"))
    aws = project.entities.create("AWS", label("Product or service"))
    street = project.entities.create("Strasse", label("Location"))
    found = {entity.name: project.entities.find_mentions(entity.id, doc) for entity in (walmart, aws, street)}
    for candidates in found.values():
        for c in candidates:
            assert text[c.start:c.end] == c.text
    assert [c.text for c in found["Walmart"]] == ["Ｗａｌｍａｒｔ", "Walmart", "WALMART"]
    assert [c.text for c in found["AWS"]] == ["ＡＷＳ", "AWS"]
    assert [c.text for c in found["Strasse"]] == ["straße"]


def test_folding_in_runs_agrees_with_folding_one_character_cluster_at_a_time():
    """The fast path for plain ASCII and Hangul must map offsets exactly as the careful path does."""
    import random
    import unicodedata

    from annotator.core.entities.mentions import folded_with_origins

    def careful(text):
        folded, starts, ends, i = "", [], [], 0
        while i < len(text):
            j = i + 1
            while j < len(text) and (unicodedata.category(text[j]).startswith("M") or "\u1160" <= text[j] <= "\u11ff"):
                j += 1
            piece = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text[i:j]).casefold())
            if piece.isspace() and folded.endswith(" ") and ends[-1] == i:
                ends[-1] = j
            elif piece.isspace():
                folded, starts, ends = folded + " ", starts + [i], ends + [j]
            else:
                folded, starts, ends = folded + piece, starts + [i] * len(piece), ends + [j] * len(piece)
            i = j
        return folded, starts, ends

    alphabet = list("aZ  ß\u0301e\t\n월마트가\u1161\u11a8ＡＷＳﬁ🚀\u00a0\u3000İ.,-’\u200d\u0308\ufe0f")
    rng = random.Random(7)
    samples = ["Straße  und\tＡＷＳ 🇺🇸 Walmart’s", "e\u0301 cafe\u0301 월마트가\n\n아마존"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(3000)]
    for text in samples:
        assert folded_with_origins(text) == careful(text), text


def test_find_mentions_takes_a_korean_noun_without_its_particle(project, doc_factory, label):
    doc = doc_factory(KOREAN)
    walmart = project.entities.create("월마트", label("Organization"))
    found = project.entities.find_mentions(walmart.id, doc)
    second = KOREAN.index("월마트의")
    assert [(c.start, c.end, c.text) for c in found] == [(0, 3, "월마트"), (second, second + 3, "월마트")]
    assert all(KOREAN[c.start - 1:c.start] != "반" for c in found)


def test_find_mentions_prefers_the_longest_name_and_marks_tagged_spans(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    other = doc_factory("Amazon Web Services, Inc. is a subsidiary.")
    aws = project.entities.create("Amazon Web Services", label("Product or service"), aliases=["AWS", "Amazon"])
    project.annotations.add(doc, label("Product or service"), *_at(ARTICLE, "AWS"))
    found = project.entities.find_mentions(aws.id, doc)
    assert [(c.text, c.tagged) for c in found] == [("AWS", True), ("Amazon Web Services", False)]
    corpus = project.entities.find_mentions(aws.id)
    assert [(c.document_id, c.text) for c in corpus] == [
        (doc, "AWS"), (doc, "Amazon Web Services"), (other, "Amazon Web Services")]
    refused_and_unchanged(project, project.entities.find_mentions, aws.id, 999, match="no document 999")


def test_tag_mentions_tags_the_untagged_candidates_in_one_undoable_edit(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    korean = doc_factory(KOREAN)
    walmart = project.entities.create("Walmart", label("Organization"), aliases=["월마트"])
    project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    candidates = project.entities.find_mentions(walmart.id)
    assert [c.tagged for c in candidates] == [True, False, False, False]
    before = dump(project)
    added, changeset = project.store.edit(project.entities.tag_mentions, walmart.id, candidates + candidates[1:2])
    assert [(a.document_id, a.text, a.entity_id, a.label_id) for a in added] == [
        (doc, "Walmart", walmart.id, label("Organization").id),
        (korean, "월마트", walmart.id, label("Organization").id),
        (korean, "월마트", walmart.id, label("Organization").id),
    ]
    assert project.entities.all()[0].mention_count == 3  # the span tagged before stays unlinked
    project.store.undo(changeset)
    assert dump(project) == before


def test_tag_mentions_with_another_label_and_refusing_a_non_entity_label(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    aws = project.entities.create("AWS", label("Product or service"))
    candidates = project.entities.find_mentions(aws.id, doc)
    refused_and_unchanged(project, project.entities.tag_mentions, aws.id, candidates, label("Claim"),
                          match="a claim label")
    added = project.entities.tag_mentions(aws.id, candidates, label("Organization"))
    assert [(a.text, a.label_id) for a in added] == [("AWS", label("Organization").id)]
    assert project.entities.tag_mentions(aws.id, [Candidate(doc, "", *_at(ARTICLE, "AWS"), "AWS", "", False)]) == []


# -- usage, merge, split, delete ------------------------------------------------------------


def _claim_and_stances(project, doc, label, entity_id):
    claim = project.annotations.add(doc, label("Claim"), *_at(ARTICLE, "Walmart told suppliers"))
    project.annotations.set_role(claim.id, "source", entity_id=entity_id)
    stance = project.annotations.add(doc, label("Against"), *_at(ARTICLE, "said little"), target="them")
    project.annotations.set_role(stance.id, "target", entity_id=entity_id)
    project.annotations.set_role(stance.id, "holder", entity_id=entity_id)
    return claim, stance


def test_usage_lists_mentions_and_roles(project, doc_factory, label):
    doc = doc_factory(ARTICLE, title="Suppliers")
    walmart = project.entities.create("Walmart", label("Organization"))
    mention = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    project.entities.link_new_annotation(mention)
    claim, stance = _claim_and_stances(project, doc, label, walmart.id)
    usage = project.entities.usage(walmart.id)
    assert [u.annotation_id for u in usage.mentions] == [mention.id]
    assert ([u.annotation_id for u in usage.sources], [u.annotation_id for u in usage.targets],
            [u.annotation_id for u in usage.holders]) == ([claim.id], [stance.id], [stance.id])
    assert usage.sources[0].document_title == "Suppliers"


def test_merge_moves_mentions_roles_aliases_and_memo(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    walmart = project.entities.create("Walmart", label("Organization"), aliases=["월마트"])
    project.entities.set_memo(walmart.id, "US retailer.")
    inc = project.entities.create("Walmart Inc.", label("Organization"), aliases=["WMT", "Wal-Mart"],
                                  external_id="Q483551")
    project.entities.set_memo(inc.id, "Ticker WMT.")
    mention = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    project.annotations.link_entity(mention.id, inc.id)
    claim, stance = _claim_and_stances(project, doc, label, inc.id)

    merged = undo_restores_exactly(project, project.entities.merge, walmart.id, inc.id)
    assert project.entities.get(inc.id).name == "Walmart Inc."  # undone
    merged = project.entities.merge(walmart.id, inc.id)
    assert merged.aliases == ("월마트", "Walmart Inc.", "WMT", "Wal-Mart")
    assert (merged.memo, merged.external_id) == ("US retailer.\n\nTicker WMT.", "Q483551")
    assert [m.annotation_id for m in project.entities.mentions(walmart.id)] == [mention.id]
    got_claim, got_stance = project.annotations.get(claim.id), project.annotations.get(stance.id)
    assert got_claim.source_entity_id == got_stance.target_entity_id == got_stance.holder_entity_id == walmart.id
    assert [s.id for s in project.entities.all()] == [walmart.id]
    with pytest.raises(KeyError):
        project.entities.get(inc.id)


def test_merge_refuses_one_entity_and_a_name_clash_with_a_third(project, label):
    walmart = project.entities.create("Walmart", label("Organization"))
    refused_and_unchanged(project, project.entities.merge, walmart.id, walmart.id, match="two different")
    sam = project.entities.create("Sam's Club", label("Person"), aliases=["Sam"])
    project.entities.create("Sam", label("Organization"))
    refused_and_unchanged(project, project.entities.merge, walmart.id, sam.id,
                          match="‘Sam’ is already a name of the Organization ‘Sam’")


def test_split_mention_gives_one_mention_an_entity_of_its_own(project, doc_factory, label):
    text = "Amazon sells online. The Amazon floods each year. Amazon hires."
    doc = doc_factory(text)
    amazon = project.entities.create("Amazon", label("Organization"))
    tags = [project.annotations.add(doc, label("Organization"), *_at(text, "Amazon", n)) for n in range(3)]
    for tag in tags:
        project.entities.link_new_annotation(tag)
    refused_and_unchanged(project, project.entities.split_mention, tags[1].id,
                          match="‘Amazon’ is already a name of the Organization ‘Amazon’")
    river = undo_restores_exactly(project, project.entities.split_mention, tags[1].id, "Amazon (river)")
    river = project.entities.split_mention(tags[1].id, "Amazon (river)")
    assert (river.name, river.label_id) == ("Amazon (river)", label("Organization").id)
    assert [m.annotation_id for m in project.entities.mentions(river.id)] == [tags[1].id]
    assert [m.annotation_id for m in project.entities.mentions(amazon.id)] == [tags[0].id, tags[2].id]
    claim = project.annotations.add(doc, label("Claim"), *_at(text, "Amazon hires."))
    refused_and_unchanged(project, project.entities.split_mention, claim.id, match="Only entity spans")


def test_split_of_an_unlinked_span_creates_the_entity_for_it_and_its_twins(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    first = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    second = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart", 1))
    walmart = project.entities.split_mention(first.id)
    assert (walmart.name, walmart.label_id) == ("Walmart", label("Organization").id)
    assert [m.annotation_id for m in project.entities.mentions(walmart.id)] == [first.id, second.id]


def test_delete_refuses_an_entity_used_in_roles_and_says_where(project, doc_factory, label):
    doc = doc_factory(ARTICLE, title="Suppliers")
    walmart = project.entities.create("Walmart", label("Organization"))
    _claim_and_stances(project, doc, label, walmart.id)
    refused_and_unchanged(
        project, project.entities.delete, walmart.id,
        match="Walmart is the source of 1 claim, the target of 1 stance and the holder of 1 stance "
              "\\(in ‘Suppliers’\\). Choose an entity to reassign these to",
    )
    refused_and_unchanged(project, project.entities.delete, walmart.id, reassign_to=walmart.id,
                          match="Choose another entity")
    refused_and_unchanged(project, project.entities.delete, walmart.id, reassign_to=77, match="no entity 77")


def test_delete_with_reassign_moves_every_link(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    walmart = project.entities.create("Walmart", label("Organization"), aliases=["월마트"])
    retailer = project.entities.create("Walmart Inc.", label("Organization"))
    mention = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    project.entities.link_new_annotation(mention)
    claim, stance = _claim_and_stances(project, doc, label, walmart.id)
    undo_restores_exactly(project, project.entities.delete, walmart.id, reassign_to=retailer.id)
    project.entities.delete(walmart.id, reassign_to=retailer.id)
    assert project.annotations.get(mention.id).entity_id == retailer.id
    assert project.annotations.get(claim.id).source_entity_id == retailer.id
    assert project.annotations.get(stance.id).holder_entity_id == retailer.id
    assert [e.name for e in project.entities.all()] == ["Walmart Inc."]
    assert project.entities.match("월마트") is None  # the aliases went with it


def test_delete_of_an_entity_only_mentioned_unlinks_its_mentions(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    walmart = project.entities.create("Walmart", label("Organization"))
    mention = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    project.entities.link_new_annotation(mention)
    undo_restores_exactly(project, project.entities.delete, walmart.id)
    project.entities.delete(walmart.id)
    assert project.annotations.get(mention.id).entity_id is None
    assert project.annotations.get(mention.id).text == "Walmart"  # the tag itself stays
    assert project.entities.all() == []


# -- what a fresh tag offers to create (issue 11, item 4) -------------------------------------


def test_an_exact_tag_with_a_korean_particle_offers_and_links_the_name_without_it(project, doc_factory, label):
    from annotator.core.entities.mentions import name_in_span

    assert [name_in_span(t) for t in ("월마트가", "아마존웹서비스를", "AWS는", " Amazon  Web\nServices ", "주가")] == [
        "월마트", "아마존웹서비스", "AWS", "Amazon Web Services", "주가"]  # 주가 (a stock price) is one word
    doc = doc_factory(KOREAN)
    exact = project.annotations.add(doc, label("Organization"), *_at(KOREAN, "월마트가"))
    assert exact.text == "월마트가"
    assert project.entities.offer_for(exact) == "월마트"
    walmart = project.entities.split_mention(exact.id, project.entities.offer_for(exact))
    assert walmart.name == "월마트"
    again = project.annotations.add(doc, label("Organization"), *_at(KOREAN, "월마트의"))
    assert project.entities.link_new_annotation(again).id == walmart.id  # 월마트의 names 월마트 too


def test_values_and_known_names_offer_nothing(project, doc_factory, label):
    doc = doc_factory("Walmart said on 3 May that 5% of suppliers left.")
    date = project.annotations.add(doc, label("Date"), 16, 21)
    figure = project.annotations.add(doc, label("Figure"), 27, 29)
    claim = project.annotations.add(doc, label("Claim"), 0, 21)
    assert [project.entities.offer_for(a) for a in (date, figure, claim)] == [None, None, None]
    assert not project.entities.is_registry_type(label("Date"))
    assert project.entities.is_registry_type(label("Organization"))
    walmart = project.annotations.add(doc, label("Organization"), 0, 7)
    assert project.entities.offer_for(walmart) == "Walmart"
    project.entities.create("Walmart", label("Organization"))
    assert project.entities.offer_for(walmart) is None
