"""Reading a table from disk in whatever dialect it came in.

:func:`read_table` takes a CSV (separated by ``, ; tab |``; UTF-8 with or without BOM,
UTF-16 with or without BOM, or any encoding named by the caller; CR, CRLF or LF line
endings), a gzip-compressed CSV (``.csv.gz``, known by its magic bytes), an Excel
workbook (``.xlsx``, ``.xlsm``, ``.xls``; read by polars' calamine engine, one sheet) or
a Parquet file, and gives its header as written and its rows, columns named by position
so that a name repeated in the header survives for the caller to judge.
:func:`as_text` turns every column into text, the one type loaders parse from.

Both raise :class:`~analysis.ingest.problems.ValidationError`, and nothing else, for
input they cannot read: one problem naming the file and what is wrong with it.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

import polars as pl

from .problems import Problem, ValidationError, shown

__all__ = ["EXCEL_SUFFIXES", "PARQUET_SUFFIXES", "as_text", "decode", "first_of_each",
           "read_table"]

PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
MAX_UNZIPPED = 2 << 30  # a gzip file inflating past 2 GiB is refused
SEPARATORS = (",", ";", "\t", "|")


def read_table(path: str | Path, *, encoding: str | None = None,
               sheet: str | None = None) -> tuple[list[str], pl.DataFrame]:
    """The header (names as written) and rows of a CSV, gzipped CSV, Excel or Parquet file.

    CSV and Excel cells come back as text (empty cells null), Parquet columns in their
    stored types; columns are named by position. Header-only files are returned with no
    rows. ``sheet`` names the workbook sheet to read (needed when it has several);
    ``encoding`` is the text encoding of a CSV, compressed or not.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise ValidationError.one(name, "file", "no such file")
    if path.is_dir():
        raise ValidationError.one(name, "file", "is a folder, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError.one(name, "file", f"cannot be read: {exc.strerror}") from None
    if not data or data.isspace():  # (not data.strip(): the same, without a copy)
        raise ValidationError.one(name, "empty", "the file is empty")
    if path.suffix.lower() in PARQUET_SUFFIXES or data[:4] == b"PAR1":
        return _read_parquet(data, name)
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)) and (
            path.suffix.lower() in EXCEL_SUFFIXES or _is_workbook(data)):
        return _read_excel(data, name, path.suffix.lower() or ".xlsx", sheet)
    if data.startswith(GZIP_MAGIC):
        data = _gunzip(data, name)
        text = decode(data, name, encoding, packed="gzip file").lstrip("\ufeff")
    else:
        text = decode(data, name, encoding).lstrip("\ufeff")
    del data  # a large file is held once as text, not also as its bytes
    return _read_csv(text, name)


def _is_workbook(data: bytes) -> bool:
    """True for a zip archive holding an Excel workbook, or an OLE (legacy .xls) file."""
    return data.startswith(OLE_MAGIC) or b"xl/workbook" in data[:1 << 16]


