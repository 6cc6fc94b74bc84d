"""Every label a person reads, in Vietnamese and English.

Labels live in JSON catalogs beside this module (``catalog/*.json``, one per shell:
``web.json``, ``charts.json``, ``reports.json``), each mapping a key to
``{"en": ..., "vi": ...}``. A missing key or language is an error at load time, not an
English word on a Vietnamese page.
"""

from govindex.i18n.catalog_loader import LANGUAGES, Language, Translator, labels, translate

__all__ = ["LANGUAGES", "Language", "Translator", "labels", "translate"]
