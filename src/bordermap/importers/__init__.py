"""Importers: other datasets' exports (ACLED, UCDP GED) read into bordermap's event model."""
