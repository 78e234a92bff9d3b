"""Render the windows the README shows, on a throw-away project built from the seeds.

Run under a real X server so fonts and styles are what an analyst sees:
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/screenshots.py docs/

Writes main-window.png (all three layers on the Korean article), codebook-editor.png,
entities-panel.png (Walmart's mentions across the seeds), annotation-table.png,
search.png (a corpus search with keyword-in-context hits), then, with a second coder and
document variables added, codesheet.png (the Codesheet tab) and coders.png (every coder's
highlights told apart), then has three coders code the seeds
for agreement.png (Analyze › Agreement).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer


def tag(project, doc_id, key, phrase, occurrence=1, **roles):
    text = project.documents.text(doc_id)
    start = -1
    for _ in range(occurrence):
        start = text.index(phrase, start + 1)
    label = project.codebook.by_key(key)
    added = project.annotations.add(doc_id, label, start, start + len(phrase), **roles)
    if label.layer == "entity":
        project.entities.link_new_annotation(added)
    return project.annotations.get(added.id)


def build(project) -> dict[str, int]:
    from annotator.core.corpus.importing import import_seeds

    import_seeds(project)
    docs = {d.title: d.id for d in project.documents.summaries()}
    korean = next(i for t, i in docs.items() if "월마트" in t)
    org = project.codebook.by_key("O")
    walmart = project.entities.create("Walmart", org, aliases=("월마트", "Walmart Inc."), external_id="Q483551")
    amazon = project.entities.create("Amazon", org, aliases=("아마존",), external_id="Q3884")
    project.entities.create("Amazon Web Services", project.codebook.by_key("R"),
                            aliases=("AWS", "아마존웹서비스"), external_id="Q456157")
    project.entities.create("Microsoft", org, aliases=("마이크로소프트", "MS"), external_id="Q2283")
    # Walmart across the corpus, then one step tags its other mentions like the panel's button does.
    for doc_id in docs.values():
        body = [c for c in project.entities.find_mentions(walmart.id, doc_id) if c.start > 200]
        project.entities.tag_mentions(walmart.id, body[:2])
    tag(project, korean, "O", "홀푸드")
    tag(project, korean, "O", "아마존", occurrence=3)
    tag(project, korean, "D", "21일(현지시간)")
    tag(project, korean, "O", "월스트리트저널(WSJ)")
    tag(project, korean, "R", "아마존웹서비스(AWS)")
    tag(project, korean, "O", "마이크로소프트(MS)")
    claim = tag(project, korean, "C",
                "월마트는 이날 IT협력사들을 상대로 아마존의 클라우드 서비스인 아마존웹서비스(AWS) 이용을 중단할 것을 요청했다",
                source_entity_id=walmart.id)
    for attribute in project.codebook.attributes(claim.label_id):
        value = {"type": "factual", "checkworthy": "yes", "verdict": "accurate"}.get(attribute.name)
        if value:
            project.values.set(claim.id, attribute.id, value)
    tag(project, korean, "A", "몽니를 부리고 나선 것이다", target_entity_id=walmart.id)
    project.annotations.add(korean, project.codebook.by_key("A"), target_entity_id=amazon.id)
    project.documents.set_status(korean, "in_progress")
    english = next(i for t, i in docs.items() if t.startswith("What If"))
    tag(project, english, "Q", "citing the potential security risks of ‘sensitive data’ being stored on competitors’ platforms",
        source="a spokesperson for Walmart")
    tag(project, english, "M", "about a tenth of Amazon’s revenue")
    return {"korean": korean, "walmart": walmart.id}


def team(project, korean: int) -> None:
    """A second coder's codes and a codesheet, added after the one-coder pictures."""
    variables = project.variables
    variables.add("topic", "single_choice", question="What is the article mainly about?", required=True,
                  choices=["Economy", "Politics", "Society", "Technology"])
    variables.add("tone", "single_choice", question="Tone toward Walmart", level="ordinal", required=True,
                  choices=[(1, "negative"), (2, "neutral"), (3, "positive")])
    variables.add("actors", "multiple_choice", question="Who acts in the article?",
                  choices=["Government", "Companies", "Citizens", "Experts"])
    variables.add("korean_source", "yes_no", question="Does it cite a Korean source?")
    variables.add("sources", "number", question="How many sources are quoted?")
    project.codesheet.set_many(korean, {"topic": 4, "actors": [2]})
    person = project.coders.current_name
    project.coders.current_name = "lee"
    tag(project, korean, "O", "아마존", occurrence=3)
    tag(project, korean, "O", "월마트", occurrence=2)
    tag(project, korean, "R", "아마존웹서비스")
    tag(project, korean, "V", "21일(현지시간)")
    project.codesheet.set_many(korean, {"topic": 1, "tone": 1, "actors": [2, 4]})
    project.coders.current_name = person


TEAM = ("김민지", "이지은", "Park")
TEAM_WORDS = ("Walmart", "Amazon", "월마트", "아마존", "Microsoft", "AWS")


# A word the whole-name coding tags -> the registry entity it names (build() creates them); a word that
# begins a longer name (아마존웹서비스, Amazon Web Services) is that name's, not the shorter one's.
ENTITY_OF = {"Walmart": "Walmart", "월마트": "Walmart", "Amazon": "Amazon", "아마존": "Amazon",
             "Microsoft": "Microsoft", "AWS": "Amazon Web Services"}
LONGER = {"아마존": ("웹서비스",), "Amazon": (" Web Services", " Web Service")}


