"""Full-text search: the query language, keyword-in-context hits, filters, paging, and searching beside edits."""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.search import fulltext as search_module
from annotator.core.search.fulltext import (
    SearchCancelled,
    Searcher,
    SearchFilter,
    location_of,
    open_reader,
    query_plan,
    search,
)
from annotator.core.search.index import check_index, rebuild_index
from annotator.core.search.pg_fulltext import open_reader as pg_open_reader
from annotator.core.search.query import TOKENIZER, parse
from tests.support import dump, span_of

pytestmark = pytest.mark.both_engines

KOREAN = "삼성전자가 새 칩을 공개했다. 애널리스트들은 삼성전자는 물론 삼성전자의 경쟁사도 주목했다. 삼성은 침묵했다."
MIXED = ("월마트가 아마존의 클라우드를 버렸다 🚀. \"We are done,\" said Kim Ji-ho.\n"
         "Cafe\u0301 owners 👩‍👩‍👧 cheered the CAFÉ on 3 May; café-goers too.")


def ids(page) -> list[int]:
    return [doc.document_id for doc in page.documents]


def matches(page, doc_id: int) -> list[str]:
    return [hit.match for doc in page.documents if doc.document_id == doc_id for hit in doc.hits]


@pytest.fixture
def corpus(project, doc_factory):
    """Five small articles; their ids by a short name."""
    return {
        "cloud": doc_factory("Amazon Web Services sells cloud services. The cloud market grows.", "Cloud market"),
        "walmart": doc_factory("Walmart dropped Amazon's cloud. Walmart prefers Microsoft Azure.", "Retail"),
        "mixed": doc_factory(MIXED, "Walmart and Amazon 🚀"),
        "korean": doc_factory(KOREAN, "삼성 신제품"),
        "title": doc_factory("Nothing about the topic in this text at all.", "Quarterly cloud outlook"),
    }


# -- the query language ---------------------------------------------------------------


def test_every_word_must_occur_in_any_order_in_title_or_text(project, corpus):
    assert ids(search(project, "cloud walmart")) == [corpus["walmart"]]
    assert ids(search(project, "walmart cloud")) == [corpus["walmart"]]
    # "retail" is only in the title, "azure" only in the text: both count.
    assert ids(search(project, "retail azure")) == [corpus["walmart"]]


def test_a_phrase_needs_its_words_next_to_each_other(project, corpus):
    assert ids(search(project, '"cloud services"')) == [corpus["cloud"]]
    assert matches(search(project, '"cloud services"'), corpus["cloud"]) == ["cloud services"]
    assert ids(search(project, '"services cloud"')) == []


def test_a_prefix_matches_word_starts_and_the_hit_covers_the_whole_word(project, corpus):
    page = search(project, "micro*")
    assert ids(page) == [corpus["walmart"]]
    assert matches(page, corpus["walmart"]) == ["Microsoft"]


def test_or_takes_either_and_minus_leaves_documents_out(project, corpus):
    assert ids(search(project, "azure OR services")) == [corpus["cloud"], corpus["walmart"]]
    assert ids(search(project, "cloud -walmart")) == [corpus["cloud"], corpus["title"]]
    assert ids(search(project, 'amazon -"web services"')) == [corpus["walmart"], corpus["mixed"]]


def test_case_and_accents_are_ignored_even_as_combining_marks(project, corpus):
    page = search(project, "cafe")
    assert ids(page) == [corpus["mixed"]]
    # "Cafe" + U+0301, "CAFÉ" and "café" (before a hyphen) are all the word cafe.
    assert matches(page, corpus["mixed"]) == ["Cafe\u0301", "CAFÉ", "café"]
    assert ids(search(project, "CAFÉ")) == ids(page)


def test_a_korean_word_finds_it_with_its_particle_and_the_hit_stops_before_the_particle(project, corpus):
    page = search(project, "삼성전자")
    assert ids(page) == [corpus["korean"]]
    [doc] = page.documents
    assert doc.hit_count == 3
    text = project.documents.text(corpus["korean"])
    assert [(h.start, h.end) for h in doc.hits] == [span_of(text, "삼성전자", n) for n in range(3)]
    assert all(text[h.start:h.end] == "삼성전자" for h in doc.hits)
    assert doc.hits[1].after.startswith("는 물론")
    # A shorter word start finds more; a phrase of Korean words works the same way.
    assert search(project, "삼성").documents[0].hit_count == 4
    assert matches(search(project, '"삼성전자 물론"'), corpus["korean"]) == ["삼성전자는 물론"]


