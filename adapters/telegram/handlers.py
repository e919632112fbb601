"""Telegram updates -> the core's questions -> replies in Telegram HTML.

One :class:`TelegramHandlers` object holds the service; :meth:`TelegramHandlers.register`
adds its callbacks to an :class:`~telegram.ext.Application`. Nothing here is global.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Sequence
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatMemberStatus, InlineQueryLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.chatprefs import ChatPrefs
from bot.errors import BotError
from bot.i18n import ENGLISH, LANGUAGES, N_, NAMES, Translator, choose_language, translator
from bot.limits import MAX_QUESTION
from bot.models import Ambiguous, Answer, Film, Found, Verdict
from bot.render.about import about_document
from bot.render.answer import answer_document, choice_words, film_document, recap_document
from bot.render.document import Document, Paragraph, Section, Text
from bot.reports import Outcome, reports_of, review_text, viewer_line_for
from bot.service import CreditsLookup
from bot.settings import Settings
from bot.state.base import MAX_NOTE, ChatSettings, Claim, Report, Status
from bot.texts import APOLOGY, GONE, STALE_BUTTON

from . import markup
from .keyboards import (
    Action,
    answer_keyboard,
    choices_keyboard,
    claims_keyboard,
    decode,
    decode_claim,
)

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]


INLINE_RESULTS = InlineQueryLimit.RESULTS  # 50
INLINE_CACHE_SECONDS = 60
TOO_MANY_REPORTS = N_("That is a lot of reports for one hour: please try later.")
PLATFORM = "telegram"
"""What reports from here are stored under (with the user id, hashed)."""
MAINTAINERS_ONLY = N_("Only the bot's maintainers can review reports.")
REVIEW_PREFIX = "v:"
"""``callback_data`` of the review chat's buttons: ``v:a:<report id>``, ``v:r:<id>``."""
ADMINS_ONLY = N_("Only this chat's admins can change its settings.")
SETTINGS_PREFIX = "s:l:"
"""``callback_data`` of a language choice in ``/settings``: ``s:l:<code>``."""
SCENES_PREFIX = "s:d:"
"""``callback_data`` of the scene descriptions choice in ``/settings``: ``s:d:1`` shows
them (behind spoiler tags), ``s:d:0`` leaves them out."""
AUTOMATIC = "-"
REPORT_START = "r_"
"""``/start r_<film id>``: a report about that film (from an answer shared inline)."""
START_PARAMETER_LIMIT = 64
NOTE_MARK = "№ "
"""Before the report's number at the end of a note prompt (the same in every language)."""
_NOTE_PROMPT = re.compile(rf"\n{NOTE_MARK}([0-9]{{1,18}})\s*$")


COMMANDS: tuple[tuple[str, str], ...] = (
    ("credits", N_("Does a film have a scene during or after the credits?")),
    ("recap", N_("What happens in a film (hidden behind a spoiler)")),
    ("help", N_("What I do, with examples")),
    ("about", N_("Where my facts come from and what I store")),
    ("settings", N_("This chat's answer language and scene descriptions (admins)")),
)
"""Sent with ``setMyCommands`` at start-up: the descriptions once per language."""


def command_menus() -> list[tuple[str | None, list[tuple[str, str]]]]:
    """``(language_code, commands)`` for each ``setMyCommands`` call: English for everyone
    (no language code), then each other language for users whose app uses it. Telegram
    takes a two-letter code, so Brazilian Portuguese is offered to every ``pt`` user."""
    menus: list[tuple[str | None, list[tuple[str, str]]]] = []
    for lang in LANGUAGES:
        t = translator(lang)
        code = None if lang == "en" else lang.split("_")[0]
        menus.append((code, [(name, t.gettext(text)) for name, text in COMMANDS]))
    return menus


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def help_document(bot_username: str, t: Translator | None = None) -> Document:
    t = t or translator()
    at = f"@{bot_username}"
    examples = (
        "/credits Iron Man",
        "/recap Children of Heaven",
        t.gettext("does iron man have a post credit scene? (in a private chat)"),
        t.gettext(
            "{bot} thor ragnarok? (in a group: mention me, or reply to one of my messages)",
            bot=at,
        ),
        t.gettext(
            "{bot} iron (in any chat: pick a film from the list to share the answer)", bot=at
        ),
    )
    return Document(
        title=t.gettext("Help"),
        headline=t.gettext("I tell you whether a film has a scene during or after the credits."),
        blocks=(
            Paragraph(
                (
                    Text(
                        t.gettext(
                            "Ask me about a film and I answer first with the verdict, then the "
                            "year, runtime, directors and ratings. Scene descriptions and recaps "
                            "stay hidden behind spoilers: tap to reveal them."
                        )
                    ),
                )
            ),
            Section(t.gettext("Try"), tuple((Text(e),) for e in examples)),
            Paragraph(
                (
                    Text(
                        t.gettext(
                            "“Unknown” means nobody has recorded that film yet; it never means no."
                        ),
                    ),
                )
            ),
        ),
        language=t.language,
    )


