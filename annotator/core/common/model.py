"""Plain records the core hands out. They are immutable snapshots of rows."""

from __future__ import annotations

from dataclasses import dataclass

LAYERS = ("entity", "claim", "stance")
LAYER_NAMES = {"entity": "Entity", "claim": "Claim", "stance": "Stance"}

STATUSES = ("todo", "in_progress", "done")
STATUS_NAMES = {"todo": "To do", "in_progress": "In progress", "done": "Done"}


@dataclass(frozen=True)
class Label:
    """A codebook entry. Groups (is_group) only organise labels: they have no key and tag nothing."""

    id: int
    name: str
    layer: str
    key: str | None
    color: str
    description: str = ""
    sort_order: int = 0
    parent_id: int | None = None
    is_group: bool = False
    memo: str = ""


ATTRIBUTE_KINDS = ("choice", "text", "number", "bool")


@dataclass(frozen=True)
class Attribute:
    """A typed field the analyst fills in on annotations of one label (e.g. a claim's verdict)."""

    id: int
    label_id: int
    name: str
    kind: str  # one of ATTRIBUTE_KINDS
    choices: tuple[str, ...] = ()
    required: bool = False
    description: str = ""
    sort_order: int = 0


@dataclass(frozen=True)
class Entity:
    """A real-world referent in the registry; spans in many documents can mention it."""

    id: int
    name: str
    label_id: int  # its type: one of the entity-layer labels
    external_id: str = ""  # e.g. a Wikidata QID, free text
    memo: str = ""
    created_at: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentSummary:
    """What the document list shows, without the (possibly large) text."""

    id: int
    title: str
    status: str
    annotation_count: int


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    source: str
    sha256: str
    encoding: str
    imported_at: str
    status: str
    text: str


@dataclass(frozen=True)
class Annotation:
    """A label on a span [start, end) of code points, or on the whole document.

    Document-level annotations have start and end None and empty text.
    """

    id: int
    document_id: int
    label_id: int
    start: int | None
    end: int | None
    text: str
    target: str | None  # free-text stance target; target_entity_id when it is a registry entity
    note: str
    annotator: str
    created_at: str
    updated_at: str
    entity_id: int | None = None  # an entity span's link to the registry
    source_entity_id: int | None = None  # who makes a claim: an entity...
    source: str | None = None  # ...or free text ("a spokesperson")
    target_entity_id: int | None = None
    holder_entity_id: int | None = None  # who takes a stance
    holder: str | None = None
    cue_start: int | None = None  # a claim's attribution cue ("said", "밝혔다")
    cue_end: int | None = None
    coder_id: int | None = None  # whose annotation it is (coders); annotator is the name it was signed with

    @property
    def is_document_level(self) -> bool:
        return self.start is None


@dataclass(frozen=True)
class Coder:
    """Someone who codes in the project; their annotations and codesheet answers are theirs.

    is_gold marks the project's adjudicated layer (the gold coder): settled codes, not a coder's."""

    id: int
    name: str
    is_gold: bool = False


# A document variable's type, and the level of measurement its answers are compared at.
VARIABLE_KINDS = ("single_choice", "multiple_choice", "yes_no", "number", "date", "text")
VARIABLE_KIND_NAMES = {"single_choice": "single choice", "multiple_choice": "multiple choice", "yes_no": "yes/no",
                       "number": "number", "date": "date", "text": "short text"}
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Choice:
    """One answer a choice variable offers: an integer code and what it means (1 = Economy)."""

    code: int
    label: str


@dataclass(frozen=True)
class Variable:
    """A question the codesheet asks of every document (topic, tone, main actor...).

    choices are in the order the scale ranks them (what an ordinal variable's order means);
    a yes/no variable has none of its own: 1 = yes, 0 = no.
    """

    id: int
    name: str
    question: str
    kind: str  # one of VARIABLE_KINDS
    level: str  # one of LEVELS
    required: bool = False
    sort_order: int = 0
    choices: tuple[Choice, ...] = ()

    def label_of(self, code: int) -> str | None:
        return next((choice.label for choice in self.choices if choice.code == code), None)


ROLES = ("source", "target", "holder")
# Which layer may carry which role.
ROLE_LAYERS = {"source": "claim", "target": "stance", "holder": "stance"}
