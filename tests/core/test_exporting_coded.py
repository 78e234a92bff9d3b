"""CSV export of coded projects: roles, cues, attributes, the entity and memo files, and the streamed query."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.interchange.tables import (
    ANNOTATION_COLUMNS,
    DOCUMENT_COLUMNS,
    ENTITY_COLUMNS,
    MEMO_COLUMNS,
    annotation_columns,
    export_annotations,
    export_documents,
    export_entities,
    export_memos,
)
from tests.core.engines import ENGINES, location
from tests.support import dump_connection
from tests.support import read_csv_rows as _read
from tests.support import read_with_pandas as _read_with_pandas

pytestmark = pytest.mark.both_engines

# Every id and offset column: pandas reads them as nullable integers (see docs/csv-format.md).
INT_COLUMNS = ["start", "end", "cue_start", "cue_end", "entity_id", "source_entity_id",
               "target_entity_id", "holder_entity_id"]
from annotator.core.project import Project

BOM = b"\xef\xbb\xbf"


# -- schema 2: entities, roles, cues, attributes, memos ------------------------------------

CODED = "월마트 👩‍👩‍👧 CEO Kim said prices fell. 아마존이 반박했다고 밝혔다. Stock -5% today."
CODED_2 = "월마트 again, and 아마존 too."
ATTR_COLUMNS = ["attr_verdict", "attr_check_worthy", "attr_confidence", "attr_attribute"]
STAMP = "2024-05-01T09:30:00+00:00"


def _at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


# SQLite's own: a project file to guard, the statement trace and the query plan.
ON_A_FILE = pytest.mark.parametrize("coded", ["sqlite"], indirect=True)


@pytest.fixture(params=ENGINES)
def coded(request, tmp_path: Path):
    """Registry entities, roles, cues, typed attributes and memos, inserted as stored rows.

    The entity, attribute and memo editing APIs are written separately; export
    depends on the schema only, so the fixture writes the rows themselves.
    """
    p = Project(location(request, tmp_path, "coded.annotator", request.param))
    label = {name: p.codebook.by_name(name) for name in
             ("Organization", "Person", "Claim", "Quote", "Favor", "Against", "Mixed")}
    d1 = p.documents.add(title="월마트 vs 아마존", text=CODED)
    d2 = p.documents.add(title="Second", text=CODED_2)
    with p.store.write() as db:
        def entity(name: str, label_name: str, external_id: str = "", memo: str = "") -> int:
            return db.execute(
                "INSERT INTO entities(name, folded, label_id, external_id, memo, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (name, name.casefold(), label[label_name].id, external_id, memo, STAMP),
            ).lastrowid

        walmart = entity("Walmart", "Organization", "Q483551", "Retailer, \"big\"\nsecond line")
        kim = entity("=Kim Ji-ho", "Person", memo="=HYPERLINK(\"http://evil.example\")")
        amazon = entity("아마존 🚀", "Organization")
        entity("Unused Inc.", "Organization", memo="   \n ")  # a blank memo is no memo
        db.executemany("INSERT INTO entity_aliases(entity_id, alias, folded) VALUES (?, ?, ?)",
                       [(walmart, "월마트", "월마트"), (walmart, "Wal-Mart", "wal-mart")])

        # A known set of attributes rather than whatever the default codebook ships with.
        db.execute("DELETE FROM label_attributes")

        def attribute(label_name: str, name: str, kind: str, order: int, choices: str = "[]") -> int:
            return db.execute(
                "INSERT INTO label_attributes(label_id, name, kind, choices, sort_order) VALUES (?, ?, ?, ?, ?)",
                (label[label_name].id, name, kind, choices, order),
            ).lastrowid

        # Added first, but Favor comes after Claim in the codebook, and its "verdict" is Claim's
        # "Verdict" in other case: one column, placed where the codebook first names it.
        favor_verdict = attribute("Favor", "verdict", "text", 0)
        verdict = attribute("Claim", "Verdict", "choice", 0, '["true", "false", "=misleading"]')
        worthy = attribute("Claim", "Check-worthy", "bool", 1)
        confidence = attribute("Claim", "Confidence (%)", "number", 2)
        korean = attribute("Claim", "판정", "text", 3)
        quote_verdict = attribute("Quote", "Verdict", "choice", 0, '["true", "false"]')
        db.execute("UPDATE labels SET memo = ? WHERE id = ?", ("Count 'sources say' as a claim?", label["Claim"].id))
        db.execute("UPDATE documents SET memo = ? WHERE id = ?", ("Ask the desk 월마트 🚀", d1))
        db.execute("UPDATE documents SET memo = ? WHERE id = ?", (" \r\n", d2))

    a = p.annotations
    ids = {}
    ids["walmart"] = a.add(d1, label["Organization"], *_at(CODED, "월마트 👩‍👩‍👧")).id
    a.link_entity(ids["walmart"], walmart)
    ids["kim"] = a.add(d1, label["Person"], *_at(CODED, "Kim")).id
    a.link_entity(ids["kim"], kim)
    ids["claim"] = a.add(d1, label["Claim"], *_at(CODED, "prices fell."), note="multi\nline, \"memo\"").id
    a.set_role(ids["claim"], "source", entity_id=kim)
    a.set_cue(ids["claim"], *_at(CODED, "said"))
    ids["claim_ko"] = a.add(d1, label["Claim"], *_at(CODED, "아마존이 반박했다고")).id
    a.set_role(ids["claim_ko"], "source", text="a spokesperson")
    a.set_cue(ids["claim_ko"], *_at(CODED, "밝혔다"))
    ids["quote"] = a.add(d1, label["Quote"], *_at(CODED, "Stock -5% today.")).id
    ids["favor"] = a.add(d1, label["Favor"], *_at(CODED, "prices fell"), target="them", note="+cmd").id
    a.set_role(ids["favor"], "target", entity_id=amazon)
    a.set_role(ids["favor"], "holder", text="the CEO")
    ids["against"] = a.add(d1, label["Against"], target="Walmart's pricing").id
    a.set_role(ids["against"], "holder", entity_id=walmart)
    ids["mixed"] = a.add(d2, label["Mixed"], target="placeholder", note="whole-document note").id
    a.set_role(ids["mixed"], "target", entity_id=walmart)
    ids["walmart_2"] = a.add(d2, label["Organization"], *_at(CODED_2, "월마트")).id
    a.link_entity(ids["walmart_2"], walmart)
    ids["amazon_2"] = a.add(d2, label["Organization"], *_at(CODED_2, "아마존")).id  # not linked

    with p.store.write() as db:
        db.executemany("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)", [
            (ids["claim"], verdict, "=misleading"), (ids["claim"], worthy, "yes"),
            (ids["claim"], confidence, "-12.5"), (ids["claim"], korean, "거짓 🚀"),
            (ids["claim_ko"], worthy, "no"), (ids["claim_ko"], confidence, "80"),
            (ids["quote"], quote_verdict, "true"),
            (ids["favor"], favor_verdict, "mostly true, \"hedged\""),
        ])
    p.ids, p.entity_ids = ids, {"walmart": walmart, "kim": kim, "amazon": amazon}
    yield p
    p.close()


def _by_id(path: Path, encoding: str = "utf-8") -> dict[int, dict[str, str]]:
    return {int(r["annotation_id"]): r for r in _read(path, encoding)}


def test_roles_cues_and_entity_links_are_exported(coded, tmp_path):
    out = tmp_path / "ann.csv"
    assert export_annotations(coded, out) == 10
    rows, ids, ent = _by_id(out), coded.ids, coded.entity_ids

    walmart = rows[ids["walmart"]]
    assert (walmart["entity_id"], walmart["entity_name"]) == (str(ent["walmart"]), "Walmart")
    assert walmart["text"] == "월마트 👩‍👩‍👧"
    assert rows[ids["amazon_2"]]["entity_id"] == rows[ids["amazon_2"]]["entity_name"] == ""

    claim = rows[ids["claim"]]  # source from the registry, cue "said"
    assert (claim["source"], claim["source_entity_id"]) == ("=Kim Ji-ho", str(ent["kim"]))
    assert (claim["cue_start"], claim["cue_end"], claim["cue_text"]) == (*map(str, _at(CODED, "said")), "said")
    claim_ko = rows[ids["claim_ko"]]  # free-text source, Korean cue after an emoji
    assert (claim_ko["source"], claim_ko["source_entity_id"]) == ("a spokesperson", "")
    assert claim_ko["cue_text"] == "밝혔다" == CODED[int(claim_ko["cue_start"]):int(claim_ko["cue_end"])]

    favor = rows[ids["favor"]]  # target from the registry, free-text holder
    assert (favor["target"], favor["target_entity_id"]) == ("아마존 🚀", str(ent["amazon"]))
    assert (favor["holder"], favor["holder_entity_id"]) == ("the CEO", "")
    against = rows[ids["against"]]  # free-text target, holder from the registry
    assert (against["target"], against["target_entity_id"]) == ("Walmart's pricing", "")
    assert (against["holder"], against["holder_entity_id"]) == ("Walmart", str(ent["walmart"]))
    mixed = rows[ids["mixed"]]  # a whole-document stance toward a registry entity
    assert (mixed["start"], mixed["text"], mixed["target"]) == ("", "", "Walmart")
    assert mixed["target_entity_id"] == str(ent["walmart"])

    # Roles a layer does not have stay empty: an entity span has no source, cue or target.
    for column in ("source", "source_entity_id", "holder", "target", "cue_start", "cue_text"):
        assert walmart[column] == ""


def test_every_span_and_cue_is_the_document_slice(coded, tmp_path):
    ann, docs = tmp_path / "ann.csv", tmp_path / "docs.csv"
    export_annotations(coded, ann)
    export_documents(coded, docs)
    texts = {r["document_id"]: r["text"] for r in _read(docs)}
    assert texts == {"1": CODED, "2": CODED_2}
    cues = 0
    for row in _read(ann):
        if row["start"]:
            assert row["text"] == texts[row["document_id"]][int(row["start"]):int(row["end"])]
        if row["cue_start"]:
            cues += 1
            assert row["cue_text"] == texts[row["document_id"]][int(row["cue_start"]):int(row["cue_end"])]
    assert cues == 2


def test_attribute_columns_follow_the_codebook(coded, tmp_path):
    out = tmp_path / "ann.csv"
    export_annotations(coded, out)
    with open(out, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == ANNOTATION_COLUMNS + ATTR_COLUMNS == annotation_columns(coded)
    rows, ids = _by_id(out), coded.ids
    attrs = {key: [rows[ids[key]][c] for c in ATTR_COLUMNS] for key in ids}
    # choice, bool as yes/no, number exactly as stored, text with Korean and emoji
    assert attrs["claim"] == ["=misleading", "yes", "-12.5", "거짓 🚀"]
    assert attrs["claim_ko"] == ["", "no", "80", ""]
    assert attrs["quote"] == ["true", "", "", ""]  # Quote's Verdict shares Claim's column
    assert attrs["favor"] == ["mostly true, \"hedged\"", "", "", ""]  # so does Favor's verdict
    for key in ("walmart", "kim", "against", "mixed", "amazon_2"):  # no attributes on these labels
        assert attrs[key] == [""] * 4


def test_pandas_reads_the_new_columns(coded, tmp_path):
    ann, docs = tmp_path / "ann.csv", tmp_path / "docs.csv"
    export_annotations(coded, ann)
    export_documents(coded, docs)
    df, dd = _read_with_pandas(ann, docs)
    assert list(df.columns) == annotation_columns(coded) and list(dd.columns) == DOCUMENT_COLUMNS
    assert all(str(df[c].dtype) == "Int64" for c in INT_COLUMNS)
    claim = df.set_index("annotation_id").loc[coded.ids["claim"]]
    assert (claim["cue_start"], claim["cue_end"]) == _at(CODED, "said")
    assert claim["source_entity_id"] == coded.entity_ids["kim"] and claim["attr_confidence"] == "-12.5"
    assert df["cue_start"].isna().sum() == len(df) - 2
    texts = dict(zip(dd["document_id"], dd["text"]))
    spans = df[df["start"].notna()]
    assert len(spans) == 8
    assert all(texts[d][s:e] == t for d, s, e, t in zip(spans["document_id"], spans["start"], spans["end"],
                                                          spans["text"]))
    assert list(dd["memo"]) == ["Ask the desk 월마트 🚀", " \r\n"]


def test_entities_file(coded, tmp_path):
    out = tmp_path / "entities.csv"
    assert export_entities(coded, out) == 4
    with open(out, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ENTITY_COLUMNS
    rows = {r["name"]: r for r in _read(out)}
    assert list(rows) == ["Walmart", "=Kim Ji-ho", "아마존 🚀", "Unused Inc."]  # by entity id
    walmart = rows["Walmart"]
    assert walmart == {
        "entity_id": str(coded.entity_ids["walmart"]), "name": "Walmart", "type": "Organization",
        "aliases": "월마트 | Wal-Mart", "external_id": "Q483551", "memo": "Retailer, \"big\"\nsecond line",
        # Two linked spans in two documents; being the holder of a stance is not a mention.
        "mention_count": "2", "document_count": "2", "created_at": STAMP,
    }
    assert (rows["=Kim Ji-ho"]["type"], rows["=Kim Ji-ho"]["mention_count"]) == ("Person", "1")
    assert (rows["아마존 🚀"]["mention_count"], rows["아마존 🚀"]["document_count"]) == ("0", "0")
    assert rows["Unused Inc."]["aliases"] == ""


def test_memos_file(coded, tmp_path):
    out = tmp_path / "memos.csv"
    assert export_memos(coded, out) == 7
    with open(out, encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == MEMO_COLUMNS
    ids, ent = coded.ids, coded.entity_ids
    claim_label = coded.codebook.by_name("Claim").id
    assert [tuple(r.values()) for r in _read(out)] == [
        ("document", "1", "1", "월마트 vs 아마존", "Ask the desk 월마트 🚀"),
        ("annotation", str(ids["claim"]), "1", "prices fell.", "multi\nline, \"memo\""),
        ("annotation", str(ids["favor"]), "1", "prices fell", "+cmd"),
        # A whole-document stance is named by its target; document 2's blank memo is left out.
        ("annotation", str(ids["mixed"]), "2", "Walmart", "whole-document note"),
        ("entity", str(ent["walmart"]), "", "Walmart", "Retailer, \"big\"\nsecond line"),
        ("entity", str(ent["kim"]), "", "=Kim Ji-ho", "=HYPERLINK(\"http://evil.example\")"),
        ("label", str(claim_label), "", "Claim", "Count 'sources say' as a claim?"),
    ]


def test_excel_variant_neutralises_formulas_in_every_file(coded, tmp_path):
    files = {name: tmp_path / f"{name}-excel.csv" for name in ("ann", "entities", "memos", "docs")}
    export_annotations(coded, files["ann"], excel=True)
    export_entities(coded, files["entities"], excel=True)
    export_memos(coded, files["memos"], excel=True)
    export_documents(coded, files["docs"], excel=True)
    assert all(path.read_bytes().startswith(BOM) for path in files.values())

    rows, ids = _by_id(files["ann"], "utf-8-sig"), coded.ids
    assert rows[ids["kim"]]["entity_name"] == "'=Kim Ji-ho"
    assert rows[ids["claim"]]["source"] == "'=Kim Ji-ho"
    assert rows[ids["claim"]]["attr_verdict"] == "'=misleading"
    assert rows[ids["favor"]]["note"] == "'+cmd"
    # A stored number is a number to Excel, not a formula: "-12.5" stays as it is.
    assert rows[ids["claim"]]["attr_confidence"] == "-12.5"
    assert rows[ids["claim"]]["attr_attribute"] == "거짓 🚀"
    entities = {r["entity_id"]: r for r in _read(files["entities"], "utf-8-sig")}
    kim = entities[str(coded.entity_ids["kim"])]
    assert (kim["name"], kim["memo"]) == ("'=Kim Ji-ho", "'=HYPERLINK(\"http://evil.example\")")
    memos = _read(files["memos"], "utf-8-sig")
    assert {"'+cmd", "'=HYPERLINK(\"http://evil.example\")"} <= {r["memo"] for r in memos}
    assert "'=Kim Ji-ho" in {r["title_or_name"] for r in memos}
    assert _read(files["docs"], "utf-8-sig")[0]["memo"] == "Ask the desk 월마트 🚀"


def test_exporting_changes_nothing_in_the_project(coded, tmp_path):
    before = dump_connection(coded.store.conn)
    for export in (export_annotations, export_documents, export_entities, export_memos):
        export(coded, tmp_path / f"{export.__name__}.csv")
        export(coded, tmp_path / f"{export.__name__}-excel.csv", excel=True)
    assert dump_connection(coded.store.conn) == before


@ON_A_FILE
def test_new_files_refuse_the_project_file_and_a_folder(coded, tmp_path):
    before = dump_connection(coded.store.conn)
    for export in (export_entities, export_memos):
        with pytest.raises(ProjectError, match="project file itself"):
            export(coded, coded.path)
        with pytest.raises(IsADirectoryError):
            export(coded, tmp_path)
    assert dump_connection(coded.store.conn) == before


def test_slugs_for_attribute_names(tmp_path):
    with Project(tmp_path / "slugs.annotator") as p:
        claim, quote = p.codebook.by_name("Claim"), p.codebook.by_name("Quote")
        with p.store.write() as db:
            db.execute("DELETE FROM label_attributes")
            db.executemany(
                "INSERT INTO label_attributes(label_id, name, kind, sort_order) VALUES (?, ?, 'text', ?)",
                [(claim.id, "Café Rating", 0), (claim.id, "café-rating", 1), (claim.id, "출처", 2),
                 (claim.id, "근거", 3), (quote.id, "Café Rating", 0), (quote.id, "cafe_rating_2", 1)],
            )
        assert annotation_columns(p)[len(ANNOTATION_COLUMNS):] == [
            "attr_cafe_rating", "attr_cafe_rating_2", "attr_attribute", "attr_attribute_2",
            "attr_cafe_rating_2_2",
        ]
        assert export_annotations(p, tmp_path / "a.csv") == 0
        with open(tmp_path / "a.csv", encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == annotation_columns(p)


# -- one streamed query, whatever the size ----------------------------------------------------


def _formula_everywhere(coded) -> None:
    """Formula-like text in every kind of cell the annotation file has, and each attribute kind's odd values."""
    ids = coded.ids
    with coded.store.write() as db:
        db.execute("UPDATE documents SET title = '=cmd|\" /C calc\"!A0' WHERE id = 1")
        db.execute("UPDATE annotations SET annotator = '@me', note = '\tsum' WHERE id = ?", (ids["walmart"],))
        db.execute("UPDATE annotations SET source = '-a spokesperson' WHERE id = ?", (ids["claim_ko"],))
        db.execute("UPDATE annotations SET holder = '+the CEO', target = NULL WHERE id = ?", (ids["favor"],))
        db.execute("UPDATE annotations SET target = '\r=SUM(1)' WHERE id = ?", (ids["against"],))
        attribute = dict(db.execute("SELECT name, id FROM label_attributes"))
        db.execute("UPDATE annotation_values SET value = '-5%' WHERE annotation_id = ? AND attribute_id = ?",
                   (ids["claim_ko"], attribute["Confidence (%)"]))
        db.execute("UPDATE annotation_values SET value = '=yes' WHERE annotation_id = ? AND attribute_id = ?",
                   (ids["claim_ko"], attribute["Check-worthy"]))
    # A cue that starts like a formula: "-5%" in "Stock -5% today."
    coded.annotations.set_cue(ids["claim"], *_at(CODED, "-5%"))


