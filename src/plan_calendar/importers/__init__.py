"""Importers: plans people already have (Word, LibreOffice, Excel, CSV, text) → the YAML plan format."""