@pytest.mark.parametrize("query", [
    'amazon "', '"amazon', 'NEAR(amazon walmart)', "amazon NEAR", "title:amazon", "text:cloud", "amazon AND walmart",
    "amazon NOT walmart", "(amazon)", "amazon*)", "{amazon}", "^amazon", "amazon:", "amazon ; DROP TABLE documents",
    'amazon "" walmart', "amazon - walmart", "amazon -", "amazon * walmart", "amazon's", "'amazon'",
])
def test_hostile_input_is_never_syntax_or_an_error(project, corpus, query):
    page = search(project, query)  # no sqlite3 error, no ProjectError: every word is quoted
    assert all(isinstance(doc.document_id, int) for doc in page.documents)
    assert project.documents.count() == len(corpus)


def test_operators_typed_as_words_are_searched_as_words(project, doc_factory):
    near = doc_factory("Stores near the station; not a word about the deal and the end.")
    assert ids(search(project, "NEAR")) == [near]
    assert ids(search(project, "not AND end")) == [near]
    assert ids(search(project, "title:x")) == []  # the words "title" and "x", not a column filter


@pytest.mark.parametrize(("query", "says"), [
    ("", "Nothing to search for"),
    ("   ", "Nothing to search for"),
    ('"', "Nothing to search for"),
    ("* - : ( )", "Nothing to search for"),
    ("-walmart", "Add a word to look for"),
    ('-walmart -"web services"', "Add a word to look for"),
    ("a*", "at least 2 letters before the star"),
    ("OR amazon", "Put OR between two words"),
    ("amazon OR", "Put a word or phrase after OR"),
    ("amazon OR OR walmart", "Put OR between two words"),
    ("amazon OR -walmart", "OR cannot join a left-out word"),
])
def test_queries_that_cannot_be_searched_say_what_to_type(project, corpus, query, says):
    with pytest.raises(ProjectError, match=re.escape(says)):
        search(project, query)


def test_an_unbalanced_quote_is_closed_at_the_end(project, corpus):
    assert ids(search(project, '"cloud services')) == [corpus["cloud"]]


# -- keyword in context ------------------------------------------------------------------


def test_hits_are_code_point_offsets_next_to_emoji_and_combining_marks(project, doc_factory):
    text = "👩‍👩‍👧 Zoë 🚀 met Kim Ji-ho 🚀🚀 and e\u0301le\u0300ve; 😀Amazon😀 café\u0301!"
    doc_factory(text)
    for query, word in [("zoe", "Zoë"), ('"kim ji ho"', "Kim Ji-ho"), ("eleve", "e\u0301le\u0300ve"),
                        ("amazon", "Amazon"), ("cafe", "café\u0301")]:
        [found] = search(project, query).documents
        [hit] = found.hits
        assert text[hit.start:hit.end] == hit.match == word, query


def test_context_is_cut_on_word_boundaries_with_line_breaks_as_spaces(project, doc_factory):
    words = " ".join(f"w{n:02d}" for n in range(40))
    text = f"{words}\nthe target\tword here\n{words}"
    doc_factory(text)
    [found] = search(project, "target").documents
    [hit] = found.hits
    assert hit.match == "target"
    assert hit.before.startswith("…w") and hit.before.endswith(" w39 the ")
    assert "\n" not in hit.before + hit.after and "\t" not in hit.after
    assert hit.after.startswith(" word here w00") and hit.after.endswith("…")
    assert len(hit.before) <= search_module.CONTEXT + 1 and len(hit.after) <= search_module.CONTEXT + 1
    # Whole words only: no fragment of a cut word at either end.
    assert re.fullmatch(r"… ?(w\d\d )+the ", hit.before)
    assert re.fullmatch(r" word here( w\d\d)+…", hit.after)


def test_a_document_lists_its_first_hits_in_text_order_and_counts_them_all(project, doc_factory):
    text = " ".join(["amazon cloud"] * 12)
    doc_factory(text)
    [found] = search(project, "amazon OR cloud", hits_per_document=3).documents
    assert found.hit_count == 24
    assert [h.match for h in found.hits] == ["amazon", "cloud", "amazon"]
    assert [h.start for h in found.hits] == sorted(h.start for h in found.hits)


