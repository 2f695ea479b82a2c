"""Importers: other datasets' exports (ACLED, UCDP GED) read into bordermap's event model."""

#: The datasets ``bordermap import`` reads (the modules: ``bordermap.importers.run.SOURCES``).
SOURCE_NAMES = ("acled", "ucdp")
