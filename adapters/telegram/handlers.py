"""Telegram updates -> the core's questions -> replies in Telegram HTML.

One :class:`TelegramHandlers` object holds the service; :meth:`TelegramHandlers.register`
adds its callbacks to an :class:`~telegram.ext.Application`. Nothing here is global.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.limits import MAX_QUESTION
from bot.models import Ambiguous, Answer, Found
from bot.render.answer import answer_document, choice_words, film_document, recap_document
from bot.render.document import Document, Paragraph, Section, Style, Text
from bot.service import CreditsLookup
from bot.texts import APOLOGY, GONE, STALE_BUTTON

from . import markup
from .keyboards import Action, answer_keyboard, choices_keyboard, decode

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


INLINE_RESULTS = InlineQueryLimit.RESULTS  # 50
INLINE_CACHE_SECONDS = 60


COMMANDS: tuple[tuple[str, str], ...] = (
    ("credits", "Does a film have a scene during or after the credits?"),
    ("recap", "What happens in a film (hidden behind a spoiler)"),
    ("help", "What I do, with examples"),
)
"""Sent with ``setMyCommands`` at start-up."""

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def help_document(bot_username: str) -> Document:
    at = f"@{bot_username}"
    examples = (
        "/credits Iron Man",
        "/recap Children of Heaven",
        "does iron man have a post credit scene? (in a private chat)",
        f"{at} thor ragnarok? (in a group: mention me, or reply to one of my messages)",
        f"{at} iron (in any chat: pick a film from the list to share the answer)",
    )
    return Document(
        title="Help",
        headline="I tell you whether a film has a scene during or after the credits.",
        blocks=(
            Paragraph(
                (
                    Text("Ask me about a film and I answer first with the verdict, "),
                    Text("then the year, runtime, directors and ratings. "),
                    Text("Scene descriptions and recaps stay hidden behind spoilers: "),
                    Text("tap to reveal them."),
                )
            ),
            Section("Try", tuple((Text(e),) for e in examples)),
            Paragraph(
                (
                    Text("Unknown ", Style.BOLD),
                    Text("means nobody has recorded that film yet; it never means no."),
                )
            ),
        ),
    )


def usage_text(command: str) -> str:
    if command == "recap":
        return "Send /recap followed by a film title, for example: /recap Children of Heaven"
    return "Send /credits followed by a film title, for example: /credits Iron Man"


def command_argument(message: Message) -> str:
    """The text after ``/command`` (or ``/command@BotName``)."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def question_text(text: str) -> str:
    return markup.clean(text).strip()[:MAX_QUESTION].strip()


