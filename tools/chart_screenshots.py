"""Render Analyze › Charts on the seed corpus, coded in all three layers, for the README and for looking at.

Run under a real X server so fonts and styles are what an analyst sees:
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/chart_screenshots.py docs/ [more/]

Builds the project tools/screenshots.py builds (entities, claims, stance, a codesheet, three coders, their
entity mentions coded as whole names linked to the registry, so the charts show real entities), adds an
outlet and a date to each seed, the coders' stances toward Walmart, Amazon and 홀푸드 and their claims,
then writes to the first folder dashboard.png (the Overview, one bar clicked, its annotations listed),
charts-network.png (the entity network) and charts-claims.png (claims by source and verdict), and to the
second (default: the first) charts-ui-time.png, -heatmap.png, -crosstab.png, -entities.png (Korean names)
and -dark.png (a dark palette).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import build, build_team, team  # noqa: E402 - the sibling tool's project

# title start -> (outlet, date): where and when each seed appeared (the Korean one names both).
PUBLISHED = {"What If": ("Hosting blog", "2017-08-04"), "Megadeal": ("GlobalData", "2018-07-17"),
             "Walmart Vs": ("Forbes", "2017-07-11"), "'월마트": ("이코노믹포스트", "2017-06-22"),
             "Innovation": ("IE Insights", "2017-09-12")}
# coder -> [(title start, stance, target)]: document-level stances, the coders not always agreeing.
STANCES = {
    "김민지": [("What If", "Against", "Amazon"), ("What If", "Favor", "Walmart"), ("Megadeal", "Favor", "Microsoft"),
            ("Megadeal", "Favor", "Walmart"), ("Walmart Vs", "Favor", "Amazon"), ("Walmart Vs", "Mixed", "Walmart"),
            ("월마트", "Against", "Walmart"), ("월마트", "Neutral", "홀푸드"), ("Innovation", "Favor", "Amazon")],
    "이지은": [("What If", "Neutral", "Amazon"), ("What If", "Favor", "Walmart"), ("Megadeal", "Favor", "Microsoft"),
            ("Megadeal", "Mixed", "Walmart"), ("Walmart Vs", "Favor", "Amazon"), ("Walmart Vs", "Against", "Walmart"),
            ("월마트", "Against", "Walmart"), ("월마트", "Against", "Amazon"), ("Innovation", "Favor", "Amazon")],
    "Park": [("What If", "Against", "Amazon"), ("Megadeal", "Neutral", "Walmart"), ("Walmart Vs", "Favor", "Amazon"),
             ("월마트", "Mixed", "Walmart"), ("월마트", "Neutral", "홀푸드"), ("Innovation", "Neutral", "Amazon")],
}
# (coder, title start, claim, its source: an entity's name or free text, type, verdict)
CLAIMS = [
    ("김민지", "What If", "A spokesperson for Walmart more or less confirmed the story", "Walmart", "factual", "accurate"),
    ("이지은", "What If", "A spokesperson for Walmart more or less confirmed the story", "Walmart", "factual",
     "unverified"),
    ("김민지", "What If", "questioning their rivals’ understanding of the degree to which AWS supports Amazon’s retail "
     "business", "Amazon", "evaluative", "misleading"),
    ("Park", "What If", "questioning their rivals’ understanding of the degree to which AWS supports Amazon’s retail "
     "business", "Amazon", "evaluative", "unverified"),
    ("이지은", "Megadeal", "it would use Microsoft’s cloud platform and desktop apps across its entire business",
     "Walmart", "factual", "accurate"),
    ("Park", "Megadeal", "it would use Microsoft’s cloud platform and desktop apps across its entire business",
     "Walmart", "factual", "accurate"),
    ("김민지", "'월마트", "IT하청업체들이 이러한 앱을 아마존의 클라우드에 올려 왔다고", "댄 토포렉 대변인", "factual", "accurate"),
    ("이지은", "'월마트", "IT하청업체들이 이러한 앱을 아마존의 클라우드에 올려 왔다고", "댄 토포렉 대변인", "factual",
     "unverified"),
    ("Park", "'월마트", "그 비중도 그렇게 크지는 않다(small number)", "댄 토포렉 대변인", "statistical", "false"),
]


def link_mentions(project) -> None:
    """The seeds' other companies and paper in the registry, and every mention the other shots tagged unlinked
    ("마이크로소프트(MS)", "홀푸드") linked to the entity its name (before a bracket) names: the network and
    the most mentioned entities then show entities, not spellings."""
    org = project.codebook.by_key("O")
    project.entities.create("Whole Foods Market", org, aliases=("홀푸드", "Whole Foods"), external_id="Q1809448")
    project.entities.create("The Wall Street Journal", org, aliases=("월스트리트저널", "WSJ"), external_id="Q164746")
    entity_labels = [label.id for label in project.codebook.in_layer("entity")]
    for doc in project.documents.ids():
        for annotation in project.annotations.for_document(doc):
            if annotation.label_id in entity_labels and annotation.entity_id is None and annotation.text:
                entity = project.entities.match(annotation.text.split("(")[0].strip())
                if entity is not None:
                    project.annotations.link_entity(annotation.id, entity.id)


def code_claims(project) -> None:
    docs = {s.title: s.id for s in project.documents.summaries()}
    entities = {e.name: e.id for e in project.entities.all()}
    claim = project.codebook.by_name("Claim")
    attributes = {a.name: a.id for a in project.codebook.attributes(claim.id)}
    for coder, title, phrase, source, kind, verdict in CLAIMS:
        project.annotations.annotator = coder
        doc = next(i for t, i in docs.items() if t.startswith(title))
        start = project.documents.text(doc).index(phrase)
        who = {"source_entity_id": entities[source]} if source in entities else {"source": source}
        added = project.annotations.add(doc, claim, start, start + len(phrase), **who)
        project.values.set(added.id, attributes["type"], kind)
        project.values.set(added.id, attributes["verdict"], verdict)


def code_stances(project) -> None:
    docs = {s.title: s.id for s in project.documents.summaries()}

    def doc(start: str) -> int:
        return next(i for t, i in docs.items() if t.startswith(start) or (start == "월마트" and "월마트" in t))

    for title, (outlet, date) in PUBLISHED.items():
        found = [i for t, i in docs.items() if t.startswith(title)]
        for doc_id in found:
            project.metadata.set_many(doc_id, {"outlet": outlet, "date": date})
    for coder, stances in STANCES.items():
        project.annotations.annotator = coder
        for title, stance, target in stances:
            label = project.codebook.by_name(stance)
            entity = project.entities.match(target)
            if entity is not None:
                project.annotations.add(doc(title), label, target_entity_id=entity.id)
            else:
                project.annotations.add(doc(title), label, target=target)


def main(out_dir: str, more_dir: str | None = None) -> int:
    home = tempfile.mkdtemp(prefix="annotator-chart-shots-")
    os.environ["ANNOTATOR_HOME"] = home
    from PySide6.QtGui import QColor, QPalette

    from annotator.core.project import Project
    from annotator.ui.app import create_app
    from annotator.ui.charts.choices import OVERVIEW
    from annotator.ui.charts.dashboard import open_charts
    from annotator.ui.common import settings
    from annotator.ui.main_window import MainWindow

    out, more = Path(out_dir), Path(more_dir or out_dir)
    out.mkdir(parents=True, exist_ok=True)
    more.mkdir(parents=True, exist_ok=True)
    app = create_app()
    project = Project(Path(home) / "Newsroom study.annotator")
    settings.settings().setValue("preferences/annotator", "kim")
    project.coders.current_name = "kim"
    ids = build(project)
    team(project, ids["korean"])
    build_team(project, whole_names=True)
    link_mentions(project)
    code_stances(project)
    code_claims(project)
    window = MainWindow(project)
    window.resize(1500, 900)
    window.show()
    tool = open_charts(window)
    tool.resize(1560, 940)
    steps = []

    def shoot(name: str, folder: Path) -> None:
        tool.grab().save(str(folder / name))
        print(f"wrote {folder / name}")

    def chart(kind: str, name: str, folder: Path, then=None, **choices) -> None:
        for attribute, value in choices.items():
            combo = getattr(tool.choices, attribute)
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(value))
            combo.blockSignals(False)
        tool.choices.kind.blockSignals(True)
        tool.choices.choose(kind)
        tool.choices.kind.blockSignals(False)
        tool.choices._kind_chosen(emit=False)
        tool.draw_chart()
        if then is not None:
            steps.append(then)
        steps.append(lambda: shoot(name, folder))

    def dashboard() -> None:
        def click() -> None:
            stance = next(panel for panel in tool.panels if panel.kind == "stance-targets")
            tool.list_behind(("Walmart", "Against"), stance.data)

        chart(OVERVIEW, "dashboard.png", out, then=click)

    def dark() -> None:
        palette = QPalette()
        for role, colour in ((QPalette.Window, "#2B2B2B"), (QPalette.WindowText, "#E8E8E8"),
                             (QPalette.Base, "#1E1E1E"), (QPalette.AlternateBase, "#2B2B2B"),
                             (QPalette.Text, "#E8E8E8"), (QPalette.Button, "#3A3A3A"),
                             (QPalette.ButtonText, "#E8E8E8"), (QPalette.Highlight, "#2F65CA"),
                             (QPalette.HighlightedText, "#FFFFFF"), (QPalette.PlaceholderText, "#9A9A9A")):
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
        chart("stance-time", "charts-ui-dark.png", more, period="month")

    queue = [dashboard,
             lambda: chart("stance-time", "charts-ui-time.png", more, period="month"),
             lambda: chart("cooccurrence", "charts-network.png", out),
             lambda: chart("claims-source", "charts-claims.png", out),
             lambda: chart("matrix", "charts-ui-heatmap.png", more),
             lambda: chart("crosstab", "charts-ui-crosstab.png", more, variable="topic", second="tone"),
             lambda: chart("entities", "charts-ui-entities.png", more),
             dark]

    def tick() -> None:
        if steps:
            steps.pop(0)()
        elif queue:
            queue.pop(0)()
        else:
            app.quit()
            return
        QTimer.singleShot(700, tick)

    QTimer.singleShot(1200, tick)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]) if len(sys.argv) > 1 else main("docs"))
