"""Charts of the findings: the Analyze › Charts dashboard over core.charts."""
