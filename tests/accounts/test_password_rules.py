"""The password check every way of setting one shares (`services.password_problem`): the
length, the shipped list of common and breached passwords, and nothing of the person's own
name or e-mail address."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from booking.accounts import services
from booking.accounts.models import User
from booking.core.errors import ValidationError
from tests.accounts.cli_support import Cli

COMMON_LONG = ["qwerty123456", "1qaz2wsx3edc", "administrator", "123456789qwe"]


def person(email="jan.devries@gemeente.example.nl", name="Jan de Vries") -> User:
    return User(email=email, name=name)


def test_the_list_is_shipped_loaded_once_and_lower_case():
    words = services.common_passwords()
    assert isinstance(words, frozenset)
    assert 10_000 <= len(words) <= 100_000
    assert {"123456", "password", "qwerty", "welkom"} <= words  # welkom: Dutch, and common
    assert all(w == w.lower() for w in words)
    assert services.common_passwords() is words  # read once
    readme = services.COMMON_PASSWORDS_FILE.with_name("README.md").read_text()
    assert "MIT" in readme and "@zxcvbn-ts/language-common" in readme


@pytest.mark.parametrize("password", [*COMMON_LONG, "QWERTY123456", " Administrator "])
def test_common_passwords_are_refused_in_dutch_and_english(password):
    with force_locale("nl"):
        dutch = str(services.password_problem(password))
    with force_locale("en"):
        english = str(services.password_problem(password))
    assert dutch.startswith("Dit wachtwoord is een van de meest gebruikte")
    assert english.startswith("This password is one of the most common ones")


@pytest.mark.parametrize(
    "password",
    [
        "Welkom2026!!",  # a common word with digits and signs after it
        "2026-wachtwoord",  # and before it
        "W@chtw00rd2026",  # with look-alike characters
        "Geheim123456",
        "Zomer2026!!!",  # the Dutch list: seasons, months, clubs, places
        "Feyenoord1908",
        "welkomwelkom",  # said twice
        "Schiedam12345",
        "111111111111",  # one or two characters over and over
        "121212121212",
    ],
)
def test_a_common_word_dressed_up_is_refused(password):
    assert services.guessable(password), password
    with force_locale("en"):
        assert str(services.password_problem(password)).startswith("This password is one of")


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "demo-wachtwoord-2026",  # two words: the demo's password stays valid
        "blauwe fiets op het dak",
        "Welkom bij de Schiedamse Tulp",
        "839274610385",  # twelve digits at random are no common word
        "zomer-fiets-kantoor-42",
    ],
)
def test_words_together_pass(password):
    assert not services.guessable(password), password


def test_the_dutch_list_is_ours_and_shipped():
    dutch = services.DUTCH_PASSWORDS_FILE.read_text(encoding="utf-8").split()
    assert {"wachtwoord", "welkom", "geheim", "gemeente", "feyenoord"} <= set(dutch)
    assert set(dutch) <= services.common_passwords()
    readme = services.COMMON_PASSWORDS_FILE.with_name("README.md").read_text()
    assert "common-passwords-nl.txt" in readme


def test_length_comes_first_and_a_long_uncommon_password_passes():
    with force_locale("en"):
        assert str(services.password_problem("password")) == "Use at least 12 characters."
        assert str(services.password_problem("x" * 1025)) == "Use at most 1024 characters."
    assert services.password_problem("blauwe fiets op het dak", person()) is None


@pytest.mark.parametrize(
    "password",
    [
        "jan.devries-2026!",  # the e-mail address's local part
        "JanDeVries-wachtwoord",  # the whole name, spaces and case aside
        "mijn fiets heet Vries",  # a part of the name of four characters or more
        "devries op de fiets",  # a part of the local part
    ],
)
def test_the_persons_name_or_address_is_refused(password):
    with force_locale("nl"):
        problem = str(services.password_problem(password, person()))
    assert problem == "Gebruik je naam of e-mailadres niet in je wachtwoord."
    assert services.password_problem(password) is None  # without a person: only the list


def test_short_name_parts_are_not_held_against_a_password():
    # "Jan" and "de" are too short to count on their own: they occur in ordinary words.
    assert services.password_problem("de januari sneeuw valt", person()) is None


def test_set_password_applies_the_whole_check(make):
    someone = make.user(email="mila.visser@example.nl")
    with pytest.raises(ValidationError) as refused:
        services.set_password(someone, "visser-en-zo-verder")
    assert "password" in refused.value.fields
    with pytest.raises(ValidationError):
        services.set_password(someone, "1qaz2wsx3edc")


def test_the_account_page_refuses_a_common_password(make, db_session, client):
    someone = make.user()
    db_session.commit()
    make.login(client, someone)
    response = client.post(
        "/account",
        data={
            "action": "password",
            "pw-current": make.PASSWORD,
            "pw-new": "qwerty123456",
            "pw-confirm": "qwerty123456",
        },
    )
    assert response.status_code == 422
    assert "Dit wachtwoord is een van de meest gebruikte" in response.get_data(as_text=True)


def test_set_password_on_the_command_line_refuses_it_in_english(app, make, db_session):
    someone = make.user()
    db_session.commit()
    result = Cli(app)("set-password", someone.email, "--password-stdin", input="1qaz2wsx3edc\n")
    assert result.exit_code == 1
    assert "Password refused: This password is one of the most common ones" in result.output
