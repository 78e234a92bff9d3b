"""Team coding: comparing coders' versions of a document and settling them in gold."""
