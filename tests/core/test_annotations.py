"""Annotations: adding, changing, deleting and restoring labels on spans and documents."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.core.common.errors import AnnotationError, ProjectError

pytestmark = pytest.mark.both_engines

ARTICLE = "Amazon sued Walmart in Seattle. Walmart called the claim baseless."


def _at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


# -- add / get / delete / undo ---------------------------------------------------------


def test_add_stores_span_text_label_note_and_author(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label("Organization"), *_at(ARTICLE, "Walmart"), note="defendant")
    assert (a.document_id, a.label_id, a.start, a.end) == (doc, label("Organization").id, 12, 19)
    assert (a.text, a.target, a.note) == ("Walmart", None, "defendant")
    assert a.annotator == project.annotations.annotator != ""
    assert a.created_at == a.updated_at != ""
    assert not a.is_document_level
    assert project.annotations.get(a.id) == a
    assert project.annotations.for_document(doc) == [a]


def test_delete_returns_the_annotation_and_removes_it(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label("Organization"), 0, 6)
    assert project.annotations.delete(a.id) == a
    assert project.annotations.for_document(doc) == []
    with pytest.raises(KeyError):
        project.annotations.get(a.id)


def test_undoing_a_delete_puts_back_the_same_id_and_timestamps(project, doc_factory, label, monkeypatch):
    doc = doc_factory(ARTICLE)
    monkeypatch.setattr("annotator.core.coding.annotations.now", lambda: "2024-05-06T07:08:09+00:00")
    a = project.annotations.add(doc, label("Against"), target="Walmart", note="tone")
    b = project.annotations.add(doc, label("Claim"), *_at(ARTICLE, "Walmart called the claim baseless."))
    monkeypatch.setattr("annotator.core.coding.annotations.now", lambda: "2025-12-31T23:59:59+00:00")
    _, deletion = project.store.edit(project.annotations.delete, a.id)
    project.store.undo(deletion)
    back = project.annotations.get(a.id)
    assert back == a
    assert back.created_at == back.updated_at == "2024-05-06T07:08:09+00:00"
    assert project.annotations.for_document(doc) == [a, b]
    # A later add never reuses a restored id.
    c = project.annotations.add(doc, label("Location"), *_at(ARTICLE, "Seattle"))
    assert c.id not in {a.id, b.id}


def test_undoing_a_delete_emits_an_added_event(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label("Organization"), 0, 6)
    _, deletion = project.store.edit(project.annotations.delete, a.id)
    kinds = []
    project.subscribe(lambda change: kinds.append((change.kind, change.document_id, change.annotation_id)))
    project.store.undo(deletion)
    assert kinds == [("annotation_added", doc, a.id)]


# -- update ------------------------------------------------------------------------------


def test_update_note_target_and_label_keep_the_span(project, doc_factory, label, monkeypatch):
    doc = doc_factory(ARTICLE)
    monkeypatch.setattr("annotator.core.coding.annotations.now", lambda: "2024-01-01T00:00:00+00:00")
    a = project.annotations.add(doc, label("Claim"), *_at(ARTICLE, "Amazon sued Walmart in Seattle."))
    monkeypatch.setattr("annotator.core.coding.annotations.now", lambda: "2024-02-02T00:00:00+00:00")

    b = project.annotations.update(a.id, note="checked against court records")
    assert b.note == "checked against court records"
    assert b.updated_at == "2024-02-02T00:00:00+00:00" and b.created_at == a.created_at

    c = project.annotations.update(a.id, target="  Walmart \n Inc. ")
    assert c.target == "Walmart Inc."  # white space collapsed
    assert c.note == b.note

    d = project.annotations.update(a.id, label=label("Quote"))
    assert d.label_id == label("Quote").id
    assert (d.start, d.end, d.text, d.target, d.note) == (a.start, a.end, a.text, c.target, b.note)

    e = project.annotations.update(a.id, target=None)
    assert e.target is None
    assert project.annotations.get(a.id) == e


def test_update_with_nothing_to_change_writes_nothing(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label("Organization"), 0, 6)
    events = []
    project.subscribe(events.append)
    assert project.annotations.update(a.id) == a
    assert project.annotations.update(a.id, label=label("Organization")) == a
    assert events == []


def test_document_level_stance_cannot_lose_its_target_or_become_a_span_label(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label("Favor"), target="Amazon")
    for bad in ({"target": None}, {"target": "   "}, {"label": label("Organization")}, {"label": label("Claim")}):
        with pytest.raises(AnnotationError):
            project.annotations.update(a.id, **bad)
    assert project.annotations.get(a.id) == a
    # Switching to another stance and renaming the target are fine.
    b = project.annotations.update(a.id, label=label("Mixed"), target="Amazon.com")
    assert (b.label_id, b.target) == (label("Mixed").id, "Amazon.com")


# -- order ---------------------------------------------------------------------------------


def test_for_document_lists_document_level_first_then_reading_order_outer_before_nested(
    project, doc_factory, label
):
    doc = doc_factory(ARTICLE)
    add = project.annotations.add
    nested = add(doc, label("Organization"), *_at(ARTICLE, "Walmart"))
    later = add(doc, label("Organization"), *_at(ARTICLE, "Walmart", nth=1))
    outer = add(doc, label("Claim"), *_at(ARTICLE, "Amazon sued Walmart in Seattle."))
    first_word = add(doc, label("Organization"), *_at(ARTICLE, "Amazon"))
    stance = add(doc, label("Against"), target="Walmart")
    place = add(doc, label("Location"), *_at(ARTICLE, "Seattle"))
    got = project.annotations.for_document(doc)
    assert [a.id for a in got] == [stance.id, outer.id, first_word.id, nested.id, place.id, later.id]
    assert [a.text for a in got] == [
        "", "Amazon sued Walmart in Seattle.", "Amazon", "Walmart", "Seattle", "Walmart"
    ]
    assert [a.id for a in project.annotations.iter_all()] == [a.id for a in got]


def test_iter_all_groups_by_document(project, doc_factory, label):
    d1, d2 = doc_factory("First text here."), doc_factory("Second text here.")
    a2 = project.annotations.add(d2, label("Date"), 0, 6)
    a1 = project.annotations.add(d1, label("Date"), 6, 10)
    s1 = project.annotations.add(d1, label("Neutral"), target="text")
    assert [a.id for a in project.annotations.iter_all()] == [s1.id, a1.id, a2.id]


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end",
    [(-1, 3), (0, len(ARTICLE) + 1), (len(ARTICLE), len(ARTICLE) + 2), (5, 5), (6, 2), (0, None), (None, 4)],
)
def test_bad_spans_are_refused_and_nothing_is_stored(project, doc_factory, label, start, end):
    doc = doc_factory(ARTICLE)
    events = []
    project.subscribe(events.append)
    with pytest.raises(AnnotationError):
        project.annotations.add(doc, label("Organization"), start, end)
    assert project.annotations.count() == 0
    assert events == []


def test_span_may_reach_the_last_character(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label("Claim"), 0, len(ARTICLE))
    assert a.text == ARTICLE


def test_unknown_document_is_refused(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    with pytest.raises(AnnotationError, match="no document"):
        project.annotations.add(doc + 1, label("Organization"), 0, 3)
    assert project.annotations.count() == 0


@pytest.mark.parametrize("name", ["Person", "Organization", "Date", "Claim", "Quote"])
def test_only_stance_labels_code_a_whole_document(project, doc_factory, label, name):
    doc = doc_factory(ARTICLE)
    with pytest.raises(AnnotationError, match="Only stance labels"):
        project.annotations.add(doc, label(name), target="Walmart")
    assert project.annotations.count() == 0


@pytest.mark.parametrize("target", [None, "", "  \n\t "])
def test_document_level_stance_needs_a_target(project, doc_factory, label, target):
    doc = doc_factory(ARTICLE)
    with pytest.raises(AnnotationError, match="needs a target"):
        project.annotations.add(doc, label("Favor"), target=target)
    assert project.annotations.count() == 0


@pytest.mark.parametrize("name", ["Favor", "Against", "Neutral", "Mixed"])
def test_document_level_stance_is_stored_without_span(project, doc_factory, label, name):
    doc = doc_factory(ARTICLE)
    a = project.annotations.add(doc, label(name), target=" Walmart ")
    assert a.is_document_level
    assert (a.start, a.end, a.text, a.target) == (None, None, "", "Walmart")


def test_stance_on_a_span_needs_a_target_too(project, doc_factory, label):
    doc = doc_factory(ARTICLE)
    with pytest.raises(AnnotationError, match="needs a target"):
        project.annotations.add(doc, label("Against"), *_at(ARTICLE, "baseless"))
    assert project.annotations.count() == 0
    a = project.annotations.add(doc, label("Against"), *_at(ARTICLE, "baseless"), target="Amazon")
    assert (a.text, a.target) == ("baseless", "Amazon")


# -- code points -----------------------------------------------------------------------------

# Korean, astral emoji (a ZWJ family and a flag), a combining accent, and conjoining jamo.
MIXED = (
    "🚀 월마트가 👩‍👩‍👧 Cafe\u0301에서 🇰🇷 \u1112\u1161\u11ab\u1100\u116e\u11a8 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 끝"
)


def test_span_text_is_the_code_point_slice_of_the_document(project, doc_factory, label):
    assert len(MIXED) != len(MIXED.encode("utf-16-le")) // 2  # astral characters present
    doc = doc_factory(MIXED)
    pieces = ["월마트", "👩‍👩‍👧", "Cafe\u0301", "🇰🇷", "\u1112\u1161\u11ab\u1100\u116e\u11a8", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "끝"]
    for piece in pieces:
        start, end = _at(MIXED, piece)
        a = project.annotations.add(doc, label("Organization"), start, end)
        assert a.text == MIXED[start:end] == piece
    # Not normalised: the combining accent stays two code points.
    cafe = next(a for a in project.annotations.for_document(doc) if a.text.startswith("Cafe"))
    assert cafe.text != unicodedata.normalize("NFC", cafe.text)
    # One code point at a time, across every astral character.
    doc2 = doc_factory(MIXED + " again")
    for i in range(len(MIXED)):
        if MIXED[i].isspace():
            continue
        assert project.annotations.add(doc2, label("Figure"), i, i + 1).text == MIXED[i]


def test_span_text_keeps_white_space_and_line_breaks_exactly(project, doc_factory, label):
    text = "Line one ends here.\r\n  Line two\tgoes on. "
    doc = doc_factory(text)
    a = project.annotations.add(doc, label("Claim"), 9, len(text))
    assert a.text == "ends here.\r\n  Line two\tgoes on. "


def test_sqlite_counts_code_points_like_python(project, doc_factory, label):
    """Stored spans mean the same in SQL (exports, other tools reading the file)."""
    doc = doc_factory(MIXED)
    for piece in ["🚀", "👩‍👩‍👧", "🇰🇷", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "끝"]:
        project.annotations.add(doc, label("Organization"), *_at(MIXED, piece))
    # Read through a connection of its own, as another tool would (on a server, another client).
    other = project.store.for_worker()
    try:
        assert other.conn.execute("SELECT length(text) FROM documents").fetchone()[0] == len(MIXED)
        rows = other.conn.execute(
            "SELECT a.text, substr(d.text, a.span_start + 1, a.span_end - a.span_start) "
            "FROM annotations a JOIN documents d ON d.id = a.document_id"
        ).fetchall()
    finally:
        other.close()
    assert len(rows) == 5
    assert all(stored == sliced for stored, sliced in rows)


def test_text_after_a_nul_character_can_be_tagged(project, doc_factory, label, engine):
    """SQLite's length() stops at NUL; spans are still checked against the whole text."""
    text = "Header\x00 Walmart sued Amazon."
    if engine == "postgresql":  # PostgreSQL's text has no NUL: the document is refused, saying so
        with pytest.raises(ProjectError, match=r"cannot store the NUL character \(U\+0000\).*nothing was changed"):
            doc_factory(text)
        assert project.documents.summaries() == []
        return
    doc = doc_factory(text)
    a = project.annotations.add(doc, label("Organization"), *_at(text, "Amazon"))
    assert a.text == "Amazon"


