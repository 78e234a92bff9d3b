"""Reading a document's text: kept between key presses, never stale."""

from __future__ import annotations

from annotator.core.project import Project


def test_an_id_freed_and_reused_reads_the_new_text(tmp_path):
    with Project(tmp_path / "p.annotator") as project:
        first = project.documents.add(title="One", text="Walmart left AWS 🚀.")
        assert project.documents.text(first) == "Walmart left AWS 🚀."  # now kept
        # No edit deletes a document today; a file repaired by hand or a future delete could.
        project.store.conn.execute("DELETE FROM documents WHERE id = ?", (first,))
        second = project.documents.add(title="Two", text="삼성전자가 만족했다.")
        assert second == first  # SQLite hands the freed id out again
        assert project.documents.text(second) == "삼성전자가 만족했다."
        # Tagging checks spans against the same text.
        label = project.codebook.in_layer("entity")[0]
        added = project.annotations.add(second, label, 0, 4)
        assert added.text == "삼성전자"


def test_a_missing_document_is_reported_not_read(tmp_path):
    with Project(tmp_path / "p.annotator") as project:
        try:
            project.documents.text(404)
        except KeyError:
            pass
        else:
            raise AssertionError("a missing document read as text")
