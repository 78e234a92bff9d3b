"""File › Open shared project…: the connection form, a password asked only when the server wants one
and never saved (issue 15, item 1). Against the tests' own PostgreSQL cluster."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.core.store.pg.locations import with_password
from annotator.ui.common import settings
from annotator.ui.shared.connect_dialog import ConnectDialog

ROLE, PASSWORD = "annotator_pw_coder", "c0rrect horse"


def _parts(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parse_qs(parts.query)["host"][0], parts.path.lstrip("/"), parts.username


def _fill_and_open(qtbot, window, fill) -> list[str]:
    """Run File › Open shared project… with `fill(dialog)` answering the form; the messages it showed."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConnectDialog):
            QTimer.singleShot(20, answer)
            return
        fill(dialog, seen)

    QTimer.singleShot(0, answer)
    window.open_shared_project()
    return seen


@pytest.fixture
def password_role(pg_server):
    """A role the server asks a password of (the cluster trusts everyone else)."""
    if pg_server.folder is None:
        pytest.skip("needs the tests' own cluster to change its pg_hba.conf (ANNOTATOR_TEST_PG names another)")
    hba = pg_server.folder / "data" / "pg_hba.conf"
    before = hba.read_text()
    pg_server._admin.execute(f"DROP ROLE IF EXISTS {ROLE}")
    pg_server._admin.execute(f"CREATE ROLE {ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
    hba.write_text(f"local all {ROLE} scram-sha-256\n" + before)
    pg_server._admin.execute("SELECT pg_reload_conf()")
    yield ROLE
    hba.write_text(before)
    pg_server._admin.execute("SELECT pg_reload_conf()")


def test_the_form_opens_a_shared_project_from_its_fields(shared_url, open_window, tmp_path, qtbot):
    with Project(shared_url) as setup:
        setup.documents.add(title="On the server", text="Seoul and Busan.")
    window = open_window(tmp_path / "local.annotator")
    host, database, user = _parts(shared_url)

    def fill(dialog, seen):
        dialog.host_edit.setText(host)
        dialog.database_edit.setText(database)
        dialog.user_edit.setText(user)
        dialog.connect_to_server()

    _fill_and_open(qtbot, window, fill)
    assert window.project.store.engine == "postgresql"
    assert window.project.documents.get(1).title == "On the server"
    assert f"/{database} (shared)" in window.windowTitle()


def test_a_password_is_asked_only_when_the_server_wants_one_and_never_saved(shared_url, password_role, open_window,
                                                                           tmp_path, qtbot, monkeypatch):
    host, database, _ = _parts(shared_url)
    window = open_window(tmp_path / "local.annotator")

    def fill(dialog, seen):
        dialog.host_edit.setText(host)
        dialog.database_edit.setText(database)
        dialog.user_edit.setText(password_role)
        assert not dialog.password_edit.isVisible()
        dialog.connect_to_server()  # no PGPASSWORD, no ~/.pgpass: the server asks
        seen.append(dialog.message.text())
        assert dialog.password_edit.isVisible()
        dialog.password_edit.setText(PASSWORD)
        dialog.connect_to_server()

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no.pgpass"))
    seen = _fill_and_open(qtbot, window, fill)
    assert "asks for a password" in seen[0]
    assert window.project.store.engine == "postgresql"
    stored = settings.settings().value("recent_projects")
    stored = [stored] if isinstance(stored, str) else stored
    assert any(password_role in entry for entry in stored)
    assert not any(PASSWORD in entry or "c0rrect" in entry for entry in stored)
    assert PASSWORD not in window.windowTitle()
    # Next time libpq's own sources give it: PGPASSWORD here, and nothing is asked.
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    url = window.project.store.url
    with Project(settings.recent_projects()[0]) as again:
        assert again.store.url != url and PASSWORD not in again.store.url


def test_with_password_keeps_the_rest_of_the_address(shared_url):
    url = with_password(shared_url, "p@ss/word")
    assert url.startswith(shared_url.split("@")[0] + ":p%40ss%2Fword@")
    assert urlsplit(url).password == "p%40ss%2Fword"
