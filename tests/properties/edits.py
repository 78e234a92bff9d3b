"""Generated sequences of an analyst's edits, carried out through the core.

A step is plain data (what to do, a few numbers that pick its targets, and some
typed words), so hypothesis can shrink a failing sequence to the steps that
matter. Numbers pick annotations, entities, labels and offsets modulo what
exists when the step runs, so every drawn sequence means something in any
state. Each step is one `store.edit`, as one user action in the GUI is; a step
the core refuses (AnnotationError, ProjectError) is part of the property too:
it must leave the project as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.model import STATUSES, Annotation
from annotator.core.project import Project
from tests.properties.unicode_text import news_text, words
from tests.support import span_of

# Fixed articles beside one generated per example: the fixed ones guarantee
# emoji, ZWJ families, Hangul and RTL in every run, however the draw shrinks.
ARTICLES = (
    "Walmart told suppliers to leave AWS, a spokesperson said 😀. 월마트는 아마존웹서비스 이용을 "
    "중단하라고 요청했다고 밝혔다. Amazon responded curtly; the family 👩\u200d👩\u200d👧 boycott "
    "hurts 🛒 shoppers.",
    "Caf\u00e9 owners in Tel Aviv (\u05ea\u05dc \u05d0\u05d1\u05d9\u05d1) and \u0627\u0644\u0642\u0627\u0647"
    "\u0631\u0629 disagree; e\u0301 and \U00020000 rare CJK, \u1112\u1161\u11ab jamo.\n\nSecond paragraph.",
)

KINDS = (
    "tag", "tag", "tag", "tag_document", "delete", "relabel", "set_span", "value", "value", "note", "role",
    "cue", "entity_create", "entity_create", "entity_link", "entity_merge", "entity_alias", "entity_memo",
    "document_memo", "document_status", "document_title",
)

Refusal = (AnnotationError, ProjectError)
"""What the core raises when an analyst's request does not fit: such an edit must change nothing."""


@dataclass(frozen=True)
class Step:
    kind: str
    picks: tuple[int, int, int, int]
    words: str

    def __repr__(self) -> str:  # short, for hypothesis's report of a failing sequence
        return f"Step({self.kind!r}, {self.picks}, {self.words!r})"


def steps(max_size: int = 16) -> st.SearchStrategy[list[Step]]:
    pick = st.integers(0, 10_000)
    step = st.builds(Step, st.sampled_from(KINDS), st.tuples(pick, pick, pick, pick), words())
    return st.lists(step, min_size=1, max_size=max_size)


def articles() -> st.SearchStrategy[str]:
    return news_text(min_size=1, max_size=30)


