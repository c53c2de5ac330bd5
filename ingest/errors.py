"""Errors raised while reading reports.

    BudgetQAError                 (every error of ours)
    └── IngestError               (a file could not be ingested; nothing was stored)
        ├── UnsupportedFileError  (not a PDF or text file, e.g. a .docx renamed .pdf)
        ├── EmptyFileError        (zero bytes, or no text at all)
        ├── CorruptFileError      (damaged PDF)
        ├── EncryptedFileError    (password-protected PDF)
        ├── ScannedFileError      (PDF pages without a text layer)
        ├── NotAReportError       (readable, but no issuing unit and no budget table in it)
        ├── limits.NotARegularFileError  (a device, FIFO or folder: refused from stat)
        └── limits.LimitExceededError    (too large, too many pages, a decompression bomb)
            └── limits.FileTimeoutError  (reading took longer than the per-file timeout)

Each message names the file and says what to do.
"""

from __future__ import annotations


class BudgetQAError(Exception):
    """Base of every error budgetqa raises on purpose."""


class IngestError(BudgetQAError):
    """A file could not be ingested; nothing of it was stored."""

    hint = ""

    def __init__(self, path: str, problem: str, hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        if hint is not None:
            self.hint = hint
        super().__init__(f"{path}: {problem}" + (f" — {self.hint}" if self.hint else ""))


class UnsupportedFileError(IngestError):
    hint = "只支持 PDF（.pdf）和文本转换件（.txt/.md）；请另存为 PDF 后再导入 / only PDF and .txt/.md files are supported"


class EmptyFileError(IngestError):
    hint = "文件为空，请检查下载是否完整 / the file is empty: download it again"


class CorruptFileError(IngestError):
    hint = "PDF 文件已损坏，请重新下载或用 PDF 阅读器另存后再导入 / the PDF is damaged: download it again or re-save it"


class EncryptedFileError(IngestError):
    hint = "PDF 已加密，请先解除密码保护再导入 / the PDF is password-protected: remove the password first"


class ScannedFileError(IngestError):
    hint = "PDF 没有文字层（扫描件），请先做 OCR 再导入 / the PDF has no text layer (scanned): run OCR first"


class NotAReportError(IngestError):
    hint = "未找到编制单位和预决算报表，这似乎不是预算/决算公开报告 / no issuing unit and no budget table: not a budget report?"
