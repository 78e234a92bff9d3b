"""REFI-QDA interchange: .qdpx projects and .qdc codebooks, out to and in from other QDA tools.

The format of what REFI-QDA cannot hold (attributes, roles, entity links, keys...)
is documented in docs/refi-qda.md.
"""

from annotator.core.interchange.refi.export import export_qdc, export_qdpx
from annotator.core.interchange.refi.importer import RefiImport, import_qdc, import_qdpx

__all__ = ["RefiImport", "export_qdc", "export_qdpx", "import_qdc", "import_qdpx"]
