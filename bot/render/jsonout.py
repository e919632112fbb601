"""The ``--json`` contract (other tools rely on these names; unknown values are null)."""

from __future__ import annotations

from typing import Any

from bot.models import Ambiguous, Answer, Candidate, Film, Found


def film_json(film: Film) -> dict[str, Any]:
    return {
        "id": film.id,
        "title": film.title,
        "year": film.year,
        "original_title": film.original_title,
        "aliases": list(film.aliases),
        "runtime_minutes": film.runtime_minutes,
        "box_office": film.box_office,
        "languages": list(film.languages) or None,
        "writers": list(film.writers) or None,
        "directors": list(film.directors) or None,
        "ratings": {
            "metascore": film.ratings.metascore,
            "metacritic_user": film.ratings.metacritic_user,
            "tomatometer": film.ratings.tomatometer,
            "audience": film.ratings.audience,
        },
        "synopsis": film.synopsis,
        "recap": film.recap,
        "sources": dict(film.sources),
    }


def _candidate(c: Candidate) -> dict[str, Any]:
    return {"id": c.id, "title": c.title, "year": c.year, "score": c.score}


def answer_json(answer: Answer) -> dict[str, Any]:
    if isinstance(answer, Found):
        film = answer.film
        return {
            "query": answer.query,
            "status": "found",
            "film": film_json(film),
            "credits": {
                "verdict": film.credits.verdict.value,
                "scenes": [
                    {
                        "position": s.position.value,
                        "kind": s.kind,
                        "description": s.description,
                        "at": s.at,
                    }
                    for s in film.credits.scenes
                ],
                "extras": list(film.credits.extras),
                "worth_staying": (
                    None
                    if film.credits.worth_staying is None
                    else {
                        "yes": film.credits.worth_staying.yes,
                        "votes": film.credits.worth_staying.votes,
                        "percent": film.credits.worth_staying.percent,
                    }
                ),
                "source": film.credits.source,
            },
            "match": {
                "method": answer.match.method.value,
                "score": answer.match.score,
                "matched": answer.match.matched,
            },
            "candidates": [_candidate(c) for c in answer.others],
        }
    candidates = answer.candidates if isinstance(answer, Ambiguous) else answer.suggestions
    return {
        "query": answer.query,
        "status": "ambiguous" if isinstance(answer, Ambiguous) else "not_found",
        "film": None,
        "credits": None,
        "match": None,
        "candidates": [_candidate(c) for c in candidates],
    }
