"""Entities: resolution, title/role splitting and noise filtering, on sentences written here."""

from __future__ import annotations

from tasks.entities import entity_key, extract_mentions


def _people(nlp, text: str) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    found: dict[str, set[str]] = {}
    for m in extract_mentions(nlp(text)):
        if m.label == "person":
            found.setdefault(m.name, set()).add(m.text)
    return found


def test_surname_resolves_to_full_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Transport Minister Helen Ashby met union leaders on Monday. "
        "Ashby said the offer was final. Later, Ashby's office issued a statement."
    )
    people = _people(nlp, text)
    assert set(people) == {"Helen Ashby"}


def test_titles_and_roles_split_from_names(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Joint Chiefs of Staff Chairman General Mark Milley spoke to reporters on Monday.")
    (milley,) = [m for m in extract_mentions(doc) if m.label == "person"]
    assert milley.name == "Mark Milley"
    assert milley.title == "General"
    assert milley.role == "Joint Chiefs of Staff Chairman"
    assert milley.key == "person:mark milley"


def test_country_aliases_share_one_key(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(
        "The U.S. said on Monday it would keep troops in the region. "
        "Officials in the United States and the US embassy in Baghdad agreed."
    )
    keys = {m.key for m in extract_mentions(doc) if m.text in {"U.S.", "United States", "US"}}
    assert keys == {"place:united states"}


def test_platforms_are_not_people(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Farah said in a statement on Twitter that the policy had not changed.")
    labels = {m.name: m.label for m in extract_mentions(doc)}
    assert labels.get("Twitter") != "person"


def test_entity_key_is_stable_across_spellings() -> None:
    assert entity_key("Kererū Gorge", "place") == entity_key("Kereru  gorge", "place")
    assert entity_key("O'Regan", "person") == "person:oregan"
    assert entity_key("Mark Milley", "person") != entity_key("Mark Milley", "org")
