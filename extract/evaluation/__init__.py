"""Scoring the extraction against hand-annotated gold articles."""