def _gunzip(data: bytes, name: str) -> bytes:
    """The content of a gzip file (its members one after another), at most 2 GiB."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_UNZIPPED)
        if inflater.unconsumed_tail:
            raise ValidationError.one(name, "format", "a gzip file that inflates past "
                                      f"{MAX_UNZIPPED >> 30} GiB: unpack it first")
        if not inflater.eof:
            raise zlib.error("it ends early: truncated?")
        rest = inflater.unused_data
        if rest:  # concatenated members: gzip reads them all
            out += gzip.decompress(rest)
    except (zlib.error, OSError, EOFError) as exc:
        raise ValidationError.one(name, "format", "a gzip file that cannot be "
                                  f"decompressed ({shown(_first_line(exc))})") from None
    if not out.strip():
        raise ValidationError.one(name, "empty", "a gzip file whose content is empty")
    return out


def _read_excel(data: bytes, name: str, suffix: str,
                sheet: str | None) -> tuple[list[str], pl.DataFrame]:
    """One sheet of a workbook, every cell as text and the header as row 0."""
    import fastexcel  # polars' calamine engine; imported only for workbooks

    kind = f"an {suffix} workbook"
    try:
        names = fastexcel.read_excel(data).sheet_names
    except Exception as exc:  # fastexcel raises its own types
        raise ValidationError.one(name, "format", f"{kind} that cannot be read "
                                  f"({shown(_first_line(exc))})") from None
    listed = ", ".join(repr(n) for n in names)
    if sheet is None and len(names) != 1:
        raise ValidationError.one(name, "format", f"{kind} with {len(names)} sheets "
                                  f"({shown(listed)}): name one with --sheet or the "
                                  "mapping's 'sheet' key")
    if sheet is not None and sheet not in names:
        raise ValidationError.one(name, "format", f"{kind} with no sheet {shown(repr(sheet))}"
                                  f" (its sheets: {shown(listed)})")
    try:
        frame = pl.read_excel(data, sheet_name=sheet or names[0], engine="calamine",
                              has_header=False, infer_schema_length=0,
                              drop_empty_rows=False, drop_empty_cols=False)
    except pl.exceptions.NoDataError:
        raise ValidationError.one(name, "empty", f"{kind} whose sheet "
                                  f"{shown(repr(sheet or names[0]))} is empty") from None
    except Exception as exc:  # the engine's own errors
        raise ValidationError.one(name, "format", f"{kind} that cannot be read "
                                  f"({shown(_first_line(exc))})") from None
    if frame.height == 0:
        raise ValidationError.one(name, "empty", f"{kind} whose sheet "
                                  f"{shown(repr(sheet or names[0]))} is empty")
    return [str(v).strip() if v is not None else "" for v in frame.row(0)], frame.slice(1)


def _read_parquet(data: bytes, name: str) -> tuple[list[str], pl.DataFrame]:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (Exception, pl.exceptions.PanicException) as exc:  # several types
        raise ValidationError.one(
            name, "format", f"not a readable Parquet file ({shown(_first_line(exc))})"
        ) from None
    return frame.columns, frame.rename(
        {c: f"column_{i + 1}" for i, c in enumerate(frame.columns)})


def _read_csv(text: str, name: str) -> tuple[list[str], pl.DataFrame]:
    if not text or text.isspace():
        raise ValidationError.one(name, "empty", "the file is empty")
    if "\x00" in text:
        raise ValidationError.one(name, "format", "binary content: expected CSV text "
                                  "(plain or .csv.gz), an Excel workbook or Parquet")
    first_break = re.search(r"\r\n?|\n", text)
    if first_break and first_break.group() == "\r":  # old Mac line endings
        text = re.sub(r"\r(?!\n)", "\n", text)
    end = text.find("\n")
    separator = _sniff_separator(text if end < 0 else text[:end])
    try:
        # the header is read as a row, so repeated names are seen as written; polars
        # reads the text as UTF-8 bytes (a StringIO of a large file took four bytes a
        # character, then copies)
        frame = pl.read_csv(text.encode("utf-8"), separator=separator, has_header=False,
                            infer_schema=False)
    except pl.exceptions.NoDataError:
        raise ValidationError.one(name, "empty", "the file is empty") from None
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise ValidationError.one(name, "format", _csv_problem(text, separator, exc)) from None
    return [value or "" for value in frame.row(0)], frame.slice(1)


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's text (its type when it has none), cut to 200."""
    text = str(exc)
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def decode(data: bytes, name: str, encoding: str | None, *, packed: str = "") -> str:
    """Bytes -> text: ``encoding`` when given, else UTF-16 (with a BOM, or detected) or
    UTF-8 (with or without BOM). ``name`` is the file the problems name; ``packed`` what
    held the bytes (``"gzip file"``), when they came out of an archive."""
    if packed and (data.startswith((ZIP_MAGIC, GZIP_MAGIC, b"PAR1"))
                   or (b"\x00" in data[:4096] and not _utf16_without_bom(data)
                       and not data.startswith((b"\xff\xfe", b"\xfe\xff")))):
        raise ValidationError.one(name, "format", f"a {packed} whose content is not CSV "
                                  "text (binary data)")
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise ValidationError.one(name, "encoding",
                                      f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise ValidationError.one(name, "encoding", f"cannot decode as {encoding}: "
                                      f"{exc.reason} at byte {exc.start}") from None
        except ValueError as exc:  # other codec failures (UnicodeError and the like)
            raise ValidationError.one(name, "encoding", f"cannot decode as {encoding}: "
                                      f"{shown(_first_line(exc))}") from None
    utf16 = ("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff"))
             else _utf16_without_bom(data))
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise ValidationError.one(name, "encoding", f"broken UTF-16 text: {exc.reason} "
                                      f"at byte {exc.start}") from None
    if data.startswith(ZIP_MAGIC):
        raise ValidationError.one(name, "format", "a zip archive that is not an Excel "
                                  "workbook: unzip it and give the CSV inside")
    if b"\x00" in data:
        raise ValidationError.one(name, "format", "binary content: expected CSV text "
                                  "(plain or .csv.gz), an Excel workbook or Parquet")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError.one(
            name, "encoding",
            f"not UTF-8: byte 0x{data[exc.start]:02x} on line {line}; save the file as "
            "UTF-8, or pass --encoding (for example latin-1)") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``data`` looks like mostly-ASCII UTF-16 text."""
    sample = data[:4096]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _sniff_separator(header: str) -> str:
    """The separator the header line uses most (a comma when it uses none)."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _csv_problem(text: str, separator: str, exc: BaseException) -> str:
    """A one-line explanation of why a CSV could not be parsed."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=separator, strict=True)
    try:
        width = len(next(rows))
        for number, row in enumerate(rows, start=1):
            if row and len(row) != width:
                return (f"row {number} has {len(row)} fields but the header has {width} "
                        "(a stray separator, or a truncated line?)")
    except csv.Error as err:
        return f"malformed CSV: {shown(str(err))}"
    return f"malformed CSV ({shown(_first_line(exc))})"


def as_text(frame: pl.DataFrame, names: list[str], file: str, *,
            required: Iterable[str]) -> pl.DataFrame:
    """``frame`` with every column cast to text (its column names kept).

    ``names`` gives each column's meaning, in order. A column the caller reads (its
    name is one of ``required``) whose type cannot hold its values (nested data, bytes
    that are not UTF-8, durations) is a problem naming it; any other such column becomes
    empty, as it is dropped anyway.
    """
    required = set(required)
    problems, columns = [], []
    for series, meaning in zip(frame.get_columns(), names, strict=True):
        text = None
        if not (series.dtype.is_nested() or series.dtype in (pl.Duration, pl.Object)):
            try:
                text = series.cast(pl.String)
            except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
                pass
        if text is None:
            if meaning in required:
                problems.append(Problem(
                    file, "type", f"a column of type {series.dtype} cannot hold "
                    f"{meaning} values (expected text, a number or a date)", column=meaning))
            text = pl.Series(series.name, [None] * series.len(), dtype=pl.String)
        columns.append(text)
    if problems:
        raise ValidationError(problems)
    return pl.DataFrame(columns, height=frame.height)


def first_of_each(frame: pl.DataFrame, names: list[str], file: str, *,
                  judged: Collection[str], clash: Callable[[int, int], str]) -> pl.DataFrame:
    """``frame``'s columns named ``names`` (in order), the first column of each name kept.

    A name of ``judged`` (one the caller reads) given to two columns is a ``header``
    problem; ``clash(first, again)``, from the two columns' positions, says why. Every
    such problem is listed in one :class:`ValidationError`.
    """
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(names):
        if name in seen and name in judged:
            problems.append(Problem(file, "header", clash(seen[name], i), column=name))
        seen.setdefault(name, i)
    if problems:
        raise ValidationError(problems)
    return frame.select(pl.nth(i).alias(name) for name, i in seen.items())


def __dir__() -> list[str]:
    return sorted(__all__)