def test_every_hit_of_one_document_for_a_row_that_lists_only_the_first(project, doc_factory):
    text = " ".join(["amazon cloud"] * 12)
    doc_id = doc_factory(text)
    every = search_module.document_hits(project, "amazon OR cloud", doc_id)
    assert every.hit_count == len(every.hits) == 24
    assert [h.start for h in every.hits] == [m.start() for m in re.finditer("amazon|cloud", text)]
    with pytest.raises(ProjectError, match="search again"):
        search_module.document_hits(project, "amazon", doc_id + 1)  # no such document (any more)


def test_a_match_in_the_title_only_still_lists_the_document(project, corpus):
    [found] = search(project, "quarterly").documents
    assert (found.document_id, found.title, found.hit_count, found.hits) == (
        corpus["title"], "Quarterly cloud outlook", 0, [])


def test_python_hits_agree_with_the_index_own_highlighting(project, doc_factory, engine, tmp_path):
    """FTS5's highlight() marks what the index matched; the Python hits must be the same places.

    On a shared project the server finds the documents: what FTS5 marks in a project file
    holding the same documents is what the server must find, hit for hit.
    """
    texts = [MIXED, "ǅemal İstanbul ΣΑΣ σας Straße STRASSE ﬁne x\u0300\u0301y ½ ² Ꭰ ꭰ µ μ", KOREAN.replace("삼성", "Samsung "),
             "Amazon's AWS—amazon-web. AMAZON_x a_amazon Amazon2 ＡＭＡＺＯＮ amazon\u200bweb", "Dvořák dvorak DVOŘÁK"]
    for text in texts:
        doc_factory(text)
    local = project if engine == "sqlite" else Project(tmp_path / "same.annotator")
    if local is not project:
        for n, text in enumerate(texts, 1):
            assert local.documents.add(title=f"Doc {n}", text=text) == n
    for query in ["amazon", "cafe", "eleve", "dvorak", "istanbul", "σασ", "strasse", "straße", "fine", "xy", "ꭰ",
                  "μ", "samsung", '"amazon web"', "amaz*", "web", "kim ji", "½", "dzemal", "ǆemal"]:
        expression = parse(query).expression()
        marked = dict(local.store.conn.execute(
            "SELECT rowid, highlight(documents_fts, 1, char(1), char(2)) FROM documents_fts "
            "WHERE documents_fts MATCH ?", (expression,)).fetchall())
        page = search(project, query, hits_per_document=100)
        assert set(ids(page)) == set(marked), query
        for doc in page.documents:
            expected, plain = [], marked[doc.document_id]
            offset = 0
            for m in re.finditer("\x01([^\x02]*)\x02", plain):
                start = m.start() - offset
                expected.append((start, start + len(m.group(1))))
                offset += 2
            assert [(h.start, h.end) for h in doc.hits] == expected, (query, plain)
    if local is not project:
        local.close()


def test_folding_shortcuts_agree_with_the_tokenizer():
    """Hangul syllables skip folding and Latin-1 text folds through a byte table: both must match SQLite."""
    syllables = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
    TOKENIZER._learn(set(syllables))
    assert [TOKENIZER._folds[ord(ch)] for ch in syllables] == list(syllables)
    latin1 = "".join(chr(c) for c in range(0x80, 0x100) if chr(c) != "µ")
    assert TOKENIZER.fold(latin1) == latin1.translate(TOKENIZER._table())


# -- filters -----------------------------------------------------------------------------


@pytest.fixture
def coded(project, corpus, label):
    """Annotations, an entity and metadata on some of the corpus."""
    org, claim, favor = label("Organization"), label("Claim"), label("Favor")
    walmart_text = project.documents.text(corpus["walmart"])
    mention = project.annotations.add(corpus["walmart"], org, *span_of(walmart_text, "Walmart"))
    entity = project.entities.create("Walmart Inc.", org)
    project.annotations.link_entity(mention.id, entity.id)
    cloud_text = project.documents.text(corpus["cloud"])
    project.annotations.add(corpus["cloud"], claim, *span_of(cloud_text, "The cloud market grows."))
    stance = project.annotations.add(corpus["mixed"], favor, target="Amazon")
    project.annotations.set_role(stance.id, "holder", entity_id=entity.id)
    project.metadata.set_many(corpus["cloud"], {"outlet": "Reuters", "language": "en"})
    project.metadata.set_many(corpus["walmart"], {"outlet": "AP", "language": "en"})
    project.metadata.set(corpus["korean"], "language", "ko")
    return entity


