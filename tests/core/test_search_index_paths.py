"""Every way a document enters a project puts it in the search index, in the same transaction.

No trigger indexes inserted documents (see schema.py's v4 step), so each path does it
itself; a path that forgot would leave documents that searches never find.
"""

from __future__ import annotations

import csv

from annotator.core.corpus.corpus_files import ColumnMapping, import_corpus
from annotator.core.corpus.importing import import_file, import_paths, import_seeds
from annotator.core.interchange.refi.export import export_qdpx
from annotator.core.interchange.refi.importer import import_qdpx
from annotator.core.project import Project
from annotator.core.search.fulltext import search


def _index_agrees(project) -> None:
    # FTS5 compares the index with the documents table and raises on any difference.
    project.store.conn.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")


def _found(project, word: str) -> list[str]:
    return [d.title for d in search(project, word).documents]


def test_each_import_path_makes_its_documents_searchable(tmp_path):
    with Project(tmp_path / "p.annotator") as project:
        project.documents.add(title="Added by hand", text="The zeppelinword arrived.")
        one = tmp_path / "one.txt"
        one.write_text("Single file\n\nA quokkaword walked in.", encoding="utf-8")
        import_file(project, one)
        folder = tmp_path / "batch"
        folder.mkdir()
        for n in range(3):
            (folder / f"{n}.txt").write_text(f"Batch {n}\n\nThe axolotlword number {n}.", encoding="utf-8")
        import_paths(project, [folder])
        import_seeds(project)
        corpus = tmp_path / "corpus.csv"
        with corpus.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([["title", "body"], ["Corpus row", "삼성전자가 narwhalword 발표했다."]])
        import_corpus(project, corpus, ColumnMapping(text="body", title="title"))
        _index_agrees(project)
        assert _found(project, "zeppelinword") == ["Added by hand"]
        assert _found(project, "quokkaword") == ["Single file"]
        assert sorted(_found(project, "axolotlword")) == ["Batch 0", "Batch 1", "Batch 2"]
        assert _found(project, "narwhalword") == ["Corpus row"]
        assert _found(project, "삼성전자")  # the Korean noun, particle attached
        assert len(search(project, "walmart").documents) >= 3  # the seeds
        export_qdpx(project, tmp_path / "all.qdpx")

    with Project(tmp_path / "copy.annotator") as copy:
        import_qdpx(copy, tmp_path / "all.qdpx")
        _index_agrees(copy)
        assert _found(copy, "quokkaword") == ["Single file"]
        assert _found(copy, "narwhalword") == ["Corpus row"]
