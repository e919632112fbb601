"""A strict checker for Telegram HTML, used by the fake Bot API server and the tests.

It accepts what Telegram's HTML parse mode accepts (the tags we may send, properly nested,
only ``&lt; &gt; &amp; &quot;`` and numeric entities, no bare ``<``, ``>`` or ``&``) and
reports what a reader would see, split into text inside and outside ``<tg-spoiler>``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

LIMIT = 4096

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "tg-spoiler",
    "code",
    "pre",
    "blockquote",
}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}")


class TelegramHtmlError(ValueError):
    pass


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class Parsed:
    text: str = ""
    """Everything a reader sees (spoilers included)."""
    spoiler_text: list[str] = field(default_factory=list)
    """The text of each ``<tg-spoiler>`` element."""
    plain_text: str = ""
    """What is visible without tapping a spoiler."""


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.result = Parsed()
        self._spoiler: list[str] = []

    def _visible(self, text: str) -> None:
        self.result.text += text
        if "tg-spoiler" in self.stack:
            self._spoiler.append(text)
        else:
            self.result.plain_text += text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise TelegramHtmlError(f"unsupported start tag {tag!r}")
        if attrs:
            raise TelegramHtmlError(f"unexpected attributes on {tag!r}: {attrs}")
        if tag == "tg-spoiler" and "tg-spoiler" in self.stack:
            raise TelegramHtmlError("nested tg-spoiler")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise TelegramHtmlError(f"self-closing tag {tag!r}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramHtmlError(f"unmatched end tag {tag!r} (open: {self.stack})")
        self.stack.pop()
        if tag == "tg-spoiler":
            self.result.spoiler_text.append("".join(self._spoiler))
            self._spoiler = []

    def handle_data(self, data: str) -> None:
        for ch in "<>&":
            if ch in data:
                raise TelegramHtmlError(f"unescaped {ch!r} in text: {data[:60]!r}")
        self._visible(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            raise TelegramHtmlError(f"unsupported entity &{name};")
        self._visible(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._visible(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        raise TelegramHtmlError("comment")

    def handle_decl(self, decl: str) -> None:
        raise TelegramHtmlError("declaration")

    def handle_pi(self, data: str) -> None:
        raise TelegramHtmlError("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise TelegramHtmlError("unknown declaration")


def parse(message: str, *, limit: int = LIMIT) -> Parsed:
    """Check one message the way Telegram would; raise :class:`TelegramHtmlError`."""
    if utf16_len(message) > limit:
        # Our renderer keeps even the raw HTML within the limit (stricter than Telegram).
        raise TelegramHtmlError(f"message is too long: {utf16_len(message)} UTF-16 units")
    checker = _Checker()
    checker.feed(message)
    checker.close()
    if checker.rawdata:
        raise TelegramHtmlError(f"unparsed tail: {checker.rawdata[:60]!r}")
    if checker.stack:
        raise TelegramHtmlError(f"unclosed tags: {checker.stack}")
    result = checker.result
    if not result.text.strip():
        raise TelegramHtmlError("message text is empty")
    if MENTION.search(result.text):
        raise TelegramHtmlError(f"message would mention somebody: {MENTION.search(result.text)}")
    for ch in result.text:
        if (ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F:
            raise TelegramHtmlError(f"control character {ch!r} in text")
    return result