@pytest.mark.parametrize("small_filter", [2000, -1], ids=["set of documents", "checked per document"])
def test_filters_narrow_the_documents(project, corpus, coded, label, monkeypatch, small_filter):
    monkeypatch.setattr(search_module, "SMALL_FILTER", small_filter)
    everything = "amazon OR cloud OR 삼성전자 OR text"
    assert ids(search(project, everything, SearchFilter(label_ids=(label("Claim").id,)))) == [corpus["cloud"]]
    # A group stands for its labels.
    group = project.codebook.add_group("Companies", "entity")
    project.codebook.move(label("Organization").id, group.id, 0)
    assert ids(search(project, everything, SearchFilter(label_ids=(group.id,)))) == [corpus["walmart"]]
    assert ids(search(project, everything, SearchFilter(label_ids=(group.id, label("Claim").id)))) == [
        corpus["cloud"], corpus["walmart"]]
    # An entity counts as a tagged span or as a role (here the holder of a stance).
    assert ids(search(project, everything, SearchFilter(entity_id=coded.id))) == [corpus["walmart"], corpus["mixed"]]
    assert ids(search(project, everything, SearchFilter(metadata=(("language", "en"),)))) == [
        corpus["cloud"], corpus["walmart"]]
    assert ids(search(project, everything, SearchFilter(metadata=(("outlet", ""),)))) == [
        corpus["cloud"], corpus["walmart"]]
    both = SearchFilter(entity_id=coded.id, metadata=(("language", "en"), ("outlet", "AP")))
    assert ids(search(project, everything, both)) == [corpus["walmart"]]
    assert ids(search(project, everything, SearchFilter(metadata=(("outlet", "reuters"),)))) == []


def test_filters_naming_nothing_are_refused(project, corpus):
    with pytest.raises(ProjectError, match="no label 999"):
        search(project, "cloud", SearchFilter(label_ids=(999,)))
    with pytest.raises(ProjectError, match="no entity 999"):
        search(project, "cloud", SearchFilter(entity_id=999))
    with pytest.raises(ProjectError, match="needs a field name"):
        search(project, "cloud", SearchFilter(metadata=((" ", "x"),)))


@pytest.mark.parametrize("small_filter", [2000, -1])
def test_the_index_drives_every_plan_in_document_order(project, corpus, coded, label, monkeypatch, small_filter,
                                                       engine):
    monkeypatch.setattr(search_module, "SMALL_FILTER", small_filter)
    for flt in [SearchFilter(), SearchFilter(label_ids=(label("Claim").id,)), SearchFilter(entity_id=coded.id),
                SearchFilter(metadata=(("outlet", "AP"),)), SearchFilter(metadata=(("outlet", ""),))]:
        plan = query_plan(project, "cloud", flt)
        if engine == "postgresql":  # five documents: the server reads them all; test_search_pg.py has a corpus
            assert "search_words" in plan[-1] or any("on search_words" in step for step in plan), plan
            continue
        assert plan[0].startswith("SCAN documents_fts VIRTUAL TABLE"), plan
        assert not any("TEMP B-TREE" in step or step.startswith("SCAN a") or step.startswith("SCAN m")
                       for step in plan), plan


# -- paging and counting -------------------------------------------------------------------


def test_pages_follow_document_order_without_overlap(project, doc_factory):
    made = [doc_factory(f"Report {n} on the cloud.") for n in range(7)]
    seen = []
    for offset in range(0, 9, 3):
        page = search(project, "cloud", offset=offset, limit=3)
        assert (page.total_documents, page.total_is_exact) == (7, True)
        seen += ids(page)
    assert seen == made
    assert search(project, "cloud", offset=20, limit=3).documents == []
    assert search(project, "cloud", offset=20, limit=3).total_documents == 7


