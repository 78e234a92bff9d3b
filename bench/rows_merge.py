"""Row 10: merging a coder's file back into the project (issue 14, item 3).

The lead's project holds N documents with a codesheet; a file handed out for all of them is
filled as a coder would leave it (annotations with roles and attribute values, answers, coded
marks), then merged into a fresh copy of the lead's project each round. The reference copies
the same rows with raw SQLite in the same run: ATTACH the coder's file and INSERT ... SELECT
each table, ids mapped by the documents' own ids (which handout keeps), no checks at all.
"""

from __future__ import annotations

import gc
import random
import shutil
import sqlite3
from pathlib import Path

from .common import Context, check
from .report import RowResult

SPANS_PER_DOCUMENT = 10
WORDS = ("price", "rice", "minister", "said", "growth", "export", "union", "court", "ruling", "market", "rose", "fell")


def documents_for(ctx: Context) -> int:
    return 1_000 if ctx.quick else 10_000


def build(folder: Path, documents: int) -> tuple[Path, Path]:
    """The lead's project and a coder's file handed out from it and coded; built once per run."""
    from annotator.core.project import Project
    from annotator.core.search.index import add_to_index
    from annotator.core.store.database import now
    from annotator.core.team.handout import handout
    from annotator.core.corpus.documents import text_sha256

    lead, coder = folder / "lead.annotator", folder / "coder.annotator"
    rng = random.Random(10)
    with Project(lead) as p:
        p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics"), (9, "Other")])
        p.variables.add("tone", "single_choice", level="ordinal", choices=["negative", "neutral", "positive"])
        p.variables.add("sources", "number")
        texts = [" ".join(rng.choice(WORDS) for _ in range(200)) + f" ({n})" for n in range(documents)]
        with p.store.write(undoable=False) as db:  # an import's shape, in one transaction
            stamp = now()
            db.executemany("INSERT INTO documents(id, title, sha256, imported_at, text) VALUES (?, ?, ?, ?, ?)",
                           [(n + 1, f"Article {n + 1}", text_sha256(t), stamp, t) for n, t in enumerate(texts)])
            add_to_index(db, [(n + 1, f"Article {n + 1}", t) for n, t in enumerate(texts)])
        handout(p, "Kim", coder)
    with Project(coder, create=False) as c:
        claim, org = c.codebook.by_name("Claim"), c.codebook.by_name("Organization")
        kind = c.codebook.attributes(claim.id)[0]
        mof = c.entities.create("Ministry of Finance", org)
        stamp = now()
        with c.store.write(undoable=False) as db:
            coder_id = c.coders.current_id(db)
            for doc in range(1, documents + 1):
                for k in range(SPANS_PER_DOCUMENT):
                    label = claim if k % 2 else org
                    start = k * 100 + rng.randint(0, 20)
                    end = start + rng.randint(10, 60)
                    text = texts[doc - 1][start:end]
                    annotation = db.execute(
                        "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, annotator, "
                        "created_at, updated_at, coder_id, entity_id) VALUES (?, ?, ?, ?, ?, 'Kim', ?, ?, ?, ?)",
                        (doc, label.id, start, end, text, stamp, stamp, coder_id,
                         mof.id if label is org and k == 0 else None)).lastrowid
                    if label is claim:
                        db.execute("INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (?, ?, ?)",
                                   (annotation, kind.id, rng.choice(kind.choices)))
                variables = c.variables.list()
                db.executemany("INSERT INTO variable_values(document_id, variable_id, coder_id, value, updated_at) "
                               "VALUES (?, ?, ?, ?, ?)",
                               [(doc, v.id, coder_id, str(rng.randint(1, 2)), stamp) for v in variables])
                db.execute("INSERT INTO coded_documents(document_id, coder_id, coded_at) VALUES (?, ?, ?)",
                           (doc, coder_id, stamp))
    return lead, coder


def raw_merge(target: Path, coder: Path) -> None:
    """The reference: the coder's rows copied over with ATTACH and INSERT ... SELECT, nothing checked."""
    conn = sqlite3.connect(str(target), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("ATTACH DATABASE ? AS coder", (str(coder),))
        conn.execute("BEGIN")
        conn.execute("INSERT INTO coders(name) SELECT name FROM coder.coders")
        conn.execute("INSERT INTO entities(name, folded, label_id, external_id, memo, created_at) "
                     "SELECT name, folded, label_id, external_id, memo, created_at FROM coder.entities")
        offset = conn.execute("SELECT coalesce(max(id), 0) FROM annotations").fetchone()[0]
        columns = ("document_id, label_id, span_start, span_end, text, target, note, annotator, created_at, "
                   "updated_at, entity_id, source_entity_id, target_entity_id, holder_entity_id, source, holder, "
                   "cue_start, cue_end, coder_id")
        conn.execute(f"INSERT INTO annotations(id, {columns}) SELECT id + ?, {columns} FROM coder.annotations",
                     (offset,))
        conn.execute("INSERT INTO annotation_values SELECT annotation_id + ?, attribute_id, value "
                     "FROM coder.annotation_values", (offset,))
        conn.execute("INSERT INTO variable_values SELECT * FROM coder.variable_values")
        conn.execute("INSERT INTO coded_documents SELECT * FROM coder.coded_documents")
        conn.execute("COMMIT")
    finally:
        conn.close()


def row_merge(ctx: Context, results: list[RowResult]) -> None:
    from annotator.core.project import Project
    from annotator.core.team.merge import merge

    result = results[0]
    documents = documents_for(ctx)
    folder = ctx.workdir / "merge"
    folder.mkdir(parents=True, exist_ok=True)
    lead, coder = build(folder, documents)
    report = None
    for i in ctx.timed_rounds():
        target, raw = folder / f"round-{i}.annotator", folder / f"raw-{i}.annotator"
        shutil.copyfile(lead, target)
        shutil.copyfile(lead, raw)
        with Project(target, create=False) as p:
            gc.collect()
            with ctx.clock(profile=i >= ctx.warmup) as c:
                report = merge(p, [coder])
            merged = p.store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
            again = merge(p, [coder])
        gc.collect()
        with ctx.clock() as r:
            raw_merge(raw, coder)
        with sqlite3.connect(str(raw)) as conn:
            raw_count = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
        for path in (target, raw):
            path.unlink()
        if i >= ctx.warmup:
            result.samples.append(c.ms / 1000)
            result.reference.append(r.ms / 1000)
        check(merged == raw_count == documents * SPANS_PER_DOCUMENT,
              f"merge brought {merged} annotations, the raw copy {raw_count}, the file holds "
              f"{documents * SPANS_PER_DOCUMENT}")
        check(not again.changed, "merging the same file again changed the project")
    kim = report.coders["Kim"]
    check((kim.answers, kim.marks, len(kim.documents)) == (3 * documents, documents, documents),
          f"answers {kim.answers}, marks {kim.marks}, documents {len(kim.documents)}")
    result.checked = True
    result.notes.append(f"{kim.annotations:,} annotations ({kim.attribute_values:,} attribute values), "
                        f"{kim.answers:,} answers and {kim.marks:,} coded marks into {documents:,} documents; "
                        "merging it again added nothing")
