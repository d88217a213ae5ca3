"""Demo catalogue: categories, target groups, venues, courses and sessions (the events and
their programmes are `booking.demo.events`')."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from booking.accounts import services as accounts
from booking.catalogue import taxonomy
from booking.catalogue.models import Category, FundingProgramme, TargetGroup
from booking.catalogue.services import CourseData, create_course
from booking.core.timez import AMSTERDAM
from booking.extensions import db
from booking.scheduling.services import MeetingData, SessionData, schedule_session
from booking.scheduling.venues import RoomData, VenueData, create_venue

CATEGORIES = [
    ("loopbaan", "Loopbaan en mobiliteit", "Career and mobility"),
    ("persoonlijke-effectiviteit", "Persoonlijke effectiviteit", "Personal effectiveness"),
    ("teamontwikkeling", "Teamontwikkeling", "Team development"),
    ("vakmanschap", "Vakmanschap en certificering", "Craft and certification"),
    ("inspiratie", "Inspiratie", "Inspiration"),
]

TARGET_GROUPS = [
    ("iedereen", "Alle medewerkers", "All staff"),
    ("mbo", "Medewerkers op mbo-niveau", "Staff at mbo level"),
    ("teamleiders", "Teamleiders", "Team leaders"),
    ("loopbaankandidaten", "Loopbaankandidaten", "Career candidates"),
    ("buitendiensten", "Buitendiensten", "Field services"),
    ("hr", "HR-professionals", "HR professionals"),
]


def _day(offset_days: int, weekday: int | None = None) -> date:
    day = date.today() + timedelta(days=offset_days)
    if weekday is not None:
        day += timedelta(days=(weekday - day.weekday()) % 7)
    return day


def _at(day: date, start: str, end: str) -> MeetingData:
    def moment(hhmm: str) -> datetime:
        hours, minutes = (int(p) for p in hhmm.split(":"))
        return datetime.combine(day, time(hours, minutes), tzinfo=AMSTERDAM)

    return MeetingData(moment(start), moment(end))


def seed_catalogue(organisations: dict) -> None:
    """Categories and target groups first: the courses name them."""
    for position, (slug, name, name_en) in enumerate(CATEGORIES):
        db.session.add(Category(slug=slug, name=name, name_en=name_en, position=position))
    existing = set(db.session.scalars(select(TargetGroup.slug)))  # the education levels
    for position, (slug, name, name_en) in enumerate(TARGET_GROUPS):
        if slug not in existing:
            db.session.add(TargetGroup(slug=slug, name=name, name_en=name_en, position=position))
    db.session.flush()
    year = date.today().year
    taxonomy.create_item(
        FundingProgramme,
        taxonomy.ListedData(
            name="Update!",
            name_en="Update!",
            description=(
                "Subsidieproject van het A&O-fonds Gemeenten voor ontwikkelactiviteiten van "
                "gemeentemedewerkers met (v)mbo-niveau."
            ),
            description_en=(
                "A&O fonds Gemeenten's subsidy project for the development of municipal staff "
                "at (pre-)vocational level."
            ),
            target_participants=300,
            starts_on=date(year, 1, 1),
            ends_on=date(year + 1, 12, 31),
        ),
    )

    _seed_sessions(organisations)


def _seed_sessions(organisations: dict) -> None:
    centre = create_venue(
        VenueData(
            name="Opleidingscentrum Talent MVS",
            kind="physical",
            address="Stadserf 12",
            postcode="3112 DZ",
            city="Schiedam",
            directions="Vijf minuten lopen vanaf station Schiedam Centrum; melden bij de receptie.",
            rooms=[
                RoomData("Zaal Maas", 24),
                RoomData("Zaal Schie", 16),
                RoomData("Trainingsruimte 3", 12),
            ],
        )
    )
    theatre = create_venue(
        VenueData(
            name="Theater aan de Haven",
            kind="physical",
            address="Havenkade 5",
            postcode="3141 AA",
            city="Maassluis",
            directions="Gratis parkeren op het Veerplein.",
            rooms=[
                RoomData("Grote zaal", 250),
                RoomData("Foyer", 40),
                RoomData("Studio", 30),
                RoomData("Kleine zaal", 60),
            ],
        )
    )
    werf = create_venue(
        VenueData(
            name="Gemeentewerf Vlaardingen",
            kind="physical",
            address="Industrieweg 20",
            postcode="3133 EB",
            city="Vlaardingen",
            rooms=[RoomData("Kantine", 35)],
        )
    )
    teams = create_venue(
        VenueData(
            name="Microsoft Teams (Talent MVS)",
            kind="online",
            provider="Microsoft Teams",
            join_url="https://teams.microsoft.com/l/meetup-join/talentmvs-demo",
        )
    )
    zoom = create_venue(
        VenueData(
            name="Zoom Webinar (Talent MVS)",
            kind="online",
            provider="Zoom",
            join_url="https://zoom.us/j/5550001234",
        )
    )

    def course(title, fmt, category, summary, description, groups, **extra):
        return create_course(
            CourseData(
                title=title,
                format=fmt,
                category=category,
                summary=summary,
                description=description,
                target_groups=groups,
                **extra,
            )
        )

    linkedin = course(
        "Netwerken met LinkedIn",
        "workshop",
        "loopbaan",
        "Leer LinkedIn gebruiken om je te profileren, te netwerken en te solliciteren.",
        "In deze workshop werk je aan je eigen profiel, ontdek je hoe je je netwerk binnen en "
        "buiten de gemeenten benut en hoe recruiters zoeken. Neem je laptop mee of doe online "
        "mee.",
        ["iedereen", "loopbaankandidaten"],
    )
    assertive = course(
        "Assertiviteitstraining",
        "training",
        "persoonlijke-effectiviteit",
        "Stevig en vriendelijk blijven bij mondige klanten en lastige situaties.",
        "Twee dagdelen oefenen met een trainingsacteur: grenzen aangeven, nee zeggen en rustig "
        "blijven als het schuurt. Ontwikkeld voor medewerkers met veel publiekscontact, zoals "
        "zwembad- en baliepersoneel.",
        ["mbo", "buitendiensten"],
    )
    disc = course(
        "DISC teamtraining",
        "training",
        "teamontwikkeling",
        "Inzicht in jezelf en je team met het DISC-model.",
        "Een incompany training voor teams: iedereen vult vooraf een DISC-vragenlijst in; in de "
        "training bespreek je de profielen en maak je afspraken over samenwerken.",
        ["buitendiensten", "teamleiders"],
        requires_approval=True,
        in_company_only=True,
    )
    project = course(
        "Projectassistent",
        "training",
        "vakmanschap",
        "Gecertificeerde opleiding voor administratieve krachten die projecten ondersteunen.",
        "Zes bijeenkomsten over plannen, notuleren, risico's bewaken en rapporteren, afgesloten "
        "met een examen. Geslaagden ontvangen het certificaat Projectassistent.",
        ["mbo"],
        certified=True,
        requires_approval=True,
        price_cents=89500,
        funding_programmes=["update"],
    )
    webinar_kramer = course(
        "Webinar: Werken in verbinding",
        "webinar",
        "inspiratie",
        "Een antropologische blik op samenwerken op afstand.",
        "Gastspreker en antropoloog Sanne de Wit vertelt hoe teams een eigen cultuur bouwen, "
        "ook als iedereen thuiswerkt. Met ruimte voor vragen in de chat.",
        ["iedereen"],
        speaker="Sanne de Wit (antropoloog)",
    )
    webinar_sport = course(
        "Webinar: Veerkracht van een topsporter",
        "webinar",
        "inspiratie",
        "Wat je van topsport kunt leren over tegenslag en doorzetten.",
        "Oud-schaatser Ruben Schaatsma deelt hoe hij na blessures terugkwam en wat dat betekent "
        "voor je loopbaan.",
        ["iedereen", "loopbaankandidaten"],
        speaker="Ruben Schaatsma (oud-topsporter)",
    )
    leren = course(
        "Leren over leren: (v)mbo-collega's",
        "webinar",
        "vakmanschap",
        "Voor leer- en ontwikkelcollega's: hoe bereik je medewerkers op (v)mbo-niveau?",
        "Eerste editie van de Leren over leren-sessies. Centraal thema: leren en ontwikkelen "
        "voor (v)mbo-collega's bij een gemeente of gemeentelijke organisatie.",
        ["hr"],
    )

    in_person = {"in_person": 20}
    schedule_session(
        SessionData(
            course_id=linkedin.id,
            mode="hybrid",
            capacity={"in_person": 16, "online": 30},
            meetings=[_at(_day(10, weekday=1), "13:30", "16:30")],
            venue_id=centre.id,
            room_id=centre.rooms[1].id,
            online_venue_id=teams.id,
            cancellation_deadline=None,
            min_participants=6,
        )
    )
    schedule_session(
        SessionData(
            course_id=linkedin.id,
            mode="online",
            capacity={"online": 40},
            meetings=[_at(_day(38, weekday=3), "09:30", "12:00")],
            online_venue_id=teams.id,
        )
    )
    schedule_session(
        SessionData(
            course_id=assertive.id,
            mode="physical",
            capacity=in_person,
            meetings=[
                _at(_day(17, weekday=0), "09:00", "12:30"),
                _at(_day(24, weekday=0), "09:00", "12:30"),
            ],
            venue_id=centre.id,
            room_id=centre.rooms[0].id,
            min_participants=8,
        )
    )
    vlaardingen = organisations["Gemeente Vlaardingen"]
    groen = accounts.team_by_name(vlaardingen, "Openbaar Groen")
    schedule_session(
        SessionData(
            course_id=disc.id,
            mode="physical",
            capacity={"in_person": 14},
            meetings=[_at(_day(21, weekday=2), "08:30", "12:00")],
            venue_id=werf.id,
            room_id=werf.rooms[0].id,
            visibility="team",
            team_id=groen.id,
            notes="Incompany voor team Openbaar Groen.",
        )
    )
    project_days = [_at(_day(30 + 7 * week, weekday=3), "09:00", "16:00") for week in range(6)]
    schedule_session(
        SessionData(
            course_id=project.id,
            mode="physical",
            capacity={"in_person": 12},
            meetings=project_days,
            venue_id=centre.id,
            room_id=centre.rooms[2].id,
            min_participants=8,
        )
    )
    schedule_session(
        SessionData(
            course_id=webinar_kramer.id,
            mode="online",
            capacity={"online": 250},
            meetings=[_at(_day(8, weekday=3), "12:00", "13:00")],
            online_venue_id=zoom.id,
        )
    )
    schedule_session(
        SessionData(
            course_id=webinar_sport.id,
            mode="online",
            capacity={"online": 250},
            meetings=[_at(_day(45, weekday=1), "15:30", "16:30")],
            online_venue_id=zoom.id,
        )
    )
    march = date(
        date.today().year + (1 if date.today() >= date(date.today().year, 3, 1) else 0), 3, 23
    )
    schedule_session(
        SessionData(
            course_id=leren.id,
            mode="hybrid",
            capacity={"in_person": 30, "online": 60},
            meetings=[_at(march, "10:00", "12:30")],
            venue_id=theatre.id,
            room_id=theatre.rooms[2].id,
            online_venue_id=teams.id,
        )
    )
