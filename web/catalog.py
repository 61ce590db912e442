"""The pages' gettext messages, as Babel extracts them from the templates (`_()`) and the web modules (`N_()`).

`python -m web.catalog` brings `web/locales/pt_BR/LC_MESSAGES/messages.po` up to date with the templates: new
messages are added untranslated, gone ones dropped (as `pybabel update` does); a test fails while any message
has no Portuguese.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from web.i18n import DOMAIN, LOCALES_DIR, Language

WEB = Path(__file__).parent
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("*.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def template_messages() -> Catalog:
    """Every message the pages show, where it is written."""
    catalog = Catalog(project="lotoflow", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        WEB, METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: Language) -> Path:
    return LOCALES_DIR / str(language.locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: Language) -> Catalog:
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language.locale, domain=DOMAIN)


def update(language: Language = Language.PT_BR) -> Catalog:
    """The language's catalog with the templates' messages: its translations kept, new messages empty."""
    path = po_path(language)
    catalog = read_catalog(language) if path.exists() else Catalog(locale=language.locale, domain=DOMAIN)
    catalog.update(template_messages(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.project, catalog.version, catalog.fuzzy = "lotoflow", "1", False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalog, width=116, include_lineno=False)
    return catalog


if __name__ == "__main__":
    updated = update()
    missing = [m.id for m in updated if m.id and not m.string]
    print(f"{len(updated)} messages, {len(missing)} without Portuguese")
    sys.exit(0)
