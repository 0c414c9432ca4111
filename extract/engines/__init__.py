"""Engines: how records reach the per-document core (this machine, or a Ray cluster)."""
