"""Search on a shared project finds what a project file finds, hit for hit (issue 15, item 7).

The server splits and folds text by tables made from SQLite's unicode61 tokenizer
(store/pg/unicode61.py) and answers each term with a trigram index; these tests hold it
to the local engine: the same query language, Korean inside words, and keyword-in-context
offsets in code points.
"""

from __future__ import annotations

import random
import threading

import pytest
from psycopg import errors as psycopg_errors

from annotator.core.project import Project
from annotator.core.search.fulltext import (
    SearchCancelled,
    Searcher,
    SearchFilter,
    document_hits,
    location_of,
    query_plan,
    search,
)
from annotator.core.search.index import check_shared_index, rebuild_index
from annotator.core.search.query import TOKENIZER
from annotator.core.store.pg import unicode61
from annotator.core.store.pg.connection import PgConnection
from tests.support import span_of

pytestmark = pytest.mark.both_engines

WALMART = "Launch 🚀 day: 월마트가 AWS를 떠났다. 👩‍👩‍👧 Walmart left AWS; Amazon said the cloud-deal ended."
TEXTS = [
    WALMART,
    "Amazon Web Services sells cloud services. The cloud market grows. 삼성전자는 물론 삼성전자의 경쟁사도.",
    "Cafe\u0301 owners 👩‍👩‍👧 cheered the CAFÉ on 3 May; café-goers too. Zoë met Kim Ji-ho 😀Amazon😀.",
    "ǅemal İstanbul ΣΑΣ σας Straße STRASSE ﬁne x\u0300\u0301y ½ ² Ꭰ ꭰ µ μ Dvořák DVOŘÁK",
    "Amazon's AWS—amazon-web. AMAZON_x a_amazon Amazon2 ＡＭＡＺＯＮ amazon\u200bweb microsoft Microsoft's",
    "Nothing about the topic in this text at all, not a single cloud.",
]
QUERIES = [
    "amazon", "cloud", "cloud -walmart", "amazon OR 삼성전자", '"cloud services"', '"cloud deal"', "amaz*", "micro*",
    "월마트", "월마", "마트", "삼성전자", '"삼성전자 물론"', '"월마트 aws*"', "aws", "aws*", "cafe", "CAFÉ", "zoe",
    '"kim ji ho"', "xy", "istanbul", "σασ", "strasse", "straße", "fine", "dzemal", "½", "web -\"amazon web\"",
    "amazon -cafe -삼성전자", "μ", "ꭰ", "dvorak", "topic OR goers", '"the cloud"', "the* cloud",
]


def _page(project, query: str, **kw) -> list[tuple]:
    page = search(project, query, hits_per_document=100, **kw)
    return [(d.document_id, d.title, d.hit_count, [(h.start, h.end, h.before, h.match, h.after) for h in d.hits])
            for d in page.documents] + [(page.total_documents, page.total_is_exact)]


@pytest.fixture
def corpus(project, doc_factory) -> list[int]:
    return [doc_factory(text) for text in TEXTS]


@pytest.fixture
def shared(shared_url):
    """A shared project alone, for what only a server does; its documents are TEXTS, titled Doc 1..."""
    with Project(shared_url) as project:
        for n, text in enumerate(TEXTS, 1):
            project.documents.add(title=f"Doc {n}", text=text)
        yield project


def test_a_korean_word_is_found_inside_the_word_with_its_particle(project, corpus):
    page = search(project, "월마트")
    [doc] = page.documents
    [hit] = doc.hits
    assert (doc.document_id, hit.match, hit.start) == (corpus[0], "월마트", WALMART.index("월마트"))
    assert hit.after.startswith("가 AWS를")
    # Only the start of a word: the local engine does not find 마트 inside 월마트가, nor does the server.
    assert search(project, "마트").documents == []
    # A phrase whose Korean word carries a particle, and a Latin word with a particle found by prefix.
    [doc] = search(project, '"월마트 aws*"').documents
    assert [h.match for h in doc.hits] == ["월마트가 AWS를"]
    assert [h.match for h in search(project, "aws*").documents[0].hits] == ["AWS를", "AWS"]
    assert [h.match for h in search(project, "aws").documents[0].hits] == ["AWS"]


