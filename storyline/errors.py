"""One exception tree for storyline; every error has a code and a one-line message.

    StorylineError
    ├── UsageError        bad arguments or options given by the user      (usage.*)
    ├── InputError        an input that cannot be read as a report        (read.*)
    │   ├── DecodeError   bytes that decode to no usable text              (read.undecodable, read.binary)
    │   └── LimitError    an input over a configured limit                 (read.too_large, read.gzip_bomb)
    ├── StoreError        the database cannot be opened or migrated        (store.*)
    └── DossierError      a dossier schema that does not validate          (dossier.*)

Per-article problems are not raised past the stage that meets them: they become an
``ArticleError`` with the same code on the article, and the batch goes on.
"""

from __future__ import annotations

from .model import ArticleError


class StorylineError(Exception):
    """Base of every error storyline raises on purpose."""

    code = "storyline.error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"

    def as_record(self, stage: str = "") -> ArticleError:
        return ArticleError(code=self.code, message=self.message, stage=stage)


class UsageError(StorylineError):
    code = "usage.invalid"


class InputError(StorylineError):
    code = "read.invalid"


class DecodeError(InputError):
    code = "read.undecodable"


class LimitError(InputError):
    code = "read.too_large"


class StoreError(StorylineError):
    code = "store.error"


class DossierError(StorylineError):
    code = "dossier.invalid"


# The reason codes an article or an input can carry; docs/errors.md lists them with their meaning.
CODES = {
    "read.missing": "the path does not exist",
    "read.empty": "the file or record holds no text",
    "read.binary": "the bytes are not text (NUL bytes or a binary signature)",
    "read.undecodable": "no text encoding fits the bytes",
    "read.too_large": "the input is over the size limit",
    "read.gzip_bomb": "a compressed input expands past the size or ratio limit",
    "read.truncated": "a compressed stream or archive ends early",
    "read.bad_json": "a JSON line that does not parse or is not an object",
    "read.bad_record": "a JSON line or archive record without usable text",
    "read.bad_html": "HTML from which no text could be extracted",
    "read.bad_feed": "a feed file that does not parse",
    "read.bad_warc": "a WARC file or record that does not parse",
    "read.unreadable": "the path exists but cannot be read (permissions, not a regular file)",
    "read.bad_gzip": "a compressed stream that is corrupt (not merely cut short)",
    "read.lossy": "some bytes did not decode and became U+FFFD; the text is kept (a warning)",
    "date.out_of_range": "a publication date in the future or before 1900 (ignored)",
    "date.unparsed": "a given publication date that does not parse (ignored)",
    "text.too_long": "text over the analysis limit; analysed in part",
    "stage.failed": "a stage raised an unexpected error; the article is stored without its results",
    "dossier.missing": "no shipped dossier by that name and no such file",
    "dossier.bad_toml": "a dossier file that is not valid UTF-8 TOML",
    "dossier.unknown_key": "a dossier key the schema does not define (a typo?)",
    "dossier.missing_key": "a required dossier key or table is missing",
    "dossier.bad_type": "a dossier value of the wrong type",
    "dossier.bad_value": "a dossier value outside what the schema allows",
    "dossier.duplicate_id": "two dossier entries share an id",
    "dossier.unknown_ref": "a dossier entry refers to an id defined nowhere",
    "claims.failed": "claims could not be found in an article; stored without claims",
    "store.dedup_settings": "the copy index in the database was built with other dedup settings (rebuild it)",
}
