"""Procedural generation helpers: people, organisations, dates and phrasing choices.

Every helper takes the instance's `random.Random`, so an instance stays a pure function of
(family, variant, seed).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Organisation", "Person", "make_organisation", "make_people", "pick", "weekday_date"]

T = TypeVar("T")

FIRST_NAMES = (
    "Amara", "Bilal", "Chen", "Dana", "Elif", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Kavya",
    "Lucia", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samir", "Tamsin", "Ulrich",
    "Valeria", "Wen", "Ximena", "Yusuf", "Zofia", "Aiden", "Beatriz", "Callum", "Delphine", "Emeka",
    "Freya", "Gustavo", "Hana", "Ivan", "Jasmine", "Kofi", "Leila", "Marcus", "Noor", "Oskar",
    "Paloma", "Rahul", "Sienna", "Tomasz", "Uma", "Viktor", "Willa", "Yara", "Zane", "Anders",
    "Bronwyn", "Cyrus", "Dmitri", "Esther", "Fintan", "Gideon", "Helena", "Idris", "Johanna",
)
LAST_NAMES = (
    "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Kowalski", "Ferreira", "Nakamura",
    "O'Brien", "Castellano", "Adeyemi", "Varga", "Sørensen", "Mehta", "Delacroix", "Whitfield",
    "Abernathy", "Quispe", "Rahman", "Novak", "Gallagher", "Iyer", "Marchetti", "Petrov",
    "Achterberg", "Bianchi", "Coleman", "Dubois", "Eriksen", "Fitzgerald", "Grünewald", "Hoang",
    "Ibrahim", "Jablonski", "Karlsson", "Lombardi", "Mwangi", "Nguyen", "Oyelaran", "Pereira",
    "Rossi", "Schreiber", "Thorne", "Urquhart", "Vasquez", "Wojcik", "Yamamoto", "Zielinski",
)
ORG_PREFIXES = (
    "Northwind", "Bluefield", "Arcadia", "Halcyon", "Meridian", "Pinecrest", "Solstice", "Brightwater",
    "Kestrel", "Ironbridge", "Lumen", "Silverline", "Cobalt", "Harborview", "Redwood", "Summit",
    "Tidewater", "Evergreen", "Quartz", "Vantage", "Granite", "Orchard", "Beacon", "Cedarlake",
)
ORG_SUFFIXES = (
    "Logistics", "Analytics", "Health", "Energy", "Robotics", "Capital", "Foods", "Biotech",
    "Aerospace", "Networks", "Insurance", "Materials", "Pharma", "Mobility", "Retail", "Labs",
)
CITIES = (
    "Rotterdam", "Austin", "Lyon", "Osaka", "Nairobi", "Calgary", "Porto", "Melbourne", "Gdansk",
    "Denver", "Bangalore", "Edinburgh", "Valencia", "Montreal", "Singapore", "Leeds",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[rng.randrange(len(options))]


@dataclass(frozen=True)
class Organisation:
    name: str
    domain: str
    industry: str
    city: str


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    title: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


def make_organisation(rng: random.Random) -> Organisation:
    prefix, suffix = pick(rng, ORG_PREFIXES), pick(rng, ORG_SUFFIXES)
    domain = f"{prefix.lower()}{suffix.lower()}.com"
    return Organisation(name=f"{prefix} {suffix}", domain=domain, industry=suffix.lower(), city=pick(rng, CITIES))


def make_people(rng: random.Random, count: int, domain: str, titles: Sequence[str] = ()) -> list[Person]:
    """`count` people with distinct first and last names at `domain`."""
    firsts = rng.sample(FIRST_NAMES, count)
    lasts = rng.sample(LAST_NAMES, count)
    people = []
    for index, (first, last) in enumerate(zip(firsts, lasts)):
        local = f"{first}.{last}".lower().replace("'", "").replace("ø", "o").replace("ü", "u")
        title = titles[index] if index < len(titles) else ""
        people.append(Person(first=first, last=last, email=f"{local}@{domain}", title=title))
    return people


def weekday_date(rng: random.Random, year: int = 2025) -> tuple[str, str]:
    """A (weekday, 'June 12') pair for plausible in-world dates."""
    return pick(rng, WEEKDAYS), f"{pick(rng, MONTHS)} {rng.randint(2, 27)}"