class TelegramHandlers:
    def __init__(self, service: CreditsLookup) -> None:
        self._service = service

    def register(self, app: TelegramApp) -> None:
        new = filters.UpdateType.MESSAGE  # not edits, not channel posts
        app.add_handler(CommandHandler(["start", "help"], self.help, filters=new))
        app.add_handler(CommandHandler("credits", self.credits, filters=new))
        app.add_handler(CommandHandler("recap", self.recap, filters=new))
        app.add_handler(MessageHandler(new & filters.COMMAND, self.unknown_command))
        app.add_handler(
            MessageHandler(
                new & filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
                self.private_text,
            )
        )
        app.add_handler(
            MessageHandler(
                new & filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS,
                self.group_text,
            )
        )
        app.add_handler(InlineQueryHandler(self.inline_query))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_error_handler(self.on_error)

    # --- commands and messages --------------------------------------------------------

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        await self._send(message, markup.render(help_document(context.bot.username)))

    async def credits(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, "credits", recap=False)

    async def recap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, "recap", recap=True)

    async def _command(self, update: Update, command: str, *, recap: bool) -> None:
        message = update.effective_message
        if message is None:
            return
        text = question_text(command_argument(message))
        if not text:
            await self._send(message, markup.render_text(usage_text(command)))
            return
        await self._ask(message, text, recap=recap)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        command = message.text.split(maxsplit=1)[0]
        addressed = command.lower().endswith("@" + context.bot.username.lower())
        if message.chat.type == Chat.PRIVATE or addressed:
            await self._send(message, markup.render(help_document(context.bot.username)))

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None or self._sent_via_me(message, context):
            return
        text = question_text(_strip_mention(message.text, context.bot.username))
        if not text:
            await self._send(message, markup.render(help_document(context.bot.username)))
            return
        await self._ask(message, text, recap=False)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups: only mentions of the bot and replies to the bot's own messages."""
        message = update.effective_message
        if message is None or message.text is None or self._sent_via_me(message, context):
            return
        username = context.bot.username
        mentioned = any(
            text.lower() == "@" + username.lower()
            for text in message.parse_entities([MessageEntity.MENTION]).values()
        )
        reply_to = message.reply_to_message
        replied = (
            reply_to is not None
            and reply_to.from_user is not None
            and reply_to.from_user.id == context.bot.id
        )
        if not (mentioned or replied):
            return
        text = question_text(_strip_mention(message.text, username))
        if not text:
            await self._send(message, markup.render(help_document(username)))
            return
        await self._ask(message, text, recap=False)

    @staticmethod
    def _sent_via_me(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """An inline result of ours that someone posted: not a question to answer."""
        return message.via_bot is not None and message.via_bot.id == context.bot.id

    async def _ask(self, message: Message, text: str, *, recap: bool) -> None:
        answer = await self._service.ask(text)
        parts, keyboard = self._compose(answer, recap=recap)
        await self._send(message, parts, keyboard)

    @staticmethod
    def _compose(answer: Answer, *, recap: bool) -> tuple[list[str], InlineKeyboardMarkup | None]:
        """The messages and the keyboard for an answer."""
        if isinstance(answer, Found):
            if recap:
                return markup.render(recap_document(answer.film)), None
            return markup.render(answer_document(answer)), answer_keyboard(answer)
        action = Action.PICK_RECAP if recap else Action.ANSWER
        if isinstance(answer, Ambiguous):
            keyboard = choices_keyboard(answer.candidates, action)
        else:
            keyboard = choices_keyboard(answer.suggestions, action)
        return markup.render(answer_document(answer)), keyboard

    @staticmethod
    async def _send(
        message: Message,
        parts: Sequence[str],
        keyboard: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Reply with each part in order; the keyboard goes under the last one.

        In groups the reply quotes the question (python-telegram-bot's default), so it is
        clear who was answered; in private chats it does not.
        """
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            await message.reply_text(
                part,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=keyboard if last else None,
            )

    # --- inline mode --------------------------------------------------------------------

    async def inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inline = update.inline_query
        if inline is None:
            return
        prefix = question_text(inline.query)
        choices = (await self._service.suggest(prefix, INLINE_RESULTS))[:INLINE_RESULTS]
        answers = await asyncio.gather(*(self._service.film(c.id) for c in choices))
        results: list[InlineQueryResultArticle] = []
        seen: set[str] = set()
        for choice, answer in zip(choices, answers, strict=True):
            if not isinstance(answer, Found) or len(choice.id.encode()) > 64:
                continue
            if choice.id in seen:
                continue
            seen.add(choice.id)
            doc = answer_document(answer)
            results.append(
                InlineQueryResultArticle(
                    id=choice.id,
                    title=f"{choice.label} — {choice_words(choice)}",
                    description=doc.headline,
                    input_message_content=InputTextMessageContent(
                        markup.render_one(doc),
                        parse_mode=ParseMode.HTML,
                        link_preview_options=NO_PREVIEW,
                    ),
                    reply_markup=answer_keyboard(answer, others=False),
                )
            )
        button = None
        if not results:
            text = "How to use this bot" if not prefix else "No film found: how to ask"
            button = InlineQueryResultsButton(text=text, start_parameter="help")
        await inline.answer(
            results, cache_time=INLINE_CACHE_SECONDS, is_personal=False, button=button
        )

    # --- buttons ------------------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        decoded = decode(query.data)
        if decoded is None:
            await query.answer(STALE_BUTTON)
            return
        action, film_id = decoded
        answer = await self._service.film(film_id)
        if not isinstance(answer, Found):
            await query.answer(GONE)
            return
        await query.answer()
        film = answer.film
        message = query.message

        if query.inline_message_id is not None or not isinstance(message, Message):
            # A message sent through inline mode (or too old to reach): only an edit works.
            if action is Action.ANSWER:
                doc = answer_document(answer)
                keyboard = answer_keyboard(answer, others=False)
            else:
                doc = film_document(film, include_recap=True)
                keyboard = None
            if query.inline_message_id is not None:
                await query.edit_message_text(
                    markup.render_one(doc),
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    reply_markup=keyboard,
                )
            elif message is not None:
                await context.bot.send_message(
                    message.chat.id,
                    markup.render_one(doc),
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    reply_markup=keyboard,
                )
            return

        if action is Action.RECAP:
            await self._send(message, markup.render(recap_document(film)))
            return
        if action is Action.PICK_RECAP:
            parts, keyboard = markup.render(recap_document(film)), None
        else:
            parts, keyboard = markup.render(answer_document(answer)), answer_keyboard(answer)
        await self._edit(message, parts, keyboard)

    async def _edit(
        self, message: Message, parts: Sequence[str], keyboard: InlineKeyboardMarkup | None
    ) -> None:
        """Edit a message into the first part; any further parts follow as new messages."""
        await message.edit_text(
            parts[0],
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=keyboard if len(parts) == 1 else None,
        )
        if len(parts) > 1:
            await self._send(message, parts[1:], keyboard)

    # --- errors -------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The one error hook: log the traceback, tell the user briefly, never more."""
        log.error("Error while handling a Telegram update", exc_info=context.error)
        if not isinstance(update, Update):
            return
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(APOLOGY)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(
                    markup.escape(APOLOGY), parse_mode=ParseMode.HTML
                )
        except TelegramError as exc:
            log.warning("Could not send the apology either: %s", exc)


def _strip_mention(text: str, username: str) -> str:
    """The question without ``@BotName``."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
