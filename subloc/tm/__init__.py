"""Translation memory: one store interface, two stores sharing schema, migrations and semantics.

- SQLite (``.subloc/tm.sqlite`` in the series folder by default): embedded, one user or the
  processes of one machine.
- PostgreSQL (``--tm postgresql://user@host/db``): one memory for a team and for many workers.

Every translated segment is committed the moment it arrives, so an interrupted run — Ctrl-C, a crash,
``kill -9`` — loses nothing and the next run sends only what is missing. Lookups are exact on the
normalized source text and the language pair; an entry a person approved wins over machine output for
everyone (who approved it and when is kept), an unapproved entry never overwrites an approved one, and
pseudo-localized text is only ever returned to the pseudo backend. Workers sharing a TM claim the
segments they send (a lease in the claims table), so no segment is sent twice (see claims.py).

TMX 1.4 import and export carry the approval and the backend as ``<prop>`` elements (tmx.py).
"""

from __future__ import annotations

from .entry import TMEntry, _now, claim_key, normalize
from .schema import SCHEMA_VERSION
from .spec import copy_tm, display, is_url, location, open_tm, redact_url
from .sqlite import SQLiteTM, TranslationMemory
from .store import TMStore
from .tmx import export_tmx, import_tmx, xml_unsafe

__all__ = ["SCHEMA_VERSION", "SQLiteTM", "TMEntry", "TMStore", "TranslationMemory", "_now", "claim_key", "copy_tm",
           "display", "export_tmx", "import_tmx", "is_url", "location", "normalize", "open_tm", "redact_url",
           "xml_unsafe"]