# -- targets ----------------------------------------------------------------------------------


def test_targets_are_entities_and_earlier_targets_without_case_duplicates(project, doc_factory, label):
    text = "Walmart and WALMART met walmart. Amazon, Kim  Ji-ho and a claim."
    doc = doc_factory(text)
    add = project.annotations.add
    add(doc, label("Organization"), *_at(text, "Walmart"))
    add(doc, label("Organization"), *_at(text, "WALMART"))
    add(doc, label("Organization"), *_at(text, "walmart"))
    add(doc, label("Person"), *_at(text, "Kim  Ji-ho"))
    add(doc, label("Claim"), *_at(text, "a claim"))  # not an entity: never a target
    add(doc, label("Favor"), target="amazon")
    add(doc, label("Against"), target="AMAZON")
    add(doc, label("Neutral"), target="Seoul City")
    targets = project.annotations.targets()
    assert sorted(t.casefold() for t in targets) == ["amazon", "kim ji-ho", "seoul city", "walmart"]
    assert "Kim Ji-ho" in targets  # white space collapsed
    assert targets == sorted(targets, key=str.casefold)


def test_targets_of_an_empty_project(project):
    assert project.annotations.targets() == []


# -- document list ----------------------------------------------------------------------------


def test_annotation_count_in_document_summaries_follows_deletes(project, doc_factory, label):
    d1, d2 = doc_factory(ARTICLE), doc_factory("Another article about Amazon.")
    a = project.annotations.add(d1, label("Organization"), 0, 6)
    b = project.annotations.add(d1, label("Against"), target="Amazon")
    project.annotations.add(d2, label("Organization"), 22, 28)
    assert [(s.id, s.annotation_count) for s in project.documents.summaries()] == [(d1, 2), (d2, 1)]
    _, deletion = project.store.edit(project.annotations.delete, a.id)
    assert [(s.id, s.annotation_count) for s in project.documents.summaries()] == [(d1, 1), (d2, 1)]
    project.annotations.delete(b.id)
    project.store.undo(deletion)
    assert [(s.id, s.annotation_count) for s in project.documents.summaries()] == [(d1, 1), (d2, 1)]


@pytest.mark.parametrize("sql", [
    "SELECT id FROM annotations WHERE document_id = 1 ORDER BY span_start, span_end DESC, id",
    "SELECT id FROM annotations ORDER BY document_id, span_start, span_end DESC, id",
])
def test_reading_order_comes_from_the_index_without_a_sort(project, sql):
    """Listing a document and exporting a project stay fast at archive scale: no temp B-tree."""
    conn = project.store.conn
    if project.store.engine == "postgresql":
        from annotator.core.store.pg.dialect import translate

        # The server's index keeps SQLite's NULL order, so it hands rows over in reading order;
        # only the id among equal spans is left to sort. (Costs off: an empty table plans anyhow.)
        conn.execute_native("SET enable_seqscan = off")
        conn.execute_native("SET enable_sort = off")
        plan = [row[0].strip().removeprefix("->").strip() for row in conn.execute_native("EXPLAIN " + translate(sql))]
        nodes = [step.split("  (cost=")[0] for step in plan if "  (cost=" in step]
        assert "Index Scan using idx_annotations_document_id_span_start_span_end on annotations" in nodes, plan
        assert "Sort" not in nodes, plan  # an Incremental Sort of the ids among equal spans at most
        return
    plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "TEMP B-TREE" not in plan
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
