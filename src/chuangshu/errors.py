"""Errors the user reads: one line, bilingual, saying what and where."""

from __future__ import annotations


class ChuangshuError(Exception):
    """An error with a message in Chinese and in English.

    ``where`` is a location such as ``file.ttl:12:5``; it is printed first.
    """

    exit_code = 2

    def __init__(self, en: str, zh: str, where: str | None = None):
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.where = where

    def message(self, lang: str = "en") -> str:
        text = self.zh if lang == "zh" else self.en
        return f"{self.where}: {text}" if self.where else text

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.message("en")

    def __reduce__(self):  # survives a pipe from a child process whole, both languages and where
        return (type(self), (self.en, self.zh, self.where))


class InputError(ChuangshuError):
    """The user's input (a file, an option) cannot be used."""


class Notice(UserWarning):
    """Something the user should know that does not stop the run (a fallback taken, input ignored),
    in both languages; the CLI prints it as one line on stderr in the chosen language."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


def die_with_parent() -> None:
    """In a forked child: be killed when the parent dies, however it dies (Linux PR_SET_PDEATHSIG), so
    that no query or validation outlives a killed command. Elsewhere a no-op."""
    import ctypes
    import ctypes.util
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stopped_query(err: BaseException) -> bool:
    """Whether ``err`` is DuckDB's report of a query that Ctrl-C (a RuntimeError "Query interrupted")
    or an interrupt() call (InterruptException) stopped: a KeyboardInterrupt in all but name."""
    return (type(err).__name__ == "InterruptException"
            or (isinstance(err, RuntimeError) and str(err).strip() == "Query interrupted"))
