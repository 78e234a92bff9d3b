"""The codebook: the default labels and their keys, and refusing ambiguous codebook files."""

from __future__ import annotations

import copy

import pytest

from annotator.core.coding.codebook import default_codebook, validate_codebook
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LAYERS

pytestmark = pytest.mark.both_engines

DEFAULT = [
    # (layer, name, key)
    ("entity", "Person", "P"),
    ("entity", "Organization", "O"),
    ("entity", "Location", "L"),
    ("entity", "Product or service", "R"),
    ("entity", "Event", "V"),
    ("entity", "Figure", "M"),
    ("entity", "Date", "D"),
    ("claim", "Claim", "C"),
    ("claim", "Quote", "Q"),
    ("stance", "Favor", "F"),
    ("stance", "Against", "A"),
    ("stance", "Neutral", "N"),
    ("stance", "Mixed", "X"),
]


def test_new_project_has_exactly_the_default_labels_in_order(project):
    labels = project.codebook.labels()
    assert [(lab.layer, lab.name, lab.key) for lab in labels] == DEFAULT
    assert len({lab.key for lab in labels}) == len(labels)
    assert len({lab.name.casefold() for lab in labels}) == len(labels)
    assert all(lab.color.startswith("#") and len(lab.color) == 7 for lab in labels)
    assert all(lab.description for lab in labels)


def test_default_codebook_file_validates_to_the_same_labels():
    rows = validate_codebook(default_codebook())
    assert [(r["layer"], r["name"], r["key"]) for r in rows] == DEFAULT
    assert [r["sort_order"] for r in rows] == list(range(len(DEFAULT)))


def test_lookups_by_key_name_and_layer(project):
    cb = project.codebook
    assert cb.by_key("o").name == "Organization"
    assert cb.by_key("Z") is None
    assert cb.by_name("product OR service").key == "R"
    assert cb.by_name("Nobody") is None
    assert [lab.name for lab in cb.in_layer("claim")] == ["Claim", "Quote"]
    assert [lab.name for lab in cb.in_layer("stance")] == ["Favor", "Against", "Neutral", "Mixed"]
    favor = cb.by_key("F")
    assert cb.label(favor.id) == favor
    with pytest.raises(KeyError):
        cb.label(10_000)


def test_reopening_does_not_install_the_codebook_twice(tmp_path):
    from annotator.core.project import Project

    path = tmp_path / "twice.annotator"
    with Project(path) as p:
        first = p.codebook.labels()
    with Project(path) as p:
        assert p.codebook.labels() == first


def test_installing_over_an_existing_codebook_is_refused(project):
    before = project.codebook.labels()
    with pytest.raises(ProjectError, match="already has a codebook"):
        project.codebook.install(default_codebook())
    assert project.codebook.labels() == before


# -- validate_codebook ------------------------------------------------------------------


def _book(*layers: tuple[str, list[dict]]) -> dict:
    return {"format": "annotator-codebook", "layers": [{"id": i, "labels": labels} for i, labels in layers]}


def _label(name: str, key: str, color: str = "#112233") -> dict:
    return {"name": name, "key": key, "color": color}


def test_duplicate_key_is_refused_naming_both_labels():
    data = _book(("entity", [_label("Person", "P")]), ("claim", [_label("Prediction", "P")]))
    with pytest.raises(ProjectError) as info:
        validate_codebook(data)
    message = str(info.value)
    assert "Person" in message and "Prediction" in message and "P" in message


def test_keys_differing_only_in_case_are_duplicates():
    data = _book(("entity", [_label("Person", "P"), _label("Place", "p")]))
    with pytest.raises(ProjectError, match="Person.*Place"):
        validate_codebook(data)


def test_duplicate_names_are_refused_ignoring_case():
    data = _book(("entity", [_label("Person", "P")]), ("claim", [_label("person", "Q")]))
    with pytest.raises(ProjectError, match="named"):
        validate_codebook(data)


@pytest.mark.parametrize("color", ["red", "#12345", "#1234567", "123456", "#GG0000", "", "#fff"])
def test_bad_colours_are_refused(color):
    data = _book(("entity", [_label("Person", "P", color)]))
    with pytest.raises(ProjectError, match="colour"):
        validate_codebook(data)


def test_colours_are_normalised_to_upper_case():
    rows = validate_codebook(_book(("entity", [_label("Person", "p", "#a1b2c3")])))
    assert (rows[0]["color"], rows[0]["key"]) == ("#A1B2C3", "P")


@pytest.mark.parametrize("layer", ["topic", "Entity", "", None])
def test_unknown_layers_are_refused(layer):
    data = _book((layer, [_label("Person", "P")]))
    with pytest.raises(ProjectError, match="Unknown layer") as info:
        validate_codebook(data)
    assert all(known in str(info.value) for known in LAYERS)


@pytest.mark.parametrize("key", ["", "PP", "!", " "])
def test_keys_must_be_one_letter_or_digit(key):
    with pytest.raises(ProjectError, match="one-character key"):
        validate_codebook(_book(("entity", [_label("Person", key)])))


def test_label_without_a_name_is_refused():
    with pytest.raises(ProjectError, match="no name"):
        validate_codebook(_book(("entity", [_label("   ", "P")])))


def test_file_that_is_not_a_codebook_is_refused():
    data = copy.deepcopy(default_codebook())
    del data["format"]
    with pytest.raises(ProjectError, match="Not an Annotator codebook"):
        validate_codebook(data)


