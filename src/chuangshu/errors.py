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