def test_prefix_phrase_or_and_exclusion(project, corpus):
    assert [d.document_id for d in search(project, "micro*").documents] == [corpus[4]]
    assert [h.match for h in search(project, "micro*").documents[0].hits] == ["microsoft", "Microsoft"]
    assert [d.document_id for d in search(project, '"cloud services"').documents] == [corpus[1]]
    assert search(project, '"services cloud"').documents == []
    assert [d.document_id for d in search(project, '"cloud deal"').documents] == [corpus[0]]  # across a hyphen
    assert [d.document_id for d in search(project, "zoe OR 삼성전자").documents] == [corpus[1], corpus[2]]
    assert [d.document_id for d in search(project, "cloud -walmart -topic").documents] == [corpus[1]]
    assert [d.document_id for d in search(project, 'amazon -"amazon web"').documents] == [corpus[0], corpus[2]]


def test_hits_are_code_points_not_utf16_next_to_emoji(project, corpus):
    [doc] = search(project, "walmart").documents
    [hit] = doc.hits
    start = WALMART.index("Walmart")
    utf16 = len(WALMART[:start].encode("utf-16-le")) // 2
    assert (hit.start, hit.end) == (start, start + 7) and utf16 != start  # the emoji before it count once each
    assert WALMART[hit.start:hit.end] == hit.match == "Walmart"
    every = document_hits(project, "amazon OR aws*", corpus[0])
    assert [(h.start, h.match) for h in every.hits] == [
        (WALMART.index("AWS를"), "AWS를"), (WALMART.index("AWS;"), "AWS"), (WALMART.index("Amazon"), "Amazon")]


def test_the_same_hits_on_both_engines(shared, tmp_path):
    """Every query gives a shared project exactly what it gives a project file with the same documents."""
    project = shared
    with Project(tmp_path / "same.annotator") as local:
        for n, text in enumerate(TEXTS, 1):
            local.documents.add(title=f"Doc {n}", text=text)
        for query in QUERIES:
            assert _page(project, query) == _page(local, query), query
        for offset in range(0, 6, 2):
            assert _page(project, "amazon OR cloud", offset=offset, limit=2) == _page(
                local, "amazon OR cloud", offset=offset, limit=2)


def test_documents_written_by_any_client_are_found_and_follow_edits(shared):
    project = shared
    raw = PgConnection(project.store.url)  # another program on the server, psql say
    try:
        raw.execute_native("INSERT INTO documents(title, text, sha256, imported_at) VALUES (%s, %s, 'raw', 'now')",
                           ("Raw", "Zeppelinword 월마트는"))
        [doc] = search(project, "zeppelinword 월마트").documents
        assert [h.match for h in doc.hits] == ["Zeppelinword", "월마트"]
        raw.execute_native("UPDATE documents SET text = %s WHERE id = %s", ("Quokkaword", doc.document_id))
        assert search(project, "zeppelinword").documents == []
        assert [d.document_id for d in search(project, "quokkaword").documents] == [doc.document_id]
        raw.execute_native("DELETE FROM documents WHERE id = %s", (doc.document_id,))
        assert search(project, "quokkaword").documents == []
    finally:
        raw.close()


def test_rebuilding_the_index_folds_every_document_again(project, corpus, engine):
    if engine == "postgresql":
        project.store.conn.execute_native("UPDATE search_words SET body = '  '")  # as if damaged
        assert search(project, "walmart").documents == []
    rebuild_index(project.store)
    assert [d.document_id for d in search(project, "walmart").documents] == [corpus[0]]