class Analyst:
    """Carries out steps on one project, each as one undoable edit."""

    def __init__(self, project: Project, generated_article: str):
        self.p = project
        texts = [*ARTICLES, "Generated: " + generated_article]
        self.docs = [project.documents.add(title=f"Article {i + 1}", text=text) for i, text in enumerate(texts)]
        book = project.codebook
        # Every attribute kind: the default codebook has choices and a yes/no; add free text and a number.
        book.add_attribute(book.by_name("Quote").id, "remark", "text")
        book.add_attribute(book.by_name("Figure").id, "amount", "number")
        book.add_attribute(book.by_name("Person").id, "named", "bool")
        self.labels = book.codable_labels()
        # A coded start, so that the first steps already have annotations and entities to work on.
        first = self.docs[0]
        walmart = project.entities.create("Walmart", book.by_name("Organization"), aliases=("월마트",))
        amazon = project.entities.create("Amazon", book.by_name("Organization"))
        project.annotations.add(first, book.by_name("Organization"), *span_of(ARTICLES[0], "Walmart"),
                                note="first tag")
        project.annotations.add(first, book.by_name("Claim"),
                                *span_of(ARTICLES[0], "Walmart told suppliers to leave AWS"), source="a spokesperson")
        project.annotations.add(first, book.by_name("Against"), *span_of(ARTICLES[0], "Amazon responded curtly"),
                                target_entity_id=amazon.id,
                                holder_entity_id=walmart.id)
        project.annotations.add(first, book.by_name("Favor"), target="the boycott")

    # -- picking ------------------------------------------------------------------

    def _annotation(self, n: int, layers: tuple[str, ...] = ()) -> Annotation | None:
        """The n-th annotation (modulo), of those in the given layers when some are named."""
        rows = self.p.store.query("SELECT a.id, l.layer FROM annotations a JOIN labels l ON l.id = a.label_id "
                                  "ORDER BY a.id")
        rows = [row for row in rows if not layers or row[1] in layers] or rows
        return self.p.annotations.get(rows[n % len(rows)][0]) if rows else None

    def _entity(self, n: int) -> int | None:
        rows = self.p.store.query("SELECT id FROM entities ORDER BY id")
        return rows[n % len(rows)][0] if rows else None

    def _span(self, doc_id: int, a: int, b: int) -> tuple[int, int]:
        length = len(self.p.documents.text(doc_id))
        start = a % length
        return start, start + 1 + b % (length - start)

    def _label(self, n: int, layer: str | None = None):
        labels = [label for label in self.labels if layer is None or label.layer == layer]
        return labels[n % len(labels)]

    def _role(self, choice: int, pick: int, text: str) -> dict[str, Any]:
        """An entity, free text, or nothing, as the analyst would fill in a role."""
        entity = self._entity(pick)
        if choice % 3 == 2 and entity is not None:
            return {"entity_id": entity}
        if choice % 3 >= 1:
            return {"text": text or "a spokesperson"}
        return {}

    # -- doing ----------------------------------------------------------------------

    def run(self, step: Step):
        """Carry out one step as one edit: (result, changeset), the changeset None when nothing changed."""
        return self.p.store.edit(self._do, step)

    def _do(self, step: Step) -> Any:
        p, (a, b, c, d), text = self.p, step.picks, step.words
        doc = self.docs[a % len(self.docs)]
        if step.kind == "tag":
            label = self._label(b)
            start, end = self._span(doc, c, d)
            roles: dict[str, Any] = {}
            if label.layer == "claim":
                source = self._role(a, c, text)
                roles = {"source_entity_id": source.get("entity_id"), "source": source.get("text")}
            elif label.layer == "stance":
                target = self._role(2 if a % 2 else 1, c, text) or {"text": "the boycott"}
                holder = self._role(d, b, text[::-1])
                roles = {"target_entity_id": target.get("entity_id"), "target": target.get("text"),
                         "holder_entity_id": holder.get("entity_id"), "holder": holder.get("text")}
            added = p.annotations.add(doc, label, start, end, **roles)
            if label.layer == "entity":  # as the GUI tags: link to the registry entity the text names
                p.entities.link_new_annotation(added)
            return added
        if step.kind == "tag_document":
            target = self._role(2 if c % 2 else 1, d, text)
            return p.annotations.add(doc, self._label(b, "stance"), target=target.get("text"),
                                     target_entity_id=target.get("entity_id"), note=text[:3])
        if step.kind.startswith("entity_") or step.kind.startswith("document_"):
            return self._registry_or_document(step, doc)
        # Roles and cues mostly go to claims and stances, where they fit; now and then anywhere, to be refused.
        fitting = {"role": ("claim", "stance"), "cue": ("claim",)}.get(step.kind, ()) if d % 5 else ()
        annotation = self._annotation(b, fitting)
        if annotation is None:
            return None
        if step.kind == "delete":
            return p.annotations.delete(annotation.id)
        if step.kind == "relabel":
            return p.annotations.relabel(annotation.id, self._label(c), target=text or None)
        if step.kind == "set_span":
            return p.annotations.set_span(annotation.id, *self._span(annotation.document_id, c, d))
        if step.kind == "note":
            return p.annotations.update(annotation.id, note=text)
        if step.kind == "role":
            layer = p.codebook.label(annotation.label_id).layer
            role = {"claim": "source", "stance": ("target", "holder")[c % 2]}.get(layer, "source")
            return p.annotations.set_role(annotation.id, role, **self._role(d, a, text))
        if step.kind == "cue":
            if c % 4 == 0:
                return p.annotations.set_cue(annotation.id, None, None)
            return p.annotations.set_cue(annotation.id, *self._span(annotation.document_id, c, d))
        if step.kind == "value":
            return self._value(annotation, c, d, text)
        raise AssertionError(f"unknown step {step.kind}")

    def _value(self, annotation: Annotation, c: int, d: int, text: str) -> Any:
        attributes = self.p.codebook.attributes(annotation.label_id)
        if not attributes:
            return None
        attribute = attributes[c % len(attributes)]
        if attribute.kind == "choice":
            options = [*attribute.choices, None]
            value: Any = options[d % len(options)]
        elif attribute.kind == "bool":
            value = (True, False, None)[d % 3]
        elif attribute.kind == "number":
            value = (str(c - d), f"{d}.{c % 100}", None)[d % 3]
        else:
            value = text
        return self.p.values.set(annotation.id, attribute.id, value)

    def _registry_or_document(self, step: Step, doc: int) -> Any:
        p, (_, b, c, d), text = self.p, step.picks, step.words
        if step.kind == "entity_create":
            name = text if d % 4 else f"Entity {c % 7}"  # repeats, to clash now and then
            aliases = (f"{name} Inc.",) if c % 2 else ()
            return p.entities.create(name, self._label(b, "entity"), aliases=aliases)
        if step.kind == "document_memo":
            return p.documents.set_memo(doc, text)
        if step.kind == "document_status":
            return p.documents.set_status(doc, STATUSES[b % len(STATUSES)])
        if step.kind == "document_title":
            return p.documents.set_title(doc, text)
        entity = self._entity(b)
        if entity is None:
            return None
        if step.kind == "entity_link":
            annotation = self._annotation(c)
            if annotation is None:
                return None
            return p.annotations.link_entity(annotation.id, None if d % 4 == 0 else entity)
        if step.kind == "entity_merge":
            return p.entities.merge(entity, self._entity(c))
        if step.kind == "entity_alias":
            return p.entities.add_alias(entity, text)
        if step.kind == "entity_memo":
            return p.entities.set_memo(entity, text)
        raise AssertionError(f"unknown step {step.kind}")
