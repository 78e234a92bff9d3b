"""Where each module went when core and ui were grouped by subdomain (issue 13).

tools/rewrite_imports.py reads this to bring old import paths up to date in a branch made before
the move; nothing in the app imports it.
"""

CORE = {
    # common: records, errors and helpers every subdomain uses
    "errors": "common.errors",
    "model": "common.model",
    "names": "common.names",
    "read_ahead": "common.read_ahead",
    "partial_files": "common.partial_files",
    # store: the project file itself
    "store": "store.database",
    "schema": "store.schema",
    "history": "store.history",
    "lock": "store.lock",
    "lock_os": "common.lock_os",
    # corpus: documents and getting them in
    "documents": "corpus.documents",
    "metadata": "corpus.metadata",
    "importing": "corpus.importing",
    "corpus": "corpus.corpus_files",
    "corpus_reading": "corpus.corpus_reading",
    "decoding": "corpus.decoding",
    "titles": "corpus.titles",
    "fingerprints": "corpus.fingerprints",
    "duplicates": "corpus.duplicates",
    "formats": "corpus.import_formats",
    "extract": "corpus.extract",
    # coding: codebook, annotations and what hangs on them
    "codebook": "coding.codebook",
    "codebook_io": "coding.codebook_files",
    "annotations": "coding.annotations",
    "attributes": "coding.attributes",
    "doc_spans": "coding.doc_spans",
    "annotation_query": "coding.annotation_query",
    "annotation_choices": "coding.annotation_choices",
    "words": "coding.words",
    "particles": "coding.particles",
    "memos": "coding.memos",
    "stats": "coding.stats",
    # entities: the registry
    "entities": "entities.registry",
    "entity_records": "entities.records",
    "entity_text": "entities.mentions",
    # search
    "search": "search.fulltext",
    "search_index": "search.index",
    "search_query": "search.query",
    # interchange: every way out (and REFI-QDA in)
    "exporting": "interchange.tables",
    "export_files": "interchange.files",
    "export_formats": "interchange.formats",
    "export_json": "interchange.json_formats",
    "export_sqlcsv": "interchange.sqlcsv",
    "refi": "interchange.refi",
    # safety
    "backup": "safety.backup",
    "check": "safety.check",
}

UI = {
    "errors": "common.errors",
    "colors": "common.colors",
    "plain_text": "common.plain_text",
    "positions": "common.positions",
    "titles": "common.titles",
    "worker": "common.worker",
    "settings": "common.settings",
    "models": "common.models",
    "commands": "actions.commands",
    "operations": "actions.operations",
    "file_actions": "file_menu",
    "reader": "reader.reader",
    "highlighter": "reader.highlighter",
    "span_editing": "reader.span_editing",
    "find_bar": "reader.find_bar",
    "cue_marks": "reader.cue_marks",
    "reader_room": "reader.reader_room",
    "panels": "coding.annotation_panel",
    "attribute_form": "coding.attribute_form",
    "label_bar": "coding.label_bar",
    "label_combo": "coding.label_combo",
    "codebook_editor": "coding.codebook_editor",
    "codebook_widgets": "coding.codebook_widgets",
    "annotation_table": "coding.annotation_table",
    "document_panel": "coding.document_panel",
    "target_popup": "coding.target_popup",
    "corpus_dialog": "corpus.corpus_dialog",
    "document_filter": "corpus.document_filter",
    "document_info": "corpus.document_info",
    "duplicate_flags": "corpus.duplicate_flags",
    "entities_panel": "entities.panel",
    "entity_dialogs": "entities.dialogs",
    "entity_offer": "entities.offer",
    "entity_table": "entities.table",
    "tag_mentions_dialog": "entities.tag_mentions",
    "search_panel": "search.panel",
    "search_results": "search.results",
    "memo_search": "search.memo_search",
    "export_dialog": "interchange.export_dialog",
    "refi_import": "interchange.refi_import",
    "backup_dialog": "safety.backup_dialog",
    "lock_dialog": "safety.lock_dialog",
}

MODULES = {f"annotator.core.{old}": f"annotator.core.{new}" for old, new in CORE.items()}
MODULES.update({f"annotator.ui.{old}": f"annotator.ui.{new}" for old, new in UI.items()})

# Functions and classes that moved to another module, (old module, name) -> new module.
NAMES: dict[tuple[str, str], str] = {
    ("annotator.core.export_files", "atomic_output"): "annotator.core.common.partial_files",
    ("annotator.core.interchange.files", "atomic_output"): "annotator.core.common.partial_files",
    ("annotator.core.project", "data_dir"): "annotator.core.store.paths",
    ("annotator.core.project", "default_project_path"): "annotator.core.store.paths",
    ("annotator.core.project", "PROJECT_SUFFIX"): "annotator.core.store.paths",
    ("annotator.core.project", "APP_NAME"): "annotator.core.store.paths",
    ("annotator.core.project", "open_default_project"): "annotator.core.workspace",
    ("annotator.core.search_index", "repair"): "annotator.core.safety.check",
    ("annotator.core.search.index", "repair"): "annotator.core.safety.check",
    ("annotator.ui.models", "DocumentListModel"): "annotator.ui.corpus.document_list",
    ("annotator.ui.common.models", "DocumentListModel"): "annotator.ui.corpus.document_list",
    ("annotator.ui.models", "AnnotationListModel"): "annotator.ui.coding.annotation_list",
    ("annotator.ui.common.models", "AnnotationListModel"): "annotator.ui.coding.annotation_list",
    ("annotator.ui.target_popup", "complete_targets"): "annotator.ui.common.completion",
    ("annotator.ui.coding.target_popup", "complete_targets"): "annotator.ui.common.completion",
    ("annotator.ui.target_popup", "target_completer"): "annotator.ui.common.completion",
    ("annotator.ui.coding.target_popup", "target_completer"): "annotator.ui.common.completion",
    ("annotator.ui.file_actions", "show_import_report"): "annotator.ui.corpus.import_report",
    ("annotator.ui.file_menu", "show_import_report"): "annotator.ui.corpus.import_report",
}