def test_filters_on_the_server(project, corpus, label):
    org = label("Organization")
    project.annotations.add(corpus[0], org, *span_of(WALMART, "Walmart"))
    project.metadata.set(corpus[1], "language", "en")
    assert [d.document_id for d in search(project, "cloud", SearchFilter(label_ids=(org.id,))).documents] == [
        corpus[0]]
    assert [d.document_id for d in search(project, "cloud", SearchFilter(metadata=(("language", "en"),))).documents
            ] == [corpus[1]]


def test_a_large_corpus_is_searched_through_the_trigram_index(shared):
    project = shared
    conn = project.store.conn
    # Articles of a few hundred characters: on a handful of tiny rows a scan is cheaper and the server knows it.
    conn.execute_native("INSERT INTO documents(title, text, sha256, imported_at) SELECT 'Report ' || n, "
                        "repeat('Routine news number ' || n || ' about the weather. ', 10), 'r' || n, 'now' "
                        "FROM generate_series(1, 3000) AS n")
    conn.execute_native("INSERT INTO documents(title, text, sha256, imported_at) "
                        "VALUES ('Rare', '월마트가 zeppelinword 떠났다', 'z', 'now')")
    conn.execute_native("VACUUM ANALYZE search_words")  # as autovacuum would: it empties GIN's pending list
    for query, found in [("zeppelinword", ["Rare"]), ("월마트", ["Doc 1", "Rare"]), ('"월마트 zeppelin*"', ["Rare"])]:
        plan = "\n".join(query_plan(project, query))
        assert "Bitmap Index Scan on search_words_" in plan and "Seq Scan" not in plan, (query, plan)
        assert [d.title for d in search(project, query).documents] == found
    page = search(project, "weather", limit=10)
    assert (len(page.documents), page.total_documents, page.total_is_exact) == (10, 3000, True)


def test_the_server_folds_every_character_as_the_tables_say(shared):
    """annotator_search_fold() against unicode61.py for every code point PostgreSQL can hold."""
    project = shared
    separators = {c for a, b in unicode61.SEPARATORS for c in range(a, b + 1)}
    dropped = {c for a, b in unicode61.DROPPED for c in range(a, b + 1)}
    folds = dict(zip(map(ord, unicode61.FOLD_FROM), unicode61.FOLD_TO))
    codes = [c for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(codes), 200_000):
        chunk = codes[start:start + 200_000]
        text = " ".join(f"q{chr(c)}q" for c in chunk)
        got = project.store.conn.execute_native("SELECT annotator_search_fold(%s)", (text,)).fetchone()[0].split()
        expected = []
        for c in chunk:
            if c in separators:
                expected += ["q", "q"]
            elif c in dropped:
                expected.append("qq")
            else:
                expected.append("q" + folds.get(c, chr(c).lower() if c < 0x80 else chr(c)) + "q")
        assert got == expected


def test_the_tables_agree_with_sqlite():
    """A sample of every script's code points: unicode61.py says what SQLite's tokenizer does."""
    separators = {c for a, b in unicode61.SEPARATORS for c in range(a, b + 1)}
    dropped = {c for a, b in unicode61.DROPPED for c in range(a, b + 1)}
    folds = dict(zip(map(ord, unicode61.FOLD_FROM), unicode61.FOLD_TO))
    sample = set(range(0x80, 0x3000)) | set(random.Random(15).sample(range(0x3000, 0x110000), 20_000))
    sample |= {ord(ch) for ch in unicode61.FOLD_FROM} | dropped
    sample -= set(range(0xD800, 0xE000))
    chars = {chr(c) for c in sample}
    TOKENIZER._learn(chars)
    for c in sorted(sample):
        said = " " if c in separators else "\x00" if c in dropped else folds.get(c, chr(c))
        assert TOKENIZER._folds[c] == said, hex(c)


CHINESE = "新闻：我爱北京天安门。東京都に住んでいます 🚀 ตลาดหุ้นกรุงเทพ"


