"""Names that look like SQL, or like the parameter marks of either engine, are only ever values (issue 15, Design).

Every label, attribute, entity, alias, coder, note and target below goes to the database as
a parameter, never into the statement's text: the names come back byte for byte, and every
table is still there. On a shared project this also proves the dialect translation leaves
values alone (`?`, `%s`, `%(x)s` and `:name` are parameter marks to one engine or the other).
"""

from __future__ import annotations

import pytest

from annotator.core.coding import annotation_query as query
from annotator.core.coding.annotation_query import AnnotationFilter
from annotator.core.common.folding import fold

pytestmark = pytest.mark.both_engines

HOSTILE = [
    "O'Brien \"the\" ;",
    "'); DROP TABLE annotations; --",
    "\"; DELETE FROM labels; --",
    "%s",
    "%(x)s",
    "100% ?",
    ":name",
    "$1 $$ $tag$",
    "back\\slash \\' \\\"",
    "bell\x07 escape\x1b del\x7f",
    "월마트가 -- /* 주석 */",
    "🚀 👩‍👩‍👧 🇰🇷",
]
ARTICLE = "Amazon sued Walmart. 월마트는 아마존을 떠났다."


def tables(project) -> set[str]:
    if project.store.engine == "postgresql":
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {name for (name,) in project.store.conn.execute(sql)}


def test_hostile_names_come_back_byte_identical_and_every_table_stays(project):
    before = tables(project)
    assert {"annotations", "labels", "entities", "entity_aliases", "coders"} <= before
    doc = project.documents.add(title="'); DROP TABLE documents; -- %s ?", text=ARTICLE)
    organization = project.codebook.by_name("Organization")
    stance = project.codebook.by_name("Against")

    for n, name in enumerate(HOSTILE):
        label = project.codebook.add_label(name, "entity")
        assert project.codebook.by_name(name).id == label.id and label.name == name
        renamed = project.codebook.rename(label.id, f"{name} ({n})")
        assert renamed.name == f"{name} ({n})"
        attribute = project.codebook.add_attribute(label.id, name, "choice", choices=[name, f"{name}!"])
        assert (attribute.name, tuple(attribute.choices)) == (name, (name, f"{name}!"))

        coder = project.coders.add(f"{name} coder")
        assert project.coders.by_name(f"{name} coder").id == coder.id
        assert project.coders.rename(coder.id, f"{name} coder {n}").name == f"{name} coder {n}"

        entity = project.entities.create(name, organization, aliases=[f"{name} alias"])
        assert (entity.name, entity.aliases) == (name, (f"{name} alias",))
        entity = project.entities.add_alias(entity.id, f"{name} other")
        assert set(entity.aliases) == {f"{name} alias", f"{name} other"}
        assert project.entities.rename(entity.id, f"{name} Inc.").name == f"{name} Inc."
        # Searching the registry with the hostile text finds exactly that entity.
        assert project.entities.match(f"{name} alias").id == entity.id
        assert project.entities.match(f"{name} Inc.").id == entity.id

        tag = project.annotations.add(doc, project.codebook.label(label.id), 0, 6, note=name, coder=f"{name} coder {n}")
        project.values.set(tag.id, attribute.id, name)
        assert (tag.note, tag.annotator) == (name, f"{name} coder {n}")
        assert project.values.of(tag.id) == {attribute.id: name}
        toward = project.annotations.add(doc, stance, target=name)
        assert project.annotations.get(toward.id).target == name

    names = project.entities.names()
    for n, name in enumerate(HOSTILE):
        assert {f"{name} Inc.", f"{name} alias", f"{name} other"} <= set(names)
        assert project.codebook.by_name(f"{name} ({n})") is not None
        assert project.coders.by_name(f"{name} coder {n}") is not None
        # The table's text filter takes the hostile text as what to look for, nothing more.
        noted = {r.note for r in query.page(project, AnnotationFilter(text_contains=name), limit=500)}
        assert name in noted and all(fold(name) in fold(note) for note in noted if note)
    assert tables(project) == before
    assert query.count(project, AnnotationFilter()) == 2 * len(HOSTILE)
    assert project.documents.summaries()[0].title == "'); DROP TABLE documents; -- %s ?"


@pytest.mark.parametrize("named", [False, True], ids=["qmark", "named"])
def test_marks_inside_quoted_sql_are_text_and_marks_in_values_are_values(project, named):
    """The translation to PostgreSQL rewrites marks only outside quotes; a value is never read as SQL."""
    literal = "'?, %s, %(x)s, :x, 100%, it''s'"
    value = "? %s %(x)s :x 100% it's \\"
    if named:
        row = project.store.conn.execute(f"SELECT {literal}, :x, :y", {"x": value, "y": ":x"}).fetchone()
        assert tuple(row) == ("?, %s, %(x)s, :x, 100%, it's", value, ":x")
    else:
        row = project.store.conn.execute(f"SELECT {literal}, ?, ?", (value, "?")).fetchone()
        assert tuple(row) == ("?, %s, %(x)s, :x, 100%, it's", value, "?")