def test_refused_codebook_installs_nothing(tmp_path):
    from annotator.core.coding.codebook import Codebook
    from annotator.core.store.database import Store

    store = Store(tmp_path / "bare.annotator")
    try:
        book = Codebook(store)
        bad = _book(("entity", [_label("Person", "P")]), ("claim", [_label("Prediction", "P")]))
        with pytest.raises(ProjectError):
            book.install(bad)
        assert book.labels() == []
        good = _book(("entity", [_label("Person", "P")]), ("stance", [_label("Favor", "F")]))
        book.install(good)
        assert [(lab.name, lab.layer) for lab in book.labels()] == [("Person", "entity"), ("Favor", "stance")]
    finally:
        store.close()


def _codebook_work(tmp_path, labels: int, *, twice: bool = False) -> int:
    """SQLite virtual-machine steps (in hundreds) an import of a codebook of this many labels costs."""
    import json

    from annotator.core.coding.codebook_files import FORMAT, import_codebook
    from annotator.core.project import Project

    folder = tmp_path / f"{labels}-{twice}"
    folder.mkdir()
    groups = [{"name": f"Group {g}", "group": True, "labels": [
        {"name": f"Label {g}.{i}", "color": "#336699", "attributes": [{"name": "tone", "kind": "text"}]}
        for i in range(labels // 10)]} for g in range(10)]
    (folder / "book.json").write_text(json.dumps({"format": FORMAT, "version": 2,
                                                  "layers": [{"id": "claim", "labels": groups}]}))
    with Project(folder / "p.annotator") as project:
        if twice:  # the second import matches every label: the update path
            import_codebook(project, folder / "book.json")
        steps = [0]
        project.store.conn.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1) or 0, 100)
        report = import_codebook(project, folder / "book.json")
        assert (report.added, report.updated) == ((0, 0) if twice else (labels + 10, 0))
        group = project.codebook.by_name("Group 3")
        assert [label.name for label in project.codebook.children(group.id)] == [
            f"Label 3.{i}" for i in range(labels // 10)]
    return steps[0]


@pytest.mark.parametrize("twice", [False, True], ids=["new labels", "matched labels"])
def test_a_codebook_import_costs_in_proportion_to_its_labels(tmp_path, twice):
    # Before: every label's edit re-read the whole codebook, so 1,000 labels took 22 s and 3,000 took 206 s;
    # doubling the labels here quadrupled SQLite's work.
    small, large = _codebook_work(tmp_path, 200, twice=twice), _codebook_work(tmp_path, 400, twice=twice)
    assert large < 2.4 * small


def _replace_statements(tmp_path, labels: int) -> tuple[int, int, int]:
    """Statements a replacing import runs that removes this many labels (and their groups and attributes):
    (all of them, those that read the whole codebook, thousands of SQLite VM steps for all of it)."""
    import json

    from annotator.core.coding.codebook_files import FORMAT, codebook_data, import_codebook
    from annotator.core.project import Project

    folder = tmp_path / f"replace-{labels}"
    folder.mkdir()
    groups = [{"name": f"Group {g}", "group": True, "labels": [
        {"name": f"Label {g}.{i}", "color": "#336699", "attributes": [{"name": "tone", "kind": "text"}]}
        for i in range(labels // 10)]} for g in range(10)]
    (folder / "big.json").write_text(json.dumps({"format": FORMAT, "version": 2,
                                                 "layers": [{"id": "claim", "labels": groups}]}))
    (folder / "small.json").write_text(json.dumps({"format": FORMAT, "version": 2, "layers": [
        {"id": "claim", "labels": [{"name": "Claim", "color": "#336699"}]}]}))
    with Project(folder / "p.annotator") as project:
        import_codebook(project, folder / "big.json")
        before = codebook_data(project)
        statements: list[str] = []
        steps = [0]

        def step() -> int:
            steps[0] += 1
            return 0

        project.store.conn.set_trace_callback(statements.append)
        project.store.conn.set_progress_handler(step, 1000)
        report = import_codebook(project, folder / "small.json", mode="replace")
        project.store.conn.set_progress_handler(None, 0)
        project.store.conn.set_trace_callback(None)
        assert report.removed == labels + 10 + 12  # the file's labels, their groups, the starting codebook's
        assert [label.name for label in project.codebook.labels()] == ["Claim"]
        project.store.undo(project.store.last_changeset)  # one edit, undone whole
        assert codebook_data(project) == before
    reads = [sql for sql in statements if sql.startswith("SELECT") and "FROM labels ORDER BY" in sql]
    return len(statements), len(reads), steps[0]


def test_a_replacing_import_removes_labels_together_not_one_by_one(tmp_path):
    # Before: each label left out of the file was deleted on its own, re-reading the whole codebook
    # and renumbering its siblings every time, so the work grew with the square of the labels.
    (small, small_reads, small_steps), (large, large_reads, large_steps) = (
        _replace_statements(tmp_path, 200), _replace_statements(tmp_path, 400))
    assert large_reads == small_reads  # the codebook is read a fixed number of times, not once per label
    assert large < 2.2 * small
    # SQLite's own work too: checking the keys that point at each deleted label (a parent, an
    # entity's type) must find them by index, not scan every label once per label.
    assert large_steps < 2.6 * small_steps
