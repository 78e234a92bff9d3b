"""A tag just made is listed from the page already read, not by reading the list again (issue 17, tag).

The annotations list reads a document's spans a page at a time; each new tag used to drop every
kept page, so selecting the new row read its page again through an OFFSET walk of the index.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.project import Project
from annotator.ui.coding.annotation_list import AnnotationListModel
from annotator.ui.common.models import ANNOTATION_ID_ROLE


def _listed(project: Project):
    """A document of 450 claims (three pages of the list) and the list model showing it."""
    doc = project.documents.add(title="Long", text="word " * 1000)
    claim = project.codebook.by_name("Claim")
    ids = [project.annotations.add(doc, claim, i * 10, i * 10 + 4).id for i in range(450)]
    model = AnnotationListModel(project)
    model.set_document(doc)
    return doc, claim, ids, model


def test_a_new_tag_takes_its_place_in_the_kept_page_and_later_rows_shift(qtbot, tmp_path: Path) -> None:
    with Project(tmp_path / "study.annotator") as project:
        doc, claim, ids, model = _listed(project)
        listed = lambda row: model.index(row).data(ANNOTATION_ID_ROLE)  # noqa: E731
        assert (listed(5), listed(250)) == (ids[5], ids[250])  # pages 0 and 1 read
        read = model.page_fetches

        new = project.annotations.add(doc, claim, 2501, 2503).id  # inside span 250: row 251 in reading order

        assert model.rowCount() == 451
        assert [listed(r) for r in (0, 199, 200, 250, 251, 252, 399)] == [
            ids[0], ids[199], ids[200], ids[250], new, ids[251], ids[398]]
        assert model.page_fetches == read  # both pages were kept: nothing read again
        assert listed(400) == ids[399]  # the page after: read again, shifted by one
        assert model.page_fetches == read + 1
        model.detach()


def test_a_tag_on_a_page_not_kept_is_selected_without_counting_again_and_read_when_shown(qtbot, tmp_path: Path) -> None:
    with Project(tmp_path / "study.annotator") as project:
        doc, claim, ids, model = _listed(project)
        assert model.index(5).data(ANNOTATION_ID_ROLE) == ids[5]
        new = project.annotations.add(doc, claim, 4201, 4203).id  # row 421, on page 2, never read
        statements: list[str] = []
        project.store.conn.set_trace_callback(statements.append)
        assert model.row_of(new) == 421  # the window selects the new tag next: its row is already known
        project.store.conn.set_trace_callback(None)
        assert statements == []
        assert [model.index(r).data(ANNOTATION_ID_ROLE) for r in (5, 420, 421, 422, 450)] == [
            ids[5], ids[420], new, ids[421], ids[449]]
        model.detach()
