"""Ingest: the CAIXA client and its payloads, history files, the validation suite and the ingestion service."""
