"""Demo organisations, teams and people (fictional names; the organisations are the seeds')."""

from __future__ import annotations

from booking.accounts import services as accounts
from booking.accounts.models import Organisation, Role
from booking.extensions import db

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - printed in the README on purpose

DEMO_LOGINS = [
    ("beheer@talentmvs.example.nl", "Bea Beheer", Role.ADMIN, None, None, "hbo"),
    ("organisator@talentmvs.example.nl", "Olga Organisator", Role.ORGANISER, None, None, "hbo"),
    ("loopbaanadviseur@talentmvs.example.nl", "Anouk Adviseur", Role.ADVISOR, None, None, "wo"),
    ("hr@schiedam.example.nl", "Hanneke de Roo", Role.HR, "Gemeente Schiedam", None, "hbo"),
    (
        "teamleider@vlaardingen.example.nl",
        "Tom Lindeboom",
        Role.TEAM_LEADER,
        "Gemeente Vlaardingen",
        "Openbaar Groen",
        "mbo",
    ),
    (
        "medewerker@schiedam.example.nl",
        "Mo Bakker",
        Role.PARTICIPANT,
        "Gemeente Schiedam",
        "Afval en Reiniging",
        "mbo",
    ),
]

TEAMS = {
    "Gemeente Schiedam": ["Afval en Reiniging", "Publiekszaken", "Secretariaat"],
    "Gemeente Vlaardingen": ["Openbaar Groen", "Sportbedrijf", "Financiën"],
    "Gemeente Maassluis": ["Algemene Zaken", "Buitendienst", "Vergunningen"],
}

FIRST = [
    "Anouk",
    "Bram",
    "Chantal",
    "Daan",
    "Esra",
    "Fleur",
    "Gijs",
    "Hatice",
    "Iris",
    "Jeroen",
    "Kees",
    "Lotte",
    "Mehmet",
    "Noor",
    "Priya",
    "Ruud",
    "Sanne",
    "Thijs",
    "Yara",
    "Wim",
]
LAST = [
    "de Vries",
    "Jansen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
]
LEVELS = ["mbo", "mbo", "hbo", "mbo", "wo", "hbo"]


def seed_people() -> dict[str, Organisation]:
    """Organisations with teams, the demo log-ins and a few dozen staff; by name."""
    organisations = {}
    for name, teams in TEAMS.items():
        organisation = Organisation(name=name)
        db.session.add(organisation)
        db.session.flush()
        organisations[name] = organisation
        for team_name in teams:
            accounts.get_or_create_team(organisation, team_name)

    for email, name, role, org_name, team_name, level in DEMO_LOGINS:
        organisation = organisations.get(org_name)
        team = accounts.get_or_create_team(organisation, team_name) if team_name else None
        user, _ = accounts.save_person(
            email=email,
            name=name,
            role=role,
            organisation=organisation,
            team=team,
            education_level=level,
        )
        accounts.set_password(user, DEMO_PASSWORD)
    number = 0
    for org_name, teams in TEAMS.items():
        domain = org_name.split()[-1].lower() + ".example.nl"
        for team_name in teams:
            for _ in range(4):
                first, last = FIRST[number % len(FIRST)], LAST[(number * 7) % len(LAST)]
                role = Role.TEAM_LEADER if number % 12 == 0 else Role.PARTICIPANT
                user, _ = accounts.save_person(
                    email=f"{first}.{last.replace(' ', '')}{number}@{domain}".lower(),
                    name=f"{first} {last}",
                    role=role,
                    organisation=organisations[org_name],
                    team=accounts.get_or_create_team(organisations[org_name], team_name),
                    education_level=LEVELS[number % len(LEVELS)],
                )
                accounts.set_password(user, DEMO_PASSWORD)
                number += 1

    return organisations
