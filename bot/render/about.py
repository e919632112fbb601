"""The about page: what the bot does, where its facts come from (with the attributions
the sources require), and what it stores about people and how to have it deleted.

Every sentence is a message id, translated where shown; TMDB's notice is kept in
English, word for word, as TMDB's terms ask."""

from __future__ import annotations

from bot.i18n import ENGLISH, N_, Translator
from bot.render.document import Document, Paragraph, Section, Style, Text

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."
FORGET_COMMAND = "credits-bot reports forget PLATFORM USER_ID"

SOURCES = (
    N_("Credit-scene listing: aftercredits.com, via the Kometa-Team/AfterCredits map (MIT)."),
    N_("Credit keywords: TMDB (duringcreditsstinger, aftercreditsstinger)."),
    N_("Entertainment press and studios named with each answer (its Source line)."),
    N_(
        "Film titles and years: Wikipedia's lists of American films (CC BY-SA), The Movies "
        "Dataset and TMDB 5000 (Kaggle)."
    ),
    N_(
        "Ratings, box office, runtimes and credits: Rotten Tomatoes, Metacritic and Box Office "
        "Mojo datasets (Kaggle), IMDb figures; each record names its source for every fact."
    ),
    N_("Viewer reports, once a maintainer has reviewed them."),
)
STORED = (
    N_("Nothing about you when you only ask: questions are answered and forgotten."),
    N_(
        "When you report a wrong answer: which film, what you saw, your optional note, and a "
        "salted hash of the platform and your user id (never the id itself), so that one "
        "person counts once."
    ),
    N_(
        "Chat settings that a chat's admins choose (public replies, scene descriptions, "
        "language), keyed by the chat."
    ),
)


def about_document(contact: str | None = None, t: Translator = ENGLISH) -> Document:
    """The about page; ``contact`` says how to reach whoever runs this bot."""
    who = contact or t.gettext("whoever runs this bot")
    sources = [t.gettext(s) for s in SOURCES]
    sources[1] = f"{sources[1]} {TMDB_NOTICE}"
    return Document(
        title=t.gettext("About credits-bot"),
        headline=t.gettext("Does this film have a scene during or after the credits? Ask me."),
        blocks=(
            Paragraph(
                (
                    Text(
                        t.gettext(
                            "I answer with the verdict first, then the film's facts; scene "
                            "descriptions and plot recaps stay behind spoilers."
                        )
                        + " "
                    ),
                    Text(
                        t.gettext(
                            "“Unknown” means nobody has recorded that film yet; it never means no."
                        ),
                        Style.BOLD,
                    ),
                )
            ),
            Section(t.gettext("Where the facts come from"), tuple((Text(s),) for s in sources)),
            Section(
                t.gettext("What is stored about you"),
                tuple((Text(t.gettext(s)),) for s in STORED),
            ),
            Paragraph(
                (
                    Text(
                        t.gettext(
                            "To have your reports deleted, ask {who}: one command ({command}) "
                            "removes everything stored about you.",
                            who=who,
                            command=FORGET_COMMAND,
                        )
                    ),
                )
            ),
        ),
        language=t.language,
    )