def test_words_of_scripts_without_spaces_are_found_inside_a_run_on_a_shared_project(project, doc_factory, engine):
    """A project file's index sees 我爱北京天安门 as one word; the server finds 北京 inside it (README)."""
    doc = doc_factory(CHINESE)
    for query, word in [("北京", "北京"), ("天安门", "天安门"), ("東京", "東京"), ('"北京 东京"', None), ("住んで", "住んで"),
                        ("กรุงเทพ", "กรุงเทพ")]:
        page = search(project, query)
        if engine == "sqlite" or word is None:
            assert page.documents == [], query
            continue
        [found] = page.documents
        [hit] = found.hits
        assert (found.document_id, hit.match, hit.start) == (doc, word, CHINESE.index(word)), query
    # A whole run, and the start of one with a star, are found on both engines.
    assert [d.document_id for d in search(project, "我爱北京天安门").documents] == [doc]
    assert [h.match for h in search(project, "我爱*").documents[0].hits] == ["我爱北京天安门"]


def test_interrupt_cancels_a_search_waiting_on_the_server(shared):
    """The analyst types again while the server still works on the last query: the statement is cancelled."""
    blocker = PgConnection(shared.store.url)
    searcher = Searcher(location_of(shared))
    try:
        blocker.execute_native("BEGIN")
        blocker.execute_native("LOCK TABLE search_words IN ACCESS EXCLUSIVE MODE")  # the search's SELECT waits
        watcher = PgConnection(shared.store.url)

        def interrupt_once_waiting() -> None:
            # This database's search only: in a parallel run another worker's may be waiting too.
            while not watcher.execute_native(
                    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s"
                    " AND datname = current_database()", ("%FROM search_words%",)).fetchone():
                threading.Event().wait(0.02)
            searcher.interrupt()
            if not finished.wait(10):  # the cancel did not reach the server: let the search end, and fail
                released.append(True)
                blocker.execute_native("ROLLBACK")

        finished, released = threading.Event(), []
        thread = threading.Thread(target=interrupt_once_waiting)
        thread.start()
        try:
            with pytest.raises(SearchCancelled):
                searcher.search("walmart")
        finally:
            finished.set()
            thread.join()
        assert not released  # the server stopped the statement; the lock was still held
        watcher.close()
        blocker.rollback()
        assert [d.title for d in searcher.search("walmart").documents] == ["Doc 1"]
    finally:
        searcher.close()
        blocker.close()


def test_a_damaged_server_index_is_found_and_rebuilt(shared):
    assert check_shared_index(shared.store.conn) == (True, "Search index: ok")
    shared.store.conn.execute_native("UPDATE search_words SET body = '  ' WHERE document_id = 1")
    shared.store.conn.execute_native("DELETE FROM search_words WHERE document_id = 2")
    fine, line = check_shared_index(shared.store.conn)
    assert fine is False and "(1 missing, 1 out of date)" in line and "annotator check --repair" in line
    rebuild_index(shared.store)
    assert check_shared_index(shared.store.conn) == (True, "Search index: ok")
    assert [d.document_id for d in search(shared, "walmart").documents] == [1]


@pytest.fixture
def team(pg_server):
    from tests.core.test_pg_roles import Team

    made = Team(pg_server)
    yield made
    made.close()


def test_every_role_searches_and_an_owners_retitle_is_indexed(team):
    """The words are read by coders and viewers, and written by the server's trigger whoever edits."""
    owner = team.open()
    doc = owner.documents.add(title="Election night", text="월마트가 turnout was high.")
    for role in ("coder", "viewer"):
        login = team.login(role, role)
        project = team.open(login)
        [found] = search(project, "월마트 turnout").documents
        assert (found.document_id, [h.match for h in found.hits]) == (doc, ["월마트", "turnout"]), role
        with Searcher(location_of(project)) as searcher:
            assert [d.document_id for d in searcher.search("election").documents] == [doc], role
        with team.raw(login) as conn, pytest.raises(psycopg_errors.InsufficientPrivilege):
            conn.execute("UPDATE search_words SET body = ' forged '")  # only the trigger writes the words
    owner.documents.set_title(doc, "Morning after")
    assert [d.document_id for d in search(team.open(team.logins[-1]), "morning").documents] == [doc]