def test_excel_variant_is_the_research_file_with_formula_cells_made_text(coded, tmp_path):
    _formula_everywhere(coded)
    research, excel = tmp_path / "research.csv", tmp_path / "excel.csv"
    export_annotations(coded, research)
    export_annotations(coded, excel, excel=True)
    with open(research, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    # What the Excel variant promises, cell by cell: every text cell starting = + - @ tab or CR gets an
    # apostrophe, a stored plain number does not, nothing else changes.
    numbers = {rows[0].index("attr_confidence")}
    expected = [[("'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not
                  (i in numbers and cell.lstrip("-").replace(".", "", 1).isdigit()) else cell)
                 for i, cell in enumerate(row)] for row in rows]
    with open(tmp_path / "expected.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(expected)
    assert excel.read_bytes() == (tmp_path / "expected.csv").read_bytes()
    by_id = _by_id(excel, "utf-8-sig")
    claim, claim_ko = by_id[coded.ids["claim"]], by_id[coded.ids["claim_ko"]]
    assert (claim["cue_text"], claim["attr_confidence"]) == ("'-5%", "-12.5")
    assert (claim_ko["attr_confidence"], claim_ko["attr_check_worthy"], claim_ko["source"]) == ("'-5%", "'=yes", "'-a spokesperson")
    assert by_id[coded.ids["against"]]["target"] == "'\r=SUM(1)"
    assert by_id[coded.ids["walmart"]]["document_title"] == "'=cmd|\" /C calc\"!A0"


def test_yes_no_words_are_written_as_yes_or_no(coded, tmp_path):
    worthy = coded.store.conn.execute("SELECT id FROM label_attributes WHERE name = 'Check-worthy'").fetchone()[0]
    for stored, written in (("True", "yes"), (" ON ", "yes"), ("1", "yes"), ("off", "no"), ("FALSE", "no"),
                            ("maybe", "maybe"), ("", "")):
        with coded.store.write() as db:
            db.execute("UPDATE annotation_values SET value = ? WHERE annotation_id = ? AND attribute_id = ?",
                       (stored, coded.ids["claim"], worthy))
        export_annotations(coded, tmp_path / "a.csv")
        assert _by_id(tmp_path / "a.csv")[coded.ids["claim"]]["attr_check_worthy"] == written, stored


def test_a_value_its_label_no_longer_defines_is_still_written(coded, tmp_path):
    # Left by a hand-edited file (annotator check reports it): the export shows the data as stored.
    verdict = coded.store.conn.execute("SELECT id FROM label_attributes WHERE name = 'Verdict' AND label_id = ?",
                                       (coded.codebook.by_name("Claim").id,)).fetchone()[0]
    with coded.store.write() as db:
        db.execute("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, 'odd')",
                   (coded.ids["walmart_2"], verdict))
    export_annotations(coded, tmp_path / "a.csv")
    assert _by_id(tmp_path / "a.csv")[coded.ids["walmart_2"]]["attr_verdict"] == "odd"


@ON_A_FILE
def test_annotations_stream_from_the_reading_order_index_in_one_query(coded, tmp_path):
    from annotator.core.interchange.tables import annotations_sql, attribute_columns

    conn = coded.store.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        export_annotations(coded, tmp_path / "a.csv")
    finally:
        conn.set_trace_callback(None)
    # A small project is one block, built by one query (attribute cells are lookups inside it);
    # the cues' document is read once.
    [block] = [s for s in statements if "FROM annotations a" in s]
    assert len([s for s in statements if "SELECT text FROM documents" in s]) == 1
    # The block and the row-by-row query (the preview's) both read the reading-order index, with no sort.
    for sql in (block, annotations_sql(conn, attribute_columns(coded))):
        plan = " | ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING INDEX idx_annotations_document_id_span_start_span_end" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_memory_stays_flat_however_many_rows(tmp_path):
    import tracemalloc

    def peak_for(rows: int) -> int:
        with Project(tmp_path / f"big{rows}.annotator") as p:
            text = "Walmart said prices fell, again. " * 40
            doc = p.documents.add(title="Long, \"quoted\" story", text=text)
            person = p.codebook.by_name("Person").id
            with p.store.write(undoable=False) as db:
                db.executemany(
                    "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'a note, with a comma', 'me', ?, ?)",
                    [(doc, person, i % 1000, i % 1000 + 7, text[i % 1000:i % 1000 + 7], STAMP, STAMP)
                     for i in range(rows)])
            tracemalloc.start()
            try:
                assert export_annotations(p, tmp_path / "a.csv") == rows
                _size, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        return peak

    # Rows go out a block at a time (a few MB however long the export): three times the rows,
    # all in one document and every row quoted, hold no more memory; a list of 60,000 rows would hold ~30 MB.
    small, large = peak_for(20_000), peak_for(60_000)
    assert large < 12_000_000, large
    assert large < small * 1.5, (small, large)
    assert (tmp_path / "a.csv").stat().st_size > 6_000_000


@ON_A_FILE
def test_an_export_on_a_worker_thread_reads_only_its_own_connection(coded, tmp_path):
    import threading

    export_annotations(coded, tmp_path / "here.csv")
    statements: list[str] = []
    coded.store.conn.set_trace_callback(statements.append)
    worker = coded.for_worker()
    outcome: list[object] = []

    def work() -> None:
        try:
            with worker.store.snapshot():
                outcome.append(export_annotations(worker, tmp_path / "there.csv", excel=False))
        except BaseException as exc:  # handed to the test thread to fail on
            outcome.append(exc)

    try:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(60)
    finally:
        worker.close()
        coded.store.conn.set_trace_callback(None)
    assert outcome == [10]
    assert statements == []  # the window's connection stays free while the worker exports
    assert (tmp_path / "there.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()
