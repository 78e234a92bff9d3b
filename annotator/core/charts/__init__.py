"""Charts of a project's findings (issue 16): the numbers behind each chart (data, filters) and their drawings (draw)."""
