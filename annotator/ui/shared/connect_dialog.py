"""File › Open shared project…: the connection form, and the password asked only when the server wants one.

The address comes from the fields (host or a Unix socket's folder, port, database, user,
TLS mode) or from a pasted libpq URL. A password is never a field to fill in advance:
libpq looks in PGPASSWORD, ~/.pgpass and the service file first, and only when the
server still asks does the form show a password field. The password stays in memory for
this session's connections; settings and the recent list keep the URL without it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.pg.locations import (
    SSL_MODES,
    build_url,
    describe,
    is_url,
    needs_password,
    with_password,
)
from annotator.ui.common.plain_text import as_text


class ConnectDialog(QDialog):
    """Ask where the shared project is and open it; `project` holds it after accept()."""

    def __init__(self, parent: QWidget | None = None, url: str = ""):
        super().__init__(parent)
        self.setObjectName("openSharedProject")
        self.setWindowTitle("Open shared project")
        self.project: Project | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("A shared project lives in a PostgreSQL database that the whole team codes in. "
                       "Fill in the fields, or paste a postgresql:// address.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url_edit = QLineEdit(url)
        self.url_edit.setObjectName("sharedUrl")
        self.url_edit.setPlaceholderText("postgresql://user@host:5432/database (optional: replaces the fields)")
        self.host_edit = QLineEdit()
        self.host_edit.setObjectName("sharedHost")
        self.host_edit.setPlaceholderText("server name, or a socket folder such as /var/run/postgresql")
        self.port_edit = QSpinBox()
        self.port_edit.setRange(1, 65535)
        self.port_edit.setValue(5432)
        self.database_edit = QLineEdit()
        self.database_edit.setObjectName("sharedDatabase")
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("sharedUser")
        self.ssl_combo = QComboBox()
        self.ssl_combo.addItems(SSL_MODES)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("sharedPassword")
        self.password_edit.setEchoMode(QLineEdit.Password)
        form.addRow("Address:", self.url_edit)
        form.addRow("Host or socket folder:", self.host_edit)
        form.addRow("Port:", self.port_edit)
        form.addRow("Database:", self.database_edit)
        form.addRow("User:", self.user_edit)
        form.addRow("TLS (sslmode):", self.ssl_combo)
        form.addRow("Password:", self.password_edit)
        self.form = form
        form.setRowVisible(self.password_edit, False)  # shown only when the server asks for one
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setObjectName("sharedMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.connect_to_server)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def address(self) -> str:
        """The URL the fields (or the pasted address) name; ValueError says what is missing."""
        pasted = self.url_edit.text().strip()
        if pasted:
            if not is_url(pasted):
                raise ValueError("The address must start with postgresql:// (or leave it empty and fill in the fields).")
            return pasted
        return build_url(host=self.host_edit.text(), port=self.port_edit.value(), database=self.database_edit.text(),
                         user=self.user_edit.text(), sslmode=self.ssl_combo.currentText())

    def connect_to_server(self) -> None:
        try:
            url = self.address()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        password = self.password_edit.text() if self.form.isRowVisible(self.password_edit) else ""
        try:
            self.project = Project(with_password(url, password) if password else url)
        except ProjectError as exc:
            if needs_password(str(exc)):
                asked = self.form.isRowVisible(self.password_edit)
                self.form.setRowVisible(self.password_edit, True)
                self.password_edit.setFocus()
                self.message.setText(f"{describe(url)} asks for a password{' (that one was refused)' if asked and password else ''}"
                                     ": type it and open again. It is used for this session only, never saved.")
                return
            self.message.setText(str(exc))
            return
        self.accept()


def ask_shared_project(parent: QWidget | None, url: str = "") -> Project | None:
    dialog = ConnectDialog(parent, url)
    return dialog.project if dialog.exec() == QDialog.Accepted else None


def open_with_password(parent: QWidget | None, url: str, error: ProjectError) -> Project | None:
    """A shared project given on the command line whose server wants a password libpq did not find."""
    if not needs_password(str(error)):
        raise error
    while True:
        password, ok = QInputDialog.getText(parent, "Password", f"Password for {describe(url)} (used for this "
                                            "session only, never saved):", QLineEdit.Password)
        if not ok:
            return None
        try:
            return Project(with_password(url, password))
        except ProjectError as exc:
            if not needs_password(str(exc)):
                QMessageBox.critical(parent, "Cannot open project", as_text(str(exc)))
                return None
