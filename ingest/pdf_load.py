"""Open a PDF with pdfplumber: each page's glyphs and the grids of its ruled tables.

pdfplumber is used only here: it yields plain :class:`~ingest.pdf_layout.Glyph`
tuples and cell boxes (:class:`PageData`), and nothing of pdfplumber leaves this
module. pdfminer's errors are mapped to :mod:`ingest.errors`.

Rules are what a reader sees: Word and WPS paint cell backgrounds as white filled
rectangles, whose edges pdfplumber would otherwise take for table rules, cutting each
cell into a mesh of thin rows and columns (a label in one, its figure in another).
Such invisible rectangles are left out when grids are found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ingest.errors import CorruptFileError, EncryptedFileError
from ingest.model import BBox
from ingest.pdf_layout import Glyph

logger = logging.getLogger(__name__)

_WHITE = 0.99
"""A colour component at least this light (gray, RGB) counts as white; CMYK white is all inks ≤ 1 − this."""


@dataclass
class Grid:
    """A table found by pdfplumber: its box and its rows of cell boxes (``None`` = merged)."""

    bbox: BBox
    cells: list[list[BBox | None]]


@dataclass
class PageData:
    """One page: 1-based number, size in points, upright glyphs and ruled-table grids."""

    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    grids: list[Grid]


def is_white(color: Any) -> bool:
    """A fill colour as pdfplumber reports it (gray number, 1/3/4-tuple) is white."""
    if isinstance(color, (int, float)):
        return color >= _WHITE
    if not isinstance(color, (tuple, list)) or not color:
        return False
    if not all(isinstance(c, (int, float)) for c in color):
        return False  # a pattern or named colour space
    if len(color) == 4:
        return all(c <= 1 - _WHITE for c in color)
    return len(color) in (1, 3) and all(c >= _WHITE for c in color)


def is_invisible_fill(obj: dict[str, Any]) -> bool:
    """A rectangle painted white and not stroked: a cell background, not a rule."""
    return (
        obj.get("object_type") == "rect"
        and bool(obj.get("fill"))
        and not obj.get("stroke")
        and is_white(obj.get("non_stroking_color"))
    )


def _visible(obj: dict[str, Any]) -> bool:
    return not is_invisible_fill(obj)


def load_pages(path: Path, on_page: Callable[[int, int], None] | None = None) -> list[PageData]:
    """Open the PDF with pdfplumber and pull out glyphs and table grids, page by page.

    Args:
        path: the PDF file.
        on_page: called with ``(pages done, pages in all)`` after each page.

    Raises:
        EncryptedFileError: the PDF needs a password.
        CorruptFileError: pdfminer cannot parse the file.
    """
    pages: list[PageData] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                glyphs = [
                    Glyph(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"])
                    for c in page.chars
                    if c.get("upright", True)
                ]
                grids = [
                    Grid(
                        bbox=_box(t.bbox),
                        cells=[[_box(c) if c else None for c in row.cells] for row in t.rows],
                    )
                    for t in page.filter(_visible).find_tables()
                ]
                pages.append(PageData(page.page_number, float(page.width), float(page.height), glyphs, grids))
                page.close()
                if on_page is not None:
                    on_page(len(pages), len(pdf.pages))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedFileError(str(path), f"PDF 受密码保护（{type(cause).__name__}）") from exc
        raise CorruptFileError(str(path), f"无法解析 PDF（{type(cause).__name__}: {cause}）") from exc
    except PDFEncryptionError as exc:
        raise EncryptedFileError(str(path), f"PDF 受密码保护（{type(exc).__name__}）") from exc
    except (MalformedPDFException, PSException) as exc:
        raise CorruptFileError(str(path), f"无法解析 PDF（{type(exc).__name__}: {exc}）") from exc
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, AssertionError) as exc:
        # pdfminer lets these through on some damaged object structures.
        logger.warning("%s: unexpected error while parsing, treated as a damaged PDF", path, exc_info=True)
        raise CorruptFileError(str(path), f"PDF 结构损坏（{type(exc).__name__}: {exc}）") from exc
    return pages


def _box(box: tuple[float, float, float, float]) -> BBox:
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
