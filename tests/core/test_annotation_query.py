"""The corpus-wide annotation table's queries, checked against a plain Python filter and sort."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from annotator.core.coding import annotation_choices as choices
from annotator.core.coding import annotation_query as q
from annotator.core.coding.annotation_query import AnnotationFilter, AnnotationRow
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LAYERS
from annotator.core.store.database import Change
from tests.support import dump_connection

pytestmark = pytest.mark.both_engines

F = AnnotationFilter

DOCS = [
    ("Walmart story", "Amazon sued Walmart in Seattle. Walmart called the claim baseless, said Kim Ji-ho."),
    ("한국 기사", "월마트가 아마존을 비판했다. Die Straße in München wurde gesperrt; l'École ferme."),
    ("Cafe story", "Café owners said prices rose 5% in May. AMAZON denied it.\nWalmart agreed."),
]


def _span(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


@pytest.fixture
def corpus(project, label, monkeypatch):
    """Three documents with spans, whole-document stances, role links, attributes and notes,
    made by two annotators at stamps that sometimes tie."""
    stamps = itertools.cycle(["2024-05-01T09:00:00+00:00", "2024-05-01T09:00:00+00:00",
                              "2024-04-30T08:00:00+00:00", "2024-05-02T10:00:00+00:00"])
    monkeypatch.setattr("annotator.core.coding.annotations.now", lambda: next(stamps))
    docs = [project.documents.add(title=title, text=text) for title, text in DOCS]
    texts = [text for _title, text in DOCS]
    conn = project.store.conn
    with project.store.write(undoable=False) as db:
        group = db.execute("INSERT INTO labels(name, layer, key, color, is_group, sort_order) "
                           "VALUES ('Actors in test', 'entity', NULL, '#777777', 1, 99)").lastrowid
        db.execute("UPDATE labels SET parent_id = ? WHERE name IN ('Person', 'Organization')", (group,))
        entity = {}
        for name, label_name in (("Amazon", "Organization"), ("Walmart Inc.", "Organization"),
                                 ("Kim Ji-ho", "Person")):
            entity[name] = db.execute(
                "INSERT INTO entities(name, folded, label_id, created_at) VALUES (?, ?, ?, '2024-01-01')",
                (name, name.casefold(), label(label_name).id)).lastrowid
        attribute = {}
        for label_name, name, order in (("Claim", "fact check", 0), ("Quote", "Fact Check", 0),
                                        ("Against", "strength", 1)):
            attribute[(label_name, name.casefold())] = db.execute(
                "INSERT INTO label_attributes(label_id, name, kind, choices, sort_order) VALUES (?, ?, 'text', '[]', ?)",
                (label(label_name).id, name, order)).lastrowid
        project.store.notify(Change("codebook_changed"))
    a = project.annotations
    made = {}

    def tag(key, doc, label_name, piece=None, nth=0, **kw):
        span = _span(texts[doc], piece, nth) if piece else (None, None)
        made[key] = a.add(docs[doc], label(label_name), *span, **kw).id

    a.annotator = "kim"
    tag("amazon", 0, "Organization", "Amazon")
    tag("walmart1", 0, "Organization", "Walmart")
    tag("walmart2", 0, "Organization", "Walmart", 1)
    tag("seattle", 0, "Location", "Seattle")
    tag("claim", 0, "Claim", "Walmart called the claim baseless", note="Check the FILING")
    tag("kim", 0, "Person", "Kim Ji-ho")
    tag("against0", 0, "Against", target="Amazon", note="whole article")
    a.annotator = "Lee"
    tag("wolmart", 1, "Organization", "월마트")
    tag("amajon", 1, "Organization", "아마존")
    tag("strasse", 1, "Location", "Straße")
    tag("ecole", 1, "Location", "l'École")
    tag("quote", 1, "Quote", "월마트가 아마존을 비판했다.")
    tag("favor1", 1, "Favor", "Die Straße in München wurde gesperrt", target="die Stadt")
    a.annotator = "ann"
    tag("cafe", 2, "Claim", "Café owners said prices rose 5% in May.")
    tag("figure", 2, "Figure", "5%")
    tag("amazon2", 2, "Organization", "AMAZON")
    tag("against2", 2, "Against", "AMAZON denied it.", target="prices")
    tag("neutral2", 2, "Neutral", target="Walmart")
    tag("walmart3", 2, "Organization", "Walmart")
    # Roles and links, through the core as the GUI would make them.
    a.link_entity(made["amazon"], entity["Amazon"])
    a.link_entity(made["amazon2"], entity["Amazon"])
    a.link_entity(made["walmart1"], entity["Walmart Inc."])
    a.link_entity(made["kim"], entity["Kim Ji-ho"])
    a.set_role(made["claim"], "source", entity_id=entity["Kim Ji-ho"])
    a.set_role(made["cafe"], "source", text="café owners")
    a.set_role(made["quote"], "source", entity_id=entity["Walmart Inc."])
    a.set_role(made["against0"], "target", entity_id=entity["Amazon"])
    a.set_role(made["against2"], "holder", entity_id=entity["Walmart Inc."])
    a.set_role(made["favor1"], "holder", text="Residents")
    with project.store.write(undoable=False) as db:
        for key, attr, value in (("claim", ("Claim", "fact check"), "False"),
                                 ("cafe", ("Claim", "fact check"), "accurate"),
                                 ("quote", ("Quote", "fact check"), "false"),
                                 ("against2", ("Against", "strength"), "3"),
                                 ("against0", ("Against", "strength"), " ")):
            db.execute("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)",
                       (made[key], attribute[attr], value))
    assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == len(made)
    return {"docs": docs, "ids": made, "entity": entity, "group": group, "attribute": attribute}


# -- the reference: every annotation read plainly, filtered and sorted in Python ----------------


def reference_rows(project) -> list[AnnotationRow]:
    conn = project.store.conn
    names = dict(conn.execute("SELECT id, name FROM entities"))
    titles = dict(conn.execute("SELECT id, title FROM documents"))
    values: dict[int, dict[str, str]] = {}
    for annotation_id, name, value in conn.execute(
        "SELECT v.annotation_id, la.name, v.value FROM annotation_values v "
        "JOIN label_attributes la ON la.id = v.attribute_id ORDER BY la.sort_order, la.id"
    ):
        values.setdefault(annotation_id, {})[name] = value

    def role(entity_id, text):
        return names[entity_id] if entity_id is not None else text

    rows = []
    for a in project.annotations.iter_all():
        label = project.codebook.label(a.label_id)
        rows.append(AnnotationRow(
            a.id, a.document_id, titles[a.document_id], label.layer, label.name, label.color, a.start, a.end,
            a.text, role(a.target_entity_id, a.target), role(a.source_entity_id, a.source),
            role(a.holder_entity_id, a.holder), names.get(a.entity_id), values.get(a.id, {}), a.note,
            a.annotator, a.created_at, a.updated_at,
        ))
    return rows


def _nocase(text: str) -> str:
    """SQLite's NOCASE: ASCII letters fold, nothing else does."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _fold(text: str | None) -> str:
    """As the registry compares names: NFKC, casefold, NFKC again, spacing collapsed."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").casefold())
    return " ".join(folded.split())


def _document_key(r: AnnotationRow) -> tuple:
    return (r.document_id, r.start is not None, r.start or 0, -(r.end or 0), r.id)


def _label_sort(project, r: AnnotationRow) -> tuple:
    label = next(lab for lab in project.codebook.labels() if lab.name == r.label_name)
    return (_nocase(r.label_name), label.id)


def reference_order(project, rows: list[AnnotationRow], sort: str, descending: bool) -> list[int]:
    keys = {
        "document": _document_key,
        "start": lambda r: (r.start is not None, r.start or 0, -(r.end or 0), r.document_id, r.id),
        "label": lambda r: (*_label_sort(project, r), *_document_key(r)),
        "layer": lambda r: (LAYERS.index(r.layer), *_label_sort(project, r), *_document_key(r)),
        "text": lambda r: (_nocase(r.text), *_document_key(r)),
        "target": lambda r: (_nocase(r.role_text), *_document_key(r)),
        "annotator": lambda r: (_nocase(r.annotator), *_document_key(r)),
        "created_at": lambda r: (r.created_at, r.id),
        "updated_at": lambda r: (r.updated_at, r.id),
    }
    return [r.id for r in sorted(rows, key=keys[sort], reverse=descending)]


def reference_filter(project, rows: list[AnnotationRow], flt: AnnotationFilter) -> list[AnnotationRow]:
    labels = {lab.id: lab for lab in project.codebook.labels()}

    def within(label_id: int, chosen: int) -> bool:
        while label_id is not None:
            if label_id == chosen:
                return True
            label_id = labels[label_id].parent_id
        return False

    conn = project.store.conn
    links = {row[0]: set(row[1:]) for row in conn.execute(
        "SELECT id, entity_id, source_entity_id, target_entity_id, holder_entity_id FROM annotations")}
    label_of = dict(conn.execute("SELECT id, label_id FROM annotations"))
    kept = []
    for r in rows:
        if flt.layer and r.layer != flt.layer:
            continue
        if flt.label_ids and not any(within(label_of[r.id], chosen) for chosen in flt.label_ids):
            continue
        if flt.document_id is not None and r.document_id != flt.document_id:
            continue
        if flt.entity_id is not None and flt.entity_id not in links[r.id]:
            continue
        needle = _fold(flt.text_contains)
        if needle and not any(needle in _fold(v) for v in (r.text, r.target, r.source, r.holder, r.note)):
            continue
        folded = {_fold(name): _fold(value) for name, value in r.attributes.items()}
        if any(_fold(name) not in folded or folded[_fold(name)] != _fold(value) if _fold(value)
               else not folded.get(_fold(name)) for name, value in flt.attributes):
            continue
        kept.append(r)
    return kept


def all_pages(project, flt: AnnotationFilter, sort: str, descending: bool, size: int) -> list[AnnotationRow]:
    rows: list[AnnotationRow] = []
    for offset in range(0, q.count(project, flt) + size, size):
        rows.extend(q.page(project, flt, sort=sort, descending=descending, offset=offset, limit=size))
    return rows


# -- sorting and paging ----------------------------------------------------------------------


@pytest.mark.parametrize("sort", q.SORTS)
def test_every_order_pages_through_exactly_as_a_python_sort(project, corpus, sort):
    rows = reference_rows(project)
    by_id = {r.id: r for r in rows}
    for descending in (False, True):
        paged = all_pages(project, F(), sort, descending, size=4)
        expected = reference_order(project, rows, sort, descending)
        assert [r.id for r in paged] == expected, (sort, descending)
        assert paged == [by_id[i] for i in expected]  # every column, not just the order
    assert q.count(project, F()) == len(rows) == 19


def test_document_order_reads_each_article_from_its_whole_document_stance_to_its_end(project, corpus):
    ids = corpus["ids"]
    first_doc = [r for r in q.page(project, F(), limit=100) if r.document_id == corpus["docs"][0]]
    assert [r.id for r in first_doc][:3] == [ids["against0"], ids["amazon"], ids["walmart1"]]
    assert first_doc[0].start is None and first_doc[0].text == ""
    # An outer span lists before the span nested at its start.
    claim_at = [r.id for r in first_doc].index(ids["claim"])
    assert [r.id for r in first_doc][claim_at + 1] == ids["walmart2"]


def test_rows_carry_what_the_table_shows(project, corpus):
    ids = corpus["ids"]
    row = {r.id: r for r in q.page(project, F(), limit=100)}
    claim = row[ids["claim"]]
    assert (claim.document_title, claim.layer, claim.label_name) == ("Walmart story", "claim", "Claim")
    assert (claim.source, claim.role_text, claim.note, claim.annotator) == ("Kim Ji-ho", "Kim Ji-ho", "Check the FILING", "kim")
    assert claim.attributes == {"fact check": "False"}
    assert row[ids["against0"]].target == "Amazon" and row[ids["against0"]].role_text == "Amazon"
    assert (row[ids["against2"]].target, row[ids["against2"]].holder) == ("prices", "Walmart Inc.")
    assert row[ids["against2"]].attributes == {"strength": "3"}
    assert row[ids["amazon"]].entity_name == "Amazon" and row[ids["amazon"]].role_text == "Amazon"
    assert row[ids["cafe"]].source == "café owners"
    assert row[ids["seattle"]].role_text == "" and row[ids["seattle"]].attributes == {}


def test_pages_past_the_end_are_empty_and_a_page_straddling_it_is_short(project, corpus):
    total = q.count(project, F())
    assert q.page(project, F(), offset=total, limit=10) == []
    assert q.page(project, F(), offset=total + 1000, limit=10) == []
    assert q.page(project, F(), sort="text", offset=total + 5, limit=10) == []
    assert len(q.page(project, F(), offset=total - 3, limit=10)) == 3
    assert len(q.page(project, F(), sort="created_at", descending=True, offset=total - 2, limit=10)) == 2
    assert q.page(project, F(), offset=0, limit=0) == []


def test_pages_of_one_order_neither_overlap_nor_skip_rows(project, corpus):
    for sort in ("document", "text", "annotator", "created_at"):
        pages = [q.page(project, F(), sort=sort, offset=o, limit=5) for o in range(0, 20, 5)]
        ids = [r.id for chunk in pages for r in chunk]
        assert len(ids) == len(set(ids)) == 19, sort


# -- filters -----------------------------------------------------------------------------------


def filters(corpus) -> list[AnnotationFilter]:
    entity, docs, group = corpus["entity"], corpus["docs"], corpus["group"]
    return [
        F(layer="entity"), F(layer="claim"), F(layer="stance"),
        F(label_ids=(group,)), F(layer="claim", label_ids=(group,)),
        F(entity_id=entity["Amazon"]), F(entity_id=entity["Walmart Inc."]), F(entity_id=entity["Kim Ji-ho"]),
        F(text_contains="walmart"), F(text_contains="WALMART inc"), F(text_contains="strasse"),
        F(text_contains="école"), F(text_contains="아마존"), F(text_contains="filing"), F(text_contains="  prices  "),
        F(text_contains="residents"), F(text_contains="no such words"),
        F(attributes=(("fact check", "false"),)), F(attributes=(("FACT CHECK", ""),)),
        F(attributes=(("strength", ""),)), F(attributes=(("fact check", "false"), ("fact check", "accurate"))),
        F(document_id=docs[1]), F(document_id=docs[2], layer="stance", text_contains="a"),
        F(layer="entity", entity_id=entity["Amazon"], text_contains="amazon", document_id=docs[2]),
    ]


def test_every_filter_keeps_exactly_what_a_python_filter_keeps(project, corpus):
    rows = reference_rows(project)
    for flt in filters(corpus):
        expected = reference_filter(project, rows, flt)
        assert q.count(project, flt) == len(expected), flt
        for sort in ("document", "text", "label"):
            got = all_pages(project, flt, sort, False, size=3)
            assert [r.id for r in got] == reference_order(project, expected, sort, False), (flt, sort)


def test_entity_filter_finds_mentions_sources_targets_and_holders(project, corpus):
    ids, entity = corpus["ids"], corpus["entity"]
    walmart = {r.id for r in q.page(project, F(entity_id=entity["Walmart Inc."]), limit=50)}
    assert walmart == {ids["walmart1"], ids["quote"], ids["against2"]}  # mention, source, holder
    amazon = {r.id for r in q.page(project, F(entity_id=entity["Amazon"]), limit=50)}
    assert amazon == {ids["amazon"], ids["amazon2"], ids["against0"]}  # mentions and a target


def test_text_filter_ignores_case_beyond_ascii_and_reads_role_names(project, corpus):
    ids = corpus["ids"]
    found = lambda text: {r.id for r in q.page(project, F(text_contains=text), limit=50)}  # noqa: E731
    assert found("STRASSE") == {ids["strasse"], ids["favor1"]}  # Straße folds to strasse
    assert found("l'école") == {ids["ecole"]}
    assert ids["claim"] in found("kim ji-ho")  # the claim's source is the entity Kim Ji-ho
    assert found("filing") == {ids["claim"]}  # notes count
    assert found("denied it. prices") == set()  # never across two fields (a text and its target)


def test_attribute_filter_matches_names_and_values_without_regard_to_case(project, corpus):
    ids = corpus["ids"]
    false = {r.id for r in q.page(project, F(attributes=(("Fact check", "FALSE"),)), limit=50)}
    assert false == {ids["claim"], ids["quote"]}  # two labels share the attribute's name
    anything = {r.id for r in q.page(project, F(attributes=(("strength", ""),)), limit=50)}
    assert anything == {ids["against2"]}  # a blank value is no value


def test_a_group_stands_for_the_labels_under_it(project, corpus, label):
    group = {r.id for r in q.page(project, F(label_ids=(corpus["group"],)), limit=50)}
    people_and_orgs = {r.id for r in q.page(project, F(label_ids=(label("Person").id, label("Organization").id)), limit=50)}
    assert group == people_and_orgs and len(group) == 8


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("flt, sort, message", [
    (F(layer="claims"), "document", "Unknown layer 'claims'"),
    (F(label_ids=(9999,)), "document", "There is no label 9999"),
    (F(entity_id=9999), "document", "There is no entity 9999"),
    (F(attributes=(("verdikt", "false"),)), "document", "attribute named 'verdikt'"),
    (F(attributes=(("  ", "false"),)), "document", "needs the attribute's name"),
    (F(), "colour", "Cannot sort the annotation table by 'colour'"),
])
def test_bad_filters_and_orders_say_what_is_wrong_and_change_nothing(project, corpus, flt, sort, message):
    before = dump_connection(project.store.conn)
    with pytest.raises(ProjectError, match=message):
        q.page(project, flt, sort=sort)
    if sort == "document":
        with pytest.raises(ProjectError, match=message):
            q.count(project, flt)
    assert dump_connection(project.store.conn) == before


def test_negative_or_huge_pages_are_refused(project, corpus):
    with pytest.raises(ProjectError, match="0 or more"):
        q.page(project, F(), offset=-1)
    with pytest.raises(ProjectError, match="at most"):
        q.page(project, F(), limit=q.MAX_PAGE + 1)


def test_reading_the_table_leaves_the_file_as_it_was(project, corpus):
    before = dump_connection(project.store.conn)
    for sort in q.SORTS:
        q.page(project, F(text_contains="a"), sort=sort, offset=2, limit=7)
    q.count(project, F(attributes=(("fact check", "false"),)))
    assert dump_connection(project.store.conn) == before


# -- never stale -------------------------------------------------------------------------------


def test_an_edit_and_its_undo_show_at_once_in_every_order(project, corpus, label):
    doc = corpus["docs"][0]
    before = {sort: [r.id for r in q.page(project, F(), sort=sort, limit=100)] for sort in ("document", "text")}
    assert q.count(project, F(text_contains="seattle")) == 1
    added, changeset = project.store.edit(project.annotations.add, doc, label("Location"), *_span(DOCS[0][1], "Seattle"))
    assert q.count(project, F()) == 20 and q.count(project, F(text_contains="seattle")) == 2
    for sort in ("document", "text"):
        assert added.id in [r.id for r in q.page(project, F(), sort=sort, limit=100)]
    project.store.undo(changeset)
    assert q.count(project, F()) == 19 and q.count(project, F(text_contains="seattle")) == 1
    assert {sort: [r.id for r in q.page(project, F(), sort=sort, limit=100)] for sort in before} == before


def test_a_write_from_another_connection_shows_too(project, corpus):
    assert q.count(project, F(text_contains="harbour")) == 0
    # A second connection to the same project (a job's, or on a server another client's).
    other = project.store.for_worker()
    try:
        label_id, doc_id = project.codebook.by_name("Claim").id, corpus["docs"][0]
        other.conn.execute("INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                           "created_at, updated_at) VALUES (?, ?, 0, 6, 'Amazon', 'harbour', 'x', 'a', 'a')",
                           (doc_id, label_id))
    finally:
        other.close()
    assert q.count(project, F(text_contains="harbour")) == 1
    assert [r.note for r in q.page(project, F(text_contains="harbour"), sort="text")] == ["harbour"]


# -- how pages are read -------------------------------------------------------------------------


@pytest.mark.sqlite_only("reads SQLite's query plan and statement trace")
def test_the_default_order_is_read_from_the_reading_order_index_without_a_sort(project, corpus):
    for descending in (False, True):
        plan = " | ".join(q.query_plan(project, F(), sort="document", descending=descending))
        assert "idx_annotations_document_id_span_start_span_end" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    # The same holds for one document's rows.
    plan = " | ".join(q.query_plan(project, F(document_id=corpus["docs"][0])))
    assert "idx_annotations_document_id_span_start_span_end" in plan and "TEMP B-TREE" not in plan


@pytest.mark.sqlite_only("reads SQLite's query plan and statement trace")
def test_a_page_in_reading_order_reads_only_its_rows(project, corpus):
    everything = [r.id for r in q.page(project, F(), limit=100)]
    statements: list[str] = []
    project.store.conn.set_trace_callback(statements.append)
    try:
        early = q.page(project, F(), offset=5, limit=3)
        late = q.page(project, F(), offset=15, limit=3)  # past the middle of 19 rows
    finally:
        project.store.conn.set_trace_callback(None)
    assert [r.id for r in early] == everything[5:8] and [r.id for r in late] == everything[15:18]
    id_queries = [s for s in statements if s.startswith("SELECT a.id FROM annotations")]
    assert len(id_queries) == 2 and "LIMIT 3 OFFSET 5" in id_queries[0]
    # The late page is read from the far end: the reverse order, stepping over the single row after it.
    assert "a.document_id DESC" in id_queries[1] and "LIMIT 3 OFFSET 1" in id_queries[1]
    detail = [s for s in statements if s.startswith("SELECT a.id, a.document_id")]
    assert len(detail) == 2 and detail[0].count(",", detail[0].index("IN (")) == 2  # three ids asked for


def test_pages_read_from_either_end_are_the_rows_of_one_order(project, corpus, label):
    group = corpus["group"]
    for flt in (F(), F(label_ids=(label("Organization").id,)), F(layer="entity"), F(label_ids=(group,)),
                F(layer="stance", entity_id=corpus["entity"]["Amazon"]), F(attributes=(("fact check", ""),))):
        for descending in (False, True):
            whole = [r.id for r in q.page(project, flt, descending=descending, limit=100)]
            assert q.count(project, flt) == len(whole)
            for size in (1, 2, 3, 7):
                paged = [r.id for offset in range(0, len(whole) + size, size)
                         for r in q.page(project, flt, descending=descending, offset=offset, limit=size)]
                assert paged == whole, (flt, descending, size)
            assert whole == list(reversed([r.id for r in q.page(project, flt, descending=not descending, limit=100)]))


@pytest.mark.sqlite_only("reads SQLite's query plan and statement trace")
def test_one_label_or_a_layer_is_read_in_reading_order_from_the_label_index(project, corpus, label):
    for flt in (F(label_ids=(label("Organization").id,)), F(label_ids=(label("Claim").id,), entity_id=corpus["entity"]["Kim Ji-ho"])):
        for descending in (False, True):
            plan = " | ".join(q.query_plan(project, flt, descending=descending))
            assert "idx_annotations_label_id_document_id_span_start_span_end (label_id=?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
    # Several labels (a layer, a group): one arm per label, merged in order rather than sorted.
    for flt in (F(layer="entity"), F(label_ids=(corpus["group"],)), F(layer="claim", attributes=(("fact check", ""),))):
        plan = " | ".join(q.query_plan(project, flt))
        assert "MERGE (UNION ALL)" in plan and "TEMP B-TREE" not in plan, plan
        assert plan.count("idx_annotations_label_id_document_id_span_start_span_end") >= 2, plan


@pytest.mark.sqlite_only("SQLite walks its index from the far end; a shared project fetches an order's ids once")
def test_the_last_page_of_a_label_is_read_from_its_far_end(project, corpus, label):
    organization = F(label_ids=(label("Organization").id,))
    total = q.count(project, organization)
    whole = [r.id for r in q.page(project, organization, limit=100)]
    statements: list[str] = []
    project.store.conn.set_trace_callback(statements.append)
    try:
        last = q.page(project, organization, offset=total - 2, limit=200)
    finally:
        project.store.conn.set_trace_callback(None)
    assert [r.id for r in last] == whole[-2:] and total == 7
    [id_query] = [s for s in statements if s.startswith("SELECT a.id FROM annotations")]
    assert "a.document_id DESC" in id_query and id_query.endswith("LIMIT 2 OFFSET 0")
    assert not any(s.startswith("SELECT count(*)") for s in statements)  # counted once, when the filter was set


@pytest.mark.own_pg_server("a commit in any database on the server moves the snapshot that tells a "
                           "shared project's cached order it is stale; in a parallel run other workers commit")
def test_an_order_that_needs_a_sort_sorts_once_for_all_its_pages(project, corpus):
    statements: list[str] = []
    project.store.conn.set_trace_callback(statements.append)
    try:
        for offset in (0, 5, 10, 15, 0):
            q.page(project, F(), sort="text", offset=offset, limit=5)
        assert q.count(project, F()) == 19
    finally:
        project.store.conn.set_trace_callback(None)
    sorted_queries = [s for s in statements if s.startswith("SELECT a.id FROM annotations") and "ORDER BY" in s]
    assert len(sorted_queries) == 1
    assert not any(s.startswith("SELECT count(*)") for s in statements)


# -- choices for the filter bar ------------------------------------------------------------------


def test_filter_choices_list_entities_attribute_names_and_values(project, corpus):
    entity = corpus["entity"]
    assert choices.entity_choices(project) == [(entity["Amazon"], "Amazon"), (entity["Kim Ji-ho"], "Kim Ji-ho"),
                                         (entity["Walmart Inc."], "Walmart Inc.")]
    names = choices.attribute_names(project)
    assert "strength" in names and len([n for n in names if n.casefold() == "fact check"]) == 1
    assert choices.attribute_values(project, "FACT CHECK") == ["accurate", "False"]
    assert choices.attribute_values(project, "strength") == ["3"]  # blank values are not offered
