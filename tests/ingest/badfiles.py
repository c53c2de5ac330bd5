"""Small bad inputs made on the fly: one of each kind the ingest must refuse cleanly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path


def write_bad_files(folder: Path, real_pdf: bytes) -> dict[str, Path]:
    """Write an empty, a renamed .docx, a truncated, an encrypted and a scanned PDF."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["empty"] = folder / "empty.pdf"
    files["empty"].write_bytes(b"")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    files["docx"] = folder / "renamed_docx.pdf"
    files["docx"].write_bytes(docx.getvalue())
    files["truncated"] = folder / "truncated.pdf"
    files["truncated"].write_bytes(real_pdf[:3000])

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    files["encrypted"] = folder / "encrypted.pdf"
    c = canvas.Canvas(str(files["encrypted"]), encrypt=StandardEncryption("secret", ownerPassword="owner"))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "2024年度部门决算 收入支出决算总表 4,723.92 万元")
    c.save()
    files["scanned"] = folder / "scanned.pdf"
    c = canvas.Canvas(str(files["scanned"]))
    for i in range(40):  # an image-like page: only shapes, no text layer
        c.rect(50 + i * 5, 100 + i * 12, 200, 8, fill=1)
    c.showPage()
    c.rect(50, 50, 400, 600, fill=0)
    c.save()
    return files