def test_a_count_that_runs_out_of_time_says_it_is_a_lower_bound(project, doc_factory, label, monkeypatch):
    for n in range(5):
        doc = doc_factory(f"Cloud report number {n}.")
        project.annotations.add(doc, label("Organization"), 0, 5)
    monkeypatch.setattr(search_module, "COUNT_SECONDS", -1.0)  # the deadline has passed before counting starts
    monkeypatch.setattr(search_module, "PROGRESS_STEPS", 1)  # and the clock is read at every step
    page = search(project, "cloud", SearchFilter(label_ids=(label("Organization").id,)), limit=2)
    assert len(page.documents) == 2
    assert not page.total_is_exact and 2 <= page.total_documents <= 5
    monkeypatch.undo()
    page = search(project, "cloud", SearchFilter(label_ids=(label("Organization").id,)), limit=2)
    assert (page.total_documents, page.total_is_exact) == (5, True)


def test_bad_page_requests_are_refused(project, corpus):
    for kwargs in ({"offset": -1}, {"limit": 0}, {"limit": 100_000}, {"hits_per_document": -1}):
        with pytest.raises(ProjectError, match="Ask for 1 to"):
            search(project, "cloud", **kwargs)


# -- beside edits ----------------------------------------------------------------------------


def _state(project) -> list:
    if project.store.engine == "postgresql":
        return project.store.conn.execute("SELECT id, title, text FROM documents ORDER BY id").fetchall()
    return dump(project)


def test_search_follows_a_title_edit_and_its_undo(project, corpus):
    before = _state(project)
    _result, changeset = project.store.edit(project.documents.set_title, corpus["walmart"], "Zephyr report")
    assert ids(search(project, "zephyr")) == [corpus["walmart"]]
    assert ids(search(project, "retail")) == []
    project.store.undo(changeset)
    assert ids(search(project, "zephyr")) == []
    assert ids(search(project, "retail")) == [corpus["walmart"]]
    assert _state(project) == before


def test_a_searcher_reads_through_its_own_read_only_connection(project, corpus, engine):
    with Searcher(location_of(project)) as searcher:
        assert ids(searcher.search("cloud")) == ids(search(project, "cloud"))
        project.documents.set_title(corpus["korean"], "Cloud chips")  # committed by the project's connection
        assert corpus["korean"] in ids(searcher.search("cloud"))
        assert ids(search(searcher, "chips")) == [corpus["korean"]]
    reader = open_reader(project.path) if engine == "sqlite" else pg_open_reader(location_of(project))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="readonly|read-only"):
            reader.execute("UPDATE documents SET title = 'x'")
    finally:
        reader.close()


def test_interrupting_a_search_cancels_it_and_the_next_one_runs(project, doc_factory, monkeypatch):
    for n in range(4):
        doc_factory(f"Cloud news {n}")
    searcher = Searcher(location_of(project))
    real_fold = TOKENIZER.fold
    calls = []

    def fold_and_interrupt(text):
        calls.append(text)
        if len(calls) == 1:  # the analyst types again while the first document is shown
            threading.Thread(target=searcher.interrupt).start()
            threading.Event().wait(0.2)
        return real_fold(text)

    monkeypatch.setattr(TOKENIZER, "fold", fold_and_interrupt)
    try:
        with pytest.raises(SearchCancelled):
            searcher.search("cloud")
        assert len(calls) == 1
        assert len(searcher.search("cloud").documents) == 4
    finally:
        searcher.close()


# -- the index's health ----------------------------------------------------------------------


def test_a_damaged_index_is_found_and_rebuilt(tmp_path):
    path = tmp_path / "damaged.annotator"
    with Project(path) as project:
        kept = project.documents.add(title="Kept", text="Amazon Web Services sells cloud services.")
        project.documents.add(title="Other", text="Nothing to see.")
        fine, line = check_index(path)
        assert fine is None and "open in Annotator" in line  # never checked beside a running Annotator
    assert check_index(path) == (True, "Search index: ok")
    conn = sqlite3.connect(path)
    text, title = conn.execute("SELECT text, title FROM documents WHERE id = ?", (kept,)).fetchone()
    conn.execute("INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                 (kept, title, text))
    conn.commit()
    conn.close()
    fine, line = check_index(path)
    assert fine is False and "annotator check --repair" in line
    with Project(path) as project:
        assert ids(search(project, "services")) == []
        rebuild_index(project.store)
        assert ids(search(project, "services")) == [kept]
    assert check_index(path) == (True, "Search index: ok")
