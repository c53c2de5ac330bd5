"""Ingest: turn PDF and text reports into the document model and the fact store."""