def usage_text(command: str, t: Translator | None = None) -> str:
    t = t or translator()
    if command == "recap":
        return t.gettext(
            "Send /recap followed by a film title, for example: /recap Children of Heaven"
        )
    return t.gettext("Send /credits followed by a film title, for example: /credits Iron Man")


def chat_key(chat_id: int) -> str:
    """A chat's key in the state store's per-chat settings."""
    return f"{PLATFORM}:{chat_id}"


def chat_language(update: Update, prefs: ChatPrefs | None = None) -> str | None:
    """The language chosen for this chat with ``/settings``, where one is stored (read
    from ``prefs``' cache, which the handlers fill as each update arrives)."""
    chat = update.effective_chat
    if prefs is None or chat is None:
        return None
    settings = prefs.cached(chat_key(chat.id))
    return settings.language if settings is not None else None


def translator_for(update: object, prefs: ChatPrefs | None = None) -> Translator:
    """The language to answer in: the chat's setting, else the user's Telegram language
    (``language_code``: ``de``, ``pt-br``, ``fa``...), else English."""
    if not isinstance(update, Update):
        return translator()
    user = update.effective_user
    code = user.language_code if user is not None else None
    return translator(choose_language(chat_language(update, prefs), code))


def command_argument(message: Message) -> str:
    """The text after ``/command`` (or ``/command@BotName``)."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def question_text(text: str) -> str:
    return markup.clean(text).strip()[:MAX_QUESTION].strip()


class TelegramHandlers:
    def __init__(self, service: CreditsLookup, settings: Settings | None = None) -> None:
        self._service = service
        self._settings = settings
        self._reports = reports_of(service)
        self._prefs = self._reports.chats if self._reports is not None else None

    def _translator(self, update: object) -> Translator:
        return translator_for(update, self._prefs)

    def register(self, app: TelegramApp) -> None:
        new = filters.UpdateType.MESSAGE  # not edits, not channel posts
        review = self._settings.review_telegram_chat_id if self._settings else None
        if self._reports is not None and review is not None:
            bot = app.bot

            async def post(report: Report) -> None:
                await self._post_review(bot, review, report)

            self._reports.listeners.append(post)
        if self._prefs is not None:
            # First, before any reply is made: the chat's settings into the cache.
            app.add_handler(TypeHandler(Update, self._load_settings), group=-1)
            app.add_handler(CommandHandler("settings", self.settings, filters=new))
        app.add_handler(CommandHandler(["start", "help"], self.help, filters=new))
        app.add_handler(CommandHandler("credits", self.credits, filters=new))
        app.add_handler(CommandHandler("recap", self.recap, filters=new))
        app.add_handler(CommandHandler("about", self.about, filters=new))
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
        t = self._translator(update)
        argument = command_argument(message)
        if argument.startswith(REPORT_START) and self._reports is not None:
            # A deep link from the "Wrong?" button of an answer shared through inline mode.
            answer = await self._service.film(argument[len(REPORT_START) :])
            if isinstance(answer, Found):
                await self._ask_claim(message, answer.film, t)
                return
        await self._send(message, markup.render(help_document(context.bot.username, t)))

    async def about(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        await self._send(message, markup.render(about_document(t=self._translator(update))))

    async def credits(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, "credits", recap=False)

    async def recap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._command(update, "recap", recap=True)

    async def _command(self, update: Update, command: str, *, recap: bool) -> None:
        message = update.effective_message
        if message is None:
            return
        t = self._translator(update)
        text = question_text(command_argument(message))
        if not text:
            await self._send(message, markup.render_text(usage_text(command, t)))
            return
        await self._ask(message, text, t, recap=recap)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        command = message.text.split(maxsplit=1)[0]
        addressed = command.lower().endswith("@" + context.bot.username.lower())
        if message.chat.type == Chat.PRIVATE or addressed:
            t = self._translator(update)
            await self._send(message, markup.render(help_document(context.bot.username, t)))

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None or self._sent_via_me(message, context):
            return
        if await self._note(update, message):
            return
        t = self._translator(update)
        text = question_text(_strip_mention(message.text, context.bot.username))
        if not text:
            await self._send(message, markup.render(help_document(context.bot.username, t)))
            return
        await self._ask(message, text, t, recap=False)

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In groups: only mentions of the bot and replies to the bot's own messages."""
        message = update.effective_message
        if message is None or message.text is None or self._sent_via_me(message, context):
            return
        if await self._note(update, message):
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
        t = self._translator(update)
        text = question_text(_strip_mention(message.text, username))
        if not text:
            await self._send(message, markup.render(help_document(username, t)))
            return
        await self._ask(message, text, t, recap=False)

    @staticmethod
    def _sent_via_me(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """An inline result of ours that someone posted: not a question to answer."""
        return message.via_bot is not None and message.via_bot.id == context.bot.id

    async def _ask(self, message: Message, text: str, t: Translator, *, recap: bool) -> None:
        answer = await self._service.ask(text)
        viewers = None if recap else await viewer_line_for(self._service, answer, t)
        scenes = self._scenes_shown(message.chat.id)
        parts, keyboard = self._compose(answer, t, recap=recap, viewers=viewers, scenes=scenes)
        await self._send(message, parts, keyboard)

    def _scenes_shown(self, chat_id: int) -> bool:
        """Whether this chat shows scene descriptions (behind spoiler tags, as always) or
        chose with ``/settings`` to leave them out."""
        settings = self._prefs.cached(chat_key(chat_id)) if self._prefs is not None else None
        return settings is None or not settings.hide_scenes

    def _compose(
        self,
        answer: Answer,
        t: Translator,
        *,
        recap: bool,
        viewers: str | None = None,
        scenes: bool = True,
    ) -> tuple[list[str], InlineKeyboardMarkup | None]:
        """The messages and the keyboard for an answer; ``viewers`` is what viewers report
        about a film nobody has recorded; ``scenes=False`` leaves scene descriptions out."""
        report = self._reports is not None
        if isinstance(answer, Found):
            if recap:
                return markup.render(recap_document(answer.film, t)), None
            doc = answer_document(answer, viewers=viewers, scenes=scenes, t=t)
            return markup.render(doc), answer_keyboard(answer, report=report, t=t)
        action = Action.PICK_RECAP if recap else Action.ANSWER
        if isinstance(answer, Ambiguous):
            keyboard = choices_keyboard(answer.candidates, action)
        else:
            keyboard = choices_keyboard(answer.suggestions, action)
        return markup.render(answer_document(answer, t=t)), keyboard

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
        t = self._translator(update)
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
            doc = answer_document(answer, t=t)
            results.append(
                InlineQueryResultArticle(
                    id=choice.id,
                    title=f"{choice.label} — {choice_words(choice, t)}",
                    description=doc.headline,
                    input_message_content=InputTextMessageContent(
                        markup.render_one(doc),
                        parse_mode=ParseMode.HTML,
                        link_preview_options=NO_PREVIEW,
                    ),
                    reply_markup=answer_keyboard(
                        answer, others=False, report=self._reports is not None, t=t
                    ),
                )
            )
        button = None
        if not results:
            if prefix:
                text = t.gettext("No film found: how to ask")
            else:
                text = t.gettext("How to use this bot")
            button = InlineQueryResultsButton(text=text, start_parameter="help")
        # Personal: the results are in the asker's language, so Telegram must not hand
        # them to somebody else who types the same text.
        await inline.answer(
            results, cache_time=INLINE_CACHE_SECONDS, is_personal=True, button=button
        )

    def _shared_keyboard(self, answer: Found, t: Translator) -> InlineKeyboardMarkup | None:
        """Under an answer shared through inline mode: no runners-up."""
        return answer_keyboard(answer, others=False, report=self._reports is not None, t=t)

    # --- buttons ------------------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        t = self._translator(update)
        if query.data and query.data.startswith(REVIEW_PREFIX):
            await self._review(update, query.data[len(REVIEW_PREFIX) :])
            return
        if query.data and query.data.startswith(SETTINGS_PREFIX):
            await self._set_language(update, context, query.data[len(SETTINGS_PREFIX) :])
            return
        if query.data and query.data.startswith(SCENES_PREFIX):
            await self._set_scenes(update, context, query.data[len(SCENES_PREFIX) :])
            return
        claimed = decode_claim(query.data)
        if claimed is not None:
            await self._claim(update, context, *claimed, t)
            return
        decoded = decode(query.data)
        if decoded is None:
            await query.answer(t.gettext(STALE_BUTTON))
            return
        action, film_id = decoded
        answer = await self._service.film(film_id)
        if not isinstance(answer, Found):
            await query.answer(t.gettext(GONE))
            return
        film = answer.film
        message = query.message
        if action is Action.WRONG and (
            query.inline_message_id is not None or not isinstance(message, Message)
        ):
            # Shared through inline mode, in a chat the bot may not be in: the report is
            # made in a private chat with the bot (a deep link).
            start = f"{REPORT_START}{film.id}"
            if len(start) > START_PARAMETER_LIMIT:
                await query.answer(t.gettext(GONE))
                return
            await query.answer(url=f"https://t.me/{context.bot.username}?start={start}")
            return
        await query.answer()

        if query.inline_message_id is not None or not isinstance(message, Message):
            await self._edit_elsewhere(query, context, action, answer, t)
            return

        if action is Action.RECAP:
            await self._send(message, markup.render(recap_document(film, t)))
            return
        if action is Action.WRONG:
            await self._ask_claim(message, film, t)
            return
        if action is Action.PICK_RECAP:
            parts, keyboard = markup.render(recap_document(film, t)), None
        else:
            viewers = await viewer_line_for(self._service, answer, t)
            scenes = self._scenes_shown(message.chat.id)
            parts = markup.render(answer_document(answer, viewers=viewers, scenes=scenes, t=t))
            keyboard = answer_keyboard(answer, report=self._reports is not None, t=t)
        await self._edit(message, parts, keyboard)

    async def _edit_elsewhere(
        self,
        query: CallbackQuery,
        context: ContextTypes.DEFAULT_TYPE,
        action: Action,
        answer: Found,
        t: Translator,
    ) -> None:
        """A message sent through inline mode (or too old to reach): only an edit works."""
        film, message = answer.film, query.message
        if action is Action.ANSWER:
            doc = answer_document(answer, t=t)
            keyboard = answer_keyboard(answer, others=False, report=self._reports is not None, t=t)
        else:
            doc = film_document(film, include_recap=True, t=t)
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

    # --- per-chat settings --------------------------------------------------------------

    async def _load_settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if self._prefs is not None and chat is not None:
            await self._prefs.load(chat_key(chat.id))

    @staticmethod
    async def _may_configure(context: ContextTypes.DEFAULT_TYPE, chat: Chat, user_id: int) -> bool:
        """In a private chat, its person; in a group, its administrators (getChatMember)."""
        if chat.type == Chat.PRIVATE:
            return True
        member = await context.bot.get_chat_member(chat.id, user_id)
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    def _settings_view(
        self, settings: ChatSettings, t: Translator
    ) -> tuple[str, InlineKeyboardMarkup]:
        current = settings.language
        name = NAMES[current] if current in NAMES else t.gettext("automatic")
        scenes = (
            t.gettext("Scene descriptions: left out")
            if settings.hide_scenes
            else t.gettext("Scene descriptions: shown, behind spoiler tags")
        )
        text = "\n".join(
            (
                f"<b>{markup.escape(t.gettext('Settings for this chat'))}</b>",
                markup.escape(t.gettext("Answer language: {language}", language=name)),
                markup.escape(scenes),
                markup.escape(t.gettext("Choose the language I answer in here.")),
            )
        )
        choices: list[tuple[str | None, str]] = [
            (None, t.gettext("Automatic (each person's language)"))
        ]
        choices += [(code, NAMES[code]) for code in LANGUAGES]
        buttons = [
            InlineKeyboardButton(
                ("✓ " if code == current else "") + label,
                callback_data=f"{SETTINGS_PREFIX}{code or AUTOMATIC}",
            )
            for code, label in choices
        ]
        rows = [buttons[:1]] + [buttons[i : i + 2] for i in range(1, len(buttons), 2)]
        rows.append(
            [
                InlineKeyboardButton(
                    ("" if settings.hide_scenes else "✓ ") + t.gettext("Describe scenes"),
                    callback_data=f"{SCENES_PREFIX}1",
                ),
                InlineKeyboardButton(
                    ("✓ " if settings.hide_scenes else "") + t.gettext("Only say where"),
                    callback_data=f"{SCENES_PREFIX}0",
                ),
            ]
        )
        return text, InlineKeyboardMarkup(rows)

    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/settings``: the chat's answer language, for its admins."""
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None or self._prefs is None:
            return
        t = self._translator(update)
        if not await self._may_configure(context, message.chat, user.id):
            await self._send(message, markup.render_text(t.gettext(ADMINS_ONLY)))
            return
        settings = await self._prefs.load(chat_key(message.chat.id))
        text, keyboard = self._settings_view(settings, t)
        await self._send(message, [text], keyboard)

    async def _set_language(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, code: str
    ) -> None:
        language = None if code == AUTOMATIC else code
        valid = language is None or language in NAMES
        await self._change(update, context, {"language": language} if valid else None)

    async def _set_scenes(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, code: str
    ) -> None:
        valid = code in ("0", "1")
        await self._change(update, context, {"hide_scenes": code == "0"} if valid else None)

    async def _change(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, change: dict[str, Any] | None
    ) -> None:
        """A ``/settings`` button: for the chat's admins, save ``change`` (None: a stale or
        forged button) and show the settings again."""
        query = update.callback_query
        user = update.effective_user
        if query is None or user is None or self._prefs is None:
            return
        message = query.message
        t = self._translator(update)
        if not isinstance(message, Message) or change is None:
            await query.answer(t.gettext(STALE_BUTTON))
            return
        if not await self._may_configure(context, message.chat, user.id):
            await query.answer(t.gettext(ADMINS_ONLY))
            return
        settings = await self._prefs.load(chat_key(message.chat.id))
        settings = dataclasses.replace(settings, **change)
        await self._prefs.save(settings)
        t = self._translator(update)
        await query.answer(t.gettext("Saved."))
        text, keyboard = self._settings_view(settings, t)
        await message.edit_text(text, reply_markup=keyboard)

    # --- the review chat ----------------------------------------------------------------

    async def _post_review(self, bot: Any, chat_id: int, report: Report) -> None:
        """A new report, in the review chat, with Accept / Reject for the maintainers."""
        if self._reports is None:
            return
        line, note = await review_text(self._reports, report)
        text = markup.escape(line)
        if note:
            text += "\n" + markup.escape(note)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        ENGLISH.gettext("Accept"), callback_data=f"{REVIEW_PREFIX}a:{report.id}"
                    ),
                    InlineKeyboardButton(
                        ENGLISH.gettext("Reject"), callback_data=f"{REVIEW_PREFIX}r:{report.id}"
                    ),
                ]
            ]
        )
        await bot.send_message(chat_id, text, reply_markup=keyboard)

    async def _review(self, update: Update, data: str) -> None:
        """Accept / Reject under a report in the review chat: maintainers only."""
        query = update.callback_query
        user = update.effective_user
        if query is None or user is None:
            return
        t = self._translator(update)
        action, _, number = data.partition(":")
        settings, reports = self._settings, self._reports
        if settings is None or reports is None or action not in "ar" or not number.isdigit():
            await query.answer(t.gettext(STALE_BUTTON))
            return
        if not settings.is_maintainer(PLATFORM, user.id):
            await query.answer(t.gettext(MAINTAINERS_ONLY))
            return
        report_id = int(number)
        try:
            if action == "a":
                await reports.accept(report_id, settings.data_dir, settings.db_path)
            else:
                await reports.reject(report_id)
        except BotError as exc:
            await query.answer(str(exc)[:200])
            return
        done = t.gettext("Accepted.") if action == "a" else t.gettext("Rejected.")
        await query.answer(done)
        message = query.message
        if isinstance(message, Message):
            line = f"{message.text or ''}\n{done}"
            await message.edit_text(markup.escape(line)[:4000], reply_markup=None)

    # --- reports ------------------------------------------------------------------------

    async def _ask_claim(self, message: Message, film: Film, t: Translator) -> None:
        """ "Wrong?" was pressed: what was wrong (or, for an unknown film, what was seen)."""
        if self._reports is None:
            return
        if film.credits.verdict is Verdict.UNKNOWN:
            question = t.gettext(
                "What did you see during and after the credits of {film}?", film=film.label
            )
        else:
            question = t.gettext("What was wrong with the answer about {film}?", film=film.label)
        await self._send(message, markup.render_text(question), claims_keyboard(film, t))

    async def _claim(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        claim: Claim,
        film_id: str,
        t: Translator,
    ) -> None:
        """A report's choice: record it, then invite a short note as a reply."""
        query = update.callback_query
        user = update.effective_user
        if query is None or user is None:
            return
        message = query.message
        if self._reports is None or not isinstance(message, Message):
            await query.answer(t.gettext(STALE_BUTTON))
            return
        done = await self._reports.submit(film_id, PLATFORM, user.id, claim)
        if done.outcome is Outcome.LIMITED:
            await query.answer(
                t.gettext("That is a lot of reports for one hour: please try later.")
            )
            return
        if done.outcome is Outcome.UNKNOWN_FILM or done.report is None:
            await query.answer(t.gettext(GONE))
            return
        await query.answer()
        hit = await self._reports.reader.film_by_id(film_id)
        label = hit[1].label if hit is not None else film_id
        thanks = t.gettext("Thanks: your report about {film} is recorded for review.", film=label)
        await message.edit_text(markup.render_text(thanks)[0], reply_markup=None)
        invite = t.gettext(
            "Add a short note if you like: reply to this message (up to {limit} characters).",
            limit=MAX_NOTE,
        )
        # The prompt carries the report's number, so the note finds its report in the
        # state store: after a restart, and on any of several webhook workers.
        await message.reply_text(
            f"{markup.render_text(invite)[0]}\n{NOTE_MARK}{done.report.id}",
            reply_markup=ForceReply(
                input_field_placeholder=t.gettext("Short note (optional)")[:64]
            ),
        )

    async def _note(self, update: Update, message: Message) -> bool:
        """A reply to a note prompt from the person who reported: the note is added.
        True when the message was such a note (and so is not a question)."""
        reply_to = message.reply_to_message
        user = update.effective_user
        if reply_to is None or user is None or self._reports is None:
            return False
        if reply_to.from_user is None or reply_to.from_user.id != message.get_bot().id:
            return False
        mark = _NOTE_PROMPT.search(reply_to.text or "")
        if mark is None:
            return False
        report = await self._reports.state.report(int(mark.group(1)))
        if report is None or report.person != await self._reports.person(PLATFORM, user.id):
            return False  # somebody else's report: an ordinary message
        if report.status is not Status.PENDING:
            return False
        await self._reports.annotate(report, markup.clean(message.text or ""))
        t = self._translator(update)
        await self._send(message, markup.render_text(t.gettext("Thanks: your note is saved.")))
        return True

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
        apology = self._translator(update).gettext(APOLOGY)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(apology)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(
                    markup.escape(apology), parse_mode=ParseMode.HTML
                )
        except TelegramError as exc:
            log.warning("Could not send the apology either: %s", exc)


def _strip_mention(text: str, username: str) -> str:
    """The question without ``@BotName``."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
