"""The about page: what the bot does, where its facts come from (with the attributions
the sources require), and what it stores about people and how to have it deleted."""

from __future__ import annotations

from bot.render.document import Document, Paragraph, Section, Style, Text

TMDB_NOTICE = "This product uses the TMDB API but is not endorsed or certified by TMDB."

SOURCES = (
    "Credit-scene listing: aftercredits.com, via the Kometa-Team/AfterCredits map (MIT).",
    "Credit keywords: TMDB (duringcreditsstinger, aftercreditsstinger). " + TMDB_NOTICE,
    "Entertainment press and studios named with each answer (its Source line).",
    "Film titles and years: Wikipedia's lists of American films (CC BY-SA), The Movies "
    "Dataset and TMDB 5000 (Kaggle).",
    "Ratings, box office, runtimes and credits: Rotten Tomatoes, Metacritic and Box Office "
    "Mojo datasets (Kaggle), IMDb figures; each record names its source for every fact.",
    "Viewer reports, once a maintainer has reviewed them.",
)
STORED = (
    "Nothing about you when you only ask: questions are answered and forgotten.",
    "When you report a wrong answer: which film, what you saw, your optional note, and a "
    "salted hash of the platform and your user id (never the id itself), so that one "
    "person counts once.",
    "Chat settings that a chat's admins choose (public replies, scene descriptions, "
    "language), keyed by the chat.",
)


def about_document(contact: str | None = None) -> Document:
    """The about page; ``contact`` says how to reach whoever runs this bot."""
    who = contact or "whoever runs this bot"
    return Document(
        title="About credits-bot",
        headline="Does this film have a scene during or after the credits? Ask me.",
        blocks=(
            Paragraph(
                (
                    Text("I answer with the verdict first, then the film's facts; scene "),
                    Text("descriptions and plot recaps stay behind spoilers. "),
                    Text("Unknown ", Style.BOLD),
                    Text("means nobody has recorded that film yet: it never means no."),
                )
            ),
            Section("Where the facts come from", tuple((Text(s),) for s in SOURCES)),
            Section("What is stored about you", tuple((Text(s),) for s in STORED)),
            Paragraph(
                (
                    Text("To have your reports deleted, ask "),
                    Text(who),
                    Text(": one command ("),
                    Text("credits-bot reports forget PLATFORM USER_ID", Style.ITALIC),
                    Text(") removes everything stored about you."),
                )
            ),
        ),
    )