def build_team(project, whole_names: bool = False) -> None:
    """Three coders code every seed (after team()): organisations and a codesheet, with the slips real coders make.

    By default the third coder's spans sometimes run on past the name ("Walmart ha"), unlinked, as the
    agreement picture wants boundary disagreements; whole_names codes each mention as its whole name,
    linked to its registry entity (월마트 to Walmart, 아마존 to Amazon), for charts of real entities."""
    import random

    for coder in project.coders.list()[:1]:  # whoever tagged the other shots' codes: not one of the three
        project.coders.rename(coder.id, "Lead")
    org = project.codebook.by_key("O")
    entities = {e.name: project.entities.get(e.id) for e in project.entities.all()} if whole_names else {}
    rng = random.Random(14)
    docs = project.documents.ids()
    truth = {doc: (rng.choice([1, 1, 2, 2, 4]), rng.choice([1, 2, 2, 3]), rng.randint(1, 6)) for doc in docs}
    for n, coder in enumerate(TEAM):
        project.annotations.annotator = coder
        for doc in docs:
            text = project.documents.text(doc)
            for word in TEAM_WORDS:
                start = text.find(word)
                while start >= 0 and start < 4000:
                    if rng.random() > 0.12 * (n + 1):  # each coder misses a few, the third most
                        end = start + len(word) + (3 if n == 2 and rng.random() < 0.2 else 0)
                        if not whole_names:
                            project.annotations.add(doc, org, start, end)
                        elif not any(text.startswith(more, start + len(word)) for more in LONGER.get(word, ())):
                            entity = entities[ENTITY_OF[word]]
                            label = project.codebook.label(entity.label_id)
                            added = project.annotations.add(doc, label, start, start + len(word))
                            project.annotations.link_entity(added.id, entity.id)
                    start = text.find(word, start + len(word))
            topic, tone, sources = truth[doc]
            slip = rng.random() < 0.1 * (n + 1)
            korean_source = any("\uac00" <= ch <= "\ud7a3" for ch in text[:2000])
            project.codesheet.set_many(doc, {"topic": 3 if slip else topic,
                                             "tone": tone if rng.random() > 0.35 else rng.choice([1, 2, 3]),
                                             "actors": [2, 4] if rng.random() < 0.3 else [2],
                                             "korean_source": korean_source != (rng.random() < 0.1),
                                             "sources": sources + (rng.choice([-1, 1]) if slip else 0)},
                                       coder=coder)


def main(out_dir: str) -> int:
    home = tempfile.mkdtemp(prefix="annotator-shots-")
    os.environ["ANNOTATOR_HOME"] = home
    from annotator.core.project import Project
    from annotator.ui.app import create_app
    from annotator.ui.common import settings
    from annotator.ui.common.coder_view import ALL
    from annotator.ui.coding.annotation_table import open_annotation_table
    from annotator.ui.main_window import MainWindow
    from annotator.ui.team.agreement import open_agreement

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = create_app()
    project = Project(Path(home) / "Newsroom study.annotator")
    settings.settings().setValue("preferences/annotator", "kim")  # the coder the status bar names
    project.coders.current_name = "kim"
    ids = build(project)
    window = MainWindow(project)
    window.resize(1560, 940)
    window.show()
    window.open_document(ids["korean"])
    rows = window.annotation_panel.model
    claim_row = next(r for r in range(rows.rowCount()) if rows.annotation(r).text.startswith("월마트는 이날"))
    window.annotation_panel.select(rows.annotation(claim_row).id)
    steps = []

    def shoot(widget, name):
        widget.grab().save(str(out / name))
        print(f"wrote {out / name}")

    def main_window():
        shoot(window, "main-window.png")

    def codebook():
        window.open_codebook()
        editor = window.tool_window("codebook_editor")
        editor.resize(1060, 640)  # wide enough for the attribute table's four columns
        editor.show()
        steps.append(lambda: shoot(editor, "codebook-editor.png"))

    def entities():
        window.tool_window("codebook_editor").close()
        panel = window.entities_panel
        panel.show()
        panel.select(ids["walmart"])
        steps.append(lambda: shoot(window, "entities-panel.png"))

    def table():
        panel = window.entities_panel
        panel.hide()
        table_window = open_annotation_table(window)
        table_window.resize(1400, 620)
        steps.append(lambda: shoot(table_window, "annotation-table.png"))

    def search():
        window.activateWindow()
        window.search_panel.open_search()
        window.search_panel.query.setText("cloud OR 클라우드")
        window.search_panel.run_search()
        steps.append(lambda: window.search_panel.view.expandAll())
        steps.append(lambda: shoot(window, "search.png"))

    def codesheet():
        window.tool_window("annotation_table").close()
        team(project, ids["korean"])
        window.side_tabs.setCurrentWidget(window.codesheet_panel)
        window.statusBar().clearMessage()
        steps.append(lambda: shoot(window, "codesheet.png"))

    def coders():
        window.coder_view.choose(ALL)
        window.side_tabs.setCurrentWidget(window.annotation_panel)
        window.reader.verticalScrollBar().setValue(0)
        steps.append(lambda: shoot(window, "coders.png"))

    def agreement():
        build_team(project)
        tool = open_agreement(window)
        for row in range(tool.coders.count()):  # the three coders, not the lead who coded the shots above
            item = tool.coders.item(row)
            item.setCheckState(Qt.Checked if item.text() in TEAM else Qt.Unchecked)
        tool.compute()
        tool.resize(1400, 720)
        steps.append(lambda: shoot(tool, "agreement.png"))

    queue = [main_window, codebook, entities, table, search, codesheet, coders, agreement]

    def tick():
        if steps:
            steps.pop(0)()
        elif queue:
            queue.pop(0)()
        else:
            app.quit()
            return
        QTimer.singleShot(900, tick)

    QTimer.singleShot(1200, tick)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs"))
