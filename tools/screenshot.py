"""Render the main window with tags of all three layers on the Korean seed, for docs/.

Run under a real X server so fonts and styles are what an analyst sees:
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/screenshot.py docs/screenshot.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer


def tag(project, doc_id, key, phrase, occurrence=1, target=None):
    text = project.documents.text(doc_id)
    start = -1
    for _ in range(occurrence):
        start = text.index(phrase, start + 1)
    return project.annotations.add(doc_id, project.codebook.by_key(key), start, start + len(phrase), target=target)


def main(out: str) -> int:
    home = tempfile.mkdtemp(prefix="annotator-shot-")
    os.environ["ANNOTATOR_HOME"] = home
    from annotator.core.importing import import_seeds
    from annotator.core.project import Project
    from annotator.ui.app import create_app
    from annotator.ui.main_window import MainWindow

    app = create_app()
    project = Project(Path(home) / "Newsroom study.annotator")
    import_seeds(project)
    doc_id = next(d.id for d in project.documents.summaries() if "월마트" in d.title)
    tag(project, doc_id, "O", "월마트", occurrence=2)
    tag(project, doc_id, "O", "홀푸드")
    tag(project, doc_id, "O", "아마존", occurrence=3)
    tag(project, doc_id, "D", "21일(현지시간)")
    tag(project, doc_id, "O", "월스트리트저널(WSJ)")
    tag(project, doc_id, "R", "아마존웹서비스(AWS)")
    tag(project, doc_id, "O", "마이크로소프트(MS)")
    tag(project, doc_id, "C", "월마트는 이날 IT협력사들을 상대로 아마존의 클라우드 서비스인 아마존웹서비스(AWS) 이용을 중단할 것을 요청했다")
    tag(project, doc_id, "A", "몽니를 부리고 나선 것이다", target="월마트")
    project.annotations.add(doc_id, project.codebook.by_key("A"), target="아마존")
    project.documents.set_status(doc_id, "in_progress")

    window = MainWindow(project)
    window.resize(1560, 940)
    window.show()
    window.open_document(doc_id)
    window.annotation_panel.select(window.annotation_panel.model.annotation(6).id)

    def shoot():
        window.grab().save(out)
        print(f"wrote {out}")
        window.close()
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png"))
