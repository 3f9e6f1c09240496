"""Person ids derived from identifying columns by a keyed hash, never stored in the clear.

A case-list mapping may say that the person id is made from columns such as the
defendant's name and date of birth (:mod:`analysis.casemap`). Each row's values are
normalised (Unicode NFKC, upper case, runs of spaces and punctuation made one space,
dates written ``MM/DD/YYYY`` or ``YYYY-MM-DD`` made ISO), joined, and hashed with
HMAC-SHA256 under a secret salt: the same person spelled the same way gets the same id
in every file read under one salt, and nobody without the salt can test a guessed name
against an id. The id is ``P`` and the first 20 hex digits (80 bits) of the hash.

The salt is the environment variable ``LACRA_ID_SALT`` when set, else a random secret
created once at ``data/private/id_salt`` (:data:`analysis.paths.ID_SALT`, mode 0600,
never committed). Ids made under one salt only match ids made under the same salt: keep
the file (or the variable) to compare lists read at different times. :func:`salt_digest`
names the salt (in validation memo keys) without revealing it.

Case ids made from a court case number (:func:`case_number_text`, :func:`case_ids`) are
a keyed hash (:func:`keyed_ids`, BLAKE2b keyed with a digest of the same salt: as strong
as the HMAC and quicker for the many cases of a file) of the number alone, tagged as a
case number, ``C`` and 20 hex digits: a DOJ file (:mod:`analysis.doj`) and a court
export read through a mapping (``case_id: {hash: [Case Number]}``) give the same case
the same id under one salt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence

import polars as pl

from . import paths
from .ingest import ValidationError

__all__ = ["CASE_TAG", "ID_DIGITS", "case_ids", "case_number_text", "key_text", "keyed_ids",
           "person_ids", "salt", "salt_digest"]

ID_DIGITS = 20  # hex digits of the hash kept in an id
_SEPARATOR = "\x1f"  # between the normalised values of one row (never inside one)
CASE_TAG = "COURT CASE"  # hashed before a case number, so no case id equals a person id


def salt() -> bytes:
    """The secret salt: ``$LACRA_ID_SALT``, else the file :data:`paths.ID_SALT`,
    created (random, mode 0600) on first use. Raises ValidationError when it can be
    neither read nor created."""
    from_env = os.environ.get(paths.ID_SALT_ENV, "")
    if from_env:
        return from_env.encode()
    path = paths.ID_SALT
    for _ in range(3):  # a second process may be writing it this instant
        try:
            text = path.read_bytes().strip()
            if text:
                return text
        except FileNotFoundError:
            _create(path)
        except OSError as exc:
            raise ValidationError.one(str(path), "salt", f"cannot read the id salt "
                                      f"({exc.strerror}); set {paths.ID_SALT_ENV}") from None
    raise ValidationError.one(str(path), "salt", f"the id salt file is empty; delete it "
                              f"or set {paths.ID_SALT_ENV}")


def _create(path) -> None:
    """Write a new random salt at ``path`` unless another process already has."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise ValidationError.one(str(path), "salt", f"cannot create the id salt "
                                  f"({exc.strerror}); set {paths.ID_SALT_ENV}") from None
    with os.fdopen(handle, "w") as out:
        out.write(secrets.token_hex(32) + "\n")


def salt_digest() -> str:
    """A short public name of the salt in use (a digest of a digest): it changes when
    the salt does and tells nothing about it."""
    inner = hashlib.sha256(b"lacra id salt\n" + salt()).digest()
    return hashlib.sha256(inner).hexdigest()[:16]


def key_text(columns: Sequence[str]) -> pl.Expr:
    """The normalised, joined text of ``columns`` that a person's id is the hash of;
    null when any of them is blank."""
    def one(column: str) -> pl.Expr:
        text = pl.col(column).str.strip_chars()
        as_date = text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T].*$", "$1")
        date = pl.coalesce(as_date.str.to_date("%Y-%m-%d", strict=False),
                           as_date.str.to_date("%m/%d/%Y", strict=False))
        plain = (text.str.normalize("NFKC").str.to_uppercase()
                 .str.replace_all(r"[\s\p{P}]+", " ").str.strip_chars())
        return pl.when(plain != "").then(pl.coalesce(date.cast(pl.String), plain))

    return pl.concat_str([one(c) for c in columns], separator=_SEPARATOR)


def person_ids(keys: pl.Series) -> pl.Series:
    """The id of each key (:func:`key_text`), null where the key is null. Each distinct
    key is hashed once."""
    key = salt()
    distinct = keys.drop_nulls().unique().to_list()
    table = {k: "P" + hmac.digest(key, k.encode(), "sha256").hex()[:ID_DIGITS]
             for k in distinct}
    return keys.replace_strict(table, default=None, return_dtype=pl.String)


def case_number_text(column: str) -> pl.Expr:
    """A court case number as its id is the hash of: Unicode NFKC, upper case, every
    character that is not a letter or a digit removed (``ba 123456-01`` and
    ``BA123456 01`` are both ``BA12345601``); null when nothing is left."""
    plain = (pl.col(column).str.normalize("NFKC").str.to_uppercase()
             .str.replace_all(r"[^\p{L}\p{N}]+", ""))
    return pl.when(plain != "").then(plain)


def keyed_ids(texts: pl.Series, prefix: str) -> pl.Series:
    """``prefix`` and 20 hex digits (80 bits) of the BLAKE2b of each text keyed with the
    BLAKE2b-512 digest of the salt; null where the text is. Each distinct text is hashed
    once."""
    key = hashlib.blake2b(salt(), digest_size=64).digest()
    size = ID_DIGITS // 2
    table = {t: prefix + hashlib.blake2b(t.encode(), key=key, digest_size=size).hexdigest()
             for t in texts.drop_nulls().unique().to_list()}
    return texts.replace_strict(table, default=None, return_dtype=pl.String)


def case_ids(numbers: pl.Series) -> pl.Series:
    """The case id of each normalised number (:func:`case_number_text`): ``C`` and the
    keyed hash (:func:`keyed_ids`) of :data:`CASE_TAG`, a separator and the number; null
    where the number is."""
    return keyed_ids((CASE_TAG + _SEPARATOR) + numbers, "C")


def __dir__() -> list[str]:
    return sorted(__all__)
