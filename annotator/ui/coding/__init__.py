"""Coding: the label bar, the annotation and document panels, attributes, the codebook window, the annotation table."""
