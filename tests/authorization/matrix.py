"""The authorization matrix: for every route of the app, who is let through.

Each entry names who gets past authorization (`ok`), who is told the object does not exist
(`hidden`, a 404) and who is refused (`forbidden`, a 403); everybody else signed in gets the
entry's `rest` (a 403 unless it says 404: what is somebody's own is hidden from the rest), and
an anonymous visitor is sent to the log-in form (pages) or gets a 401 (the API), unless the
entry says otherwise. The people are those of tests/authorization/world.py: the participant, team
leader, HR contact, advisor, organiser and administrator of organisation A (who own what the
world holds) and of organisation B.

A route that is added without an entry here fails test_every_route_has_an_entry: decide who
may use it, and write it down.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.authorization.world import EVERYONE as _EVERYONE
from tests.authorization.world import PEOPLE

EVERYONE = frozenset(_EVERYONE)
SIGNED_IN = frozenset(PEOPLE)
ADMINS = frozenset({"admin_a", "admin_b"})
STAFF = ADMINS | {"organiser_a", "organiser_b"}  # organisers and administrators: the centre


@dataclass(frozen=True)
class Expect:
    ok: frozenset
    hidden: frozenset
    forbidden: frozenset
    rest: str
    answers: tuple[tuple[str, str], ...]  # particular answers: (person, outcome)

    def answer(self, who: str, *, api: bool) -> str:
        particular = dict(self.answers)
        if who in particular:
            return particular[who]
        if who in self.ok:
            return "ok"
        if who in self.hidden:
            return "404"
        if who in self.forbidden:
            return "403"
        if who == "anonymous":
            return "401" if api else "login"
        return self.rest


def expect(
    ok=frozenset(), *, hidden=frozenset(), forbidden=frozenset(), rest="403", **answers: str
) -> Expect:
    return Expect(
        frozenset(ok), frozenset(hidden), frozenset(forbidden), rest, tuple(sorted(answers.items()))
    )


# Bearers of a link (an offer, a join link, a calendar feed, a password link) and codes: the
# matrix holds none, so an unknown one is a 404 for everybody.
UNKNOWN_LINK = expect(hidden=SIGNED_IN, anonymous="404")

MATRIX: dict[str, Expect] = {
    "DELETE /api/v1/categories/<int:item_id>": expect(ok=STAFF),
    "DELETE /api/v1/funding-programmes/<int:item_id>": expect(ok=STAFF),
    "DELETE /api/v1/sessions/<int:session_id>/trainers/<int:user_id>": expect(ok=STAFF),
    "DELETE /api/v1/speakers/<int:speaker_id>": expect(ok=STAFF),
    "DELETE /api/v1/target-groups/<int:item_id>": expect(ok=STAFF),
    "DELETE /api/v1/webhooks/<int:webhook_id>": expect(ok=STAFF),
    "GET /": expect(ok=EVERYONE),
    "GET /aanbod/<token>": UNKNOWN_LINK,
    "GET /account": expect(ok=SIGNED_IN),
    "GET /api/v1/sessions/<int:session_id>/evaluation-results": expect(ok=STAFF),
    "POST /api/v1/enrolments/<int:enrolment_id>/evaluation": expect(
        ok={"participant_a"}, rest="404"
    ),
    # Evaluations (issue 12): only the person of the place; the results the centre's.
    "GET /beheer/evaluaties": expect(ok=STAFF),
    "GET /beheer/evaluaties/sessies/<int:session_id>": expect(ok=STAFF),
    "GET /evaluaties/<int:enrolment_id>": expect(ok={"participant_a"}, rest="404"),
    "POST /evaluaties/<int:enrolment_id>": expect(ok={"participant_a"}, rest="404"),
    "GET /account/tweestapsverificatie": expect(ok=SIGNED_IN),
    "GET /api/v1/advisor-bookings/<int:booking_id>": expect(
        ok=STAFF | {"participant_a", "advisor_a"}, rest="404"
    ),
    "GET /api/v1/advisor-slots": expect(ok=SIGNED_IN),
    "GET /api/v1/approvals": expect(ok=SIGNED_IN),
    "GET /api/v1/awards/<int:award_id>/certificate.pdf": expect(
        ok=STAFF | {"participant_a", "leader_a", "hr_a"}
    ),
    "GET /api/v1/categories": expect(ok=EVERYONE),
    "GET /api/v1/categories/<int:item_id>": expect(ok=EVERYONE),
    "GET /api/v1/certifications": expect(ok=SIGNED_IN),
    "GET /api/v1/courses": expect(ok=EVERYONE),
    "GET /api/v1/courses/<int:course_id>": expect(ok=EVERYONE),
    "GET /api/v1/enrolments/<int:enrolment_id>": expect(
        ok=STAFF | {"participant_a", "leader_a", "hr_a"}, rest="404"
    ),
    "GET /api/v1/enrolments/<int:enrolment_id>/invite.ics": expect(
        ok=STAFF | {"participant_a", "leader_a"}, rest="404"
    ),
    "GET /api/v1/event-registrations/<int:registration_id>": expect(
        ok=STAFF | {"participant_a", "leader_a", "hr_a"}, rest="404"
    ),
    "GET /api/v1/events": expect(ok=EVERYONE),
    "GET /api/v1/events/<int:event_id>": expect(ok=EVERYONE),
    "GET /api/v1/funding-programmes": expect(ok=EVERYONE),
    "GET /api/v1/funding-programmes/<int:item_id>": expect(ok=EVERYONE),
    "GET /api/v1/me/certifications": expect(ok=SIGNED_IN),
    "GET /api/v1/me/enrolments": expect(ok=SIGNED_IN),
    "GET /api/v1/me/export": expect(ok=SIGNED_IN),
    "GET /api/v1/openapi.json": expect(ok=EVERYONE),
    "GET /api/v1/organisations": expect(ok=ADMINS | {"hr_a", "hr_b"}),
    "GET /api/v1/organisations/<int:organisation_id>": expect(
        ok=ADMINS | {"hr_a"}, hidden={"hr_b"}
    ),
    "GET /api/v1/organisations/<int:organisation_id>/identity-provider": expect(hidden=ADMINS),
    "GET /api/v1/organisations/<int:organisation_id>/teams": expect(
        ok=ADMINS | {"hr_a"}, hidden={"hr_b"}
    ),
    "GET /api/v1/people": expect(ok=ADMINS | {"hr_a", "hr_b"}),
    "GET /api/v1/people/<email>": expect(ok=ADMINS | {"hr_a"}, hidden={"hr_b"}),
    "GET /api/v1/people/<email>/certifications": expect(
        ok=STAFF | {"participant_a", "leader_a", "hr_a"}
    ),
    "GET /api/v1/sessions": expect(ok=EVERYONE),
    "GET /api/v1/sessions/<int:session_id>": expect(ok=EVERYONE),
    "GET /api/v1/sessions/<int:session_id>/attendance": expect(ok=STAFF | {"advisor_a"}),
    "GET /api/v1/sessions/<int:session_id>/enrolments": expect(ok=STAFF),
    "GET /api/v1/sessions/<int:session_id>/trainers": expect(ok=STAFF),
    "GET /api/v1/speakers": expect(ok=EVERYONE),
    "GET /api/v1/speakers/<int:speaker_id>": expect(ok=EVERYONE),
    "GET /api/v1/target-groups": expect(ok=EVERYONE),
    "GET /api/v1/target-groups/<int:item_id>": expect(ok=EVERYONE),
    "GET /api/v1/venues": expect(ok=EVERYONE),
    "GET /api/v1/webhooks": expect(ok=STAFF),
    "GET /api/v1/webhooks/<int:webhook_id>": expect(ok=STAFF),
    "GET /api/v1/webhooks/<int:webhook_id>/deliveries": expect(ok=STAFF),
    "GET /api/v1/venues/<int:venue_id>": expect(ok=EVERYONE),
    "GET /api/v1/verify/<code>": UNKNOWN_LINK,
    "GET /beheer/adviseurs": expect(ok=STAFF),
    "GET /beheer/agenda": expect(ok=STAFF),
    "GET /beheer/audit": expect(ok=ADMINS),
    "GET /beheer/berichten": expect(ok=STAFF),
    "GET /beheer/catalogus": expect(ok=STAFF),
    "GET /beheer/catalogus/<kind>/<int:item_id>": expect(ok=STAFF),
    "GET /beheer/catalogus/<kind>/nieuw": expect(ok=STAFF),
    "GET /beheer/certificaten": expect(ok=STAFF),
    "GET /beheer/certificaten.csv": expect(ok=STAFF),
    "GET /beheer/certificaten/<int:award_id>/intrekken": expect(ok=STAFF),
    "GET /beheer/certificeringen": expect(ok=STAFF),
    "GET /beheer/certificeringen/<int:certification_id>/bewerken": expect(ok=STAFF),
    "GET /beheer/certificeringen/<int:certification_id>/toekennen": expect(ok=STAFF),
    "GET /beheer/certificeringen/nieuw": expect(ok=STAFF),
    "GET /beheer/cursussen": expect(ok=STAFF),
    "GET /beheer/cursussen/<int:course_id>": expect(ok=STAFF),
    "GET /beheer/cursussen/nieuw": expect(ok=STAFF),
    "GET /beheer/evenementen": expect(ok=STAFF),
    "GET /beheer/evenementen/<int:event_id>": expect(ok=STAFF),
    "GET /beheer/evenementen/<int:event_id>/aanmeldingen": expect(ok=STAFF),
    "GET /beheer/evenementen/<int:event_id>/annuleren": expect(ok=STAFF),
    "GET /beheer/evenementen/<int:event_id>/bewerken": expect(ok=STAFF),
    "GET /beheer/evenementen/nieuw": expect(ok=STAFF),
    "GET /beheer/incompany": expect(ok=STAFF),
    "GET /beheer/locaties": expect(ok=STAFF),
    "GET /beheer/locaties/<int:venue_id>": expect(ok=STAFF),
    "GET /beheer/locaties/nieuw": expect(ok=STAFF),
    "GET /beheer/mensen": expect(ok=ADMINS),
    "GET /beheer/mensen/<int:person_id>": expect(ok=ADMINS),
    "GET /beheer/mensen/importeren": expect(ok=ADMINS),
    "GET /beheer/mensen/nieuw": expect(ok=ADMINS),
    "GET /beheer/organisaties": expect(ok=ADMINS),
    "GET /beheer/organisaties/<int:org_id>/sso": expect(ok=ADMINS),
    "GET /beheer/organisaties/<int:organisation_id>": expect(ok=ADMINS),
    "GET /beheer/privacy": expect(ok=ADMINS),
    "GET /beheer/privacy/wissen": expect(ok=ADMINS),
    "GET /beheer/sessies": expect(ok=STAFF),
    "GET /beheer/sessies/<int:session_id>": expect(ok=STAFF),
    "GET /beheer/sessies/<int:session_id>/annuleren": expect(ok=STAFF),
    "GET /beheer/sessies/<int:session_id>/deelnemers": expect(ok=STAFF),
    "GET /beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/annuleren": expect(
        ok=STAFF
    ),
    "GET /beheer/sessies/<int:session_id>/inchecken": expect(ok=STAFF | {"advisor_a"}),
    "GET /beheer/sessies/nieuw": expect(ok=STAFF),
    "GET /beheer/sprekers": expect(ok=STAFF),
    "GET /beheer/sprekers/<int:speaker_id>": expect(ok=STAFF),
    "GET /beheer/sprekers/nieuw": expect(ok=STAFF),
    "GET /beheer/teams/<int:team_id>": expect(ok=ADMINS),
    "GET /calendar/<token>.ics": UNKNOWN_LINK,
    "GET /calendar/<token>/sessions.ics": UNKNOWN_LINK,
    "GET /certificaten/<int:award_id>.pdf": expect(
        ok=STAFF | {"participant_a", "leader_a", "hr_a"}
    ),
    "GET /cursussen/<slug>": expect(ok=EVERYONE),
    "GET /cursussen/<slug>/aanvragen": expect(ok={"leader_a", "leader_b"}),
    "GET /deelnemen/<token>": UNKNOWN_LINK,
    "GET /evenementen": expect(ok=EVERYONE),
    "GET /evenementen/<slug>": expect(ok=EVERYONE),
    "GET /inloggen": expect(ok=EVERYONE),
    "GET /inloggen/code": expect(ok=EVERYONE),
    "GET /inloggen/sso": expect(ok=EVERYONE),
    "GET /inloggen/sso/<int:org_id>": expect(ok=SIGNED_IN, anonymous="404"),
    "GET /inloggen/sso/callback": expect(ok=EVERYONE),
    "GET /loopbaangesprekken": expect(ok=SIGNED_IN),
    "GET /loopbaangesprekken/agenda": expect(ok={"advisor_a", "advisor_b"}),
    "GET /loopbaangesprekken/agenda/gesprekken/<int:booking_id>": expect(
        ok={"advisor_a"}, rest="404"
    ),
    "GET /mijn": expect(ok=SIGNED_IN),
    "GET /mijn-team": expect(ok={"leader_a", "leader_b"}),
    "GET /mijn-team/certificaten": expect(ok={"leader_a", "leader_b"}),
    "GET /mijn/certificaten": expect(ok=SIGNED_IN),
    "GET /mijn/gegevens": expect(ok=SIGNED_IN),
    "GET /mijn/gegevens.json": expect(ok=SIGNED_IN),
    "GET /organisatie": expect(ok=ADMINS | {"hr_a", "hr_b"}),
    "GET /organisatie/certificaten": expect(ok=STAFF | {"hr_a", "hr_b"}),
    "GET /organisatie/mensen": expect(ok=ADMINS | {"hr_a", "hr_b"}),
    "GET /organisatie/mensen/<int:person_id>": expect(ok=ADMINS | {"hr_a"}, hidden={"hr_b"}),
    "GET /presentie": expect(ok=STAFF | {"advisor_a"}),
    "GET /presentie/sessies/<int:session_id>": expect(ok=STAFF | {"advisor_a"}, rest="404"),
    "GET /presentie/sessies/<int:session_id>/bijeenkomsten/<int:meeting_id>": expect(
        ok=STAFF | {"advisor_a"}, rest="404"
    ),
    "GET /presentie/sessies/<int:session_id>/resultaten": expect(ok=STAFF | {"advisor_a"}),
    "GET /privacy": expect(ok=EVERYONE),
    "GET /static/<path:filename>": expect(ok=EVERYONE),
    "GET /verify/<code>": UNKNOWN_LINK,
    "GET /wachtwoord-herstellen/<secret>": UNKNOWN_LINK,
    "GET /wachtwoord-vergeten": expect(ok=EVERYONE),
    "GET /welkom/<secret>": UNKNOWN_LINK,
    "PATCH /api/v1/categories/<int:item_id>": expect(ok=STAFF),
    "PATCH /api/v1/courses/<int:course_id>": expect(ok=STAFF),
    "PATCH /api/v1/events/<int:event_id>": expect(ok=STAFF),
    "PATCH /api/v1/funding-programmes/<int:item_id>": expect(ok=STAFF),
    "PATCH /api/v1/organisations/<int:organisation_id>": expect(ok=ADMINS),
    "PATCH /api/v1/people/<email>": expect(ok=ADMINS),
    "PATCH /api/v1/sessions/<int:session_id>": expect(ok=STAFF),
    "PATCH /api/v1/speakers/<int:speaker_id>": expect(ok=STAFF),
    "PATCH /api/v1/target-groups/<int:item_id>": expect(ok=STAFF),
    "POST /aanbod/<token>": UNKNOWN_LINK,
    "POST /account": expect(ok=SIGNED_IN),
    "POST /account/agenda/nieuw-adres": expect(ok=SIGNED_IN),
    "POST /account/overal-uitloggen": expect(ok=SIGNED_IN),
    "POST /account/tweestapsverificatie": expect(ok=SIGNED_IN),
    "POST /api/v1/advisor-bookings/<int:booking_id>/cancel": expect(
        ok=STAFF | {"participant_a", "advisor_a"}, rest="404"
    ),
    "POST /api/v1/advisor-bookings/<int:booking_id>/move": expect(
        ok=STAFF | {"participant_a", "advisor_a"}, rest="404"
    ),
    "POST /api/v1/advisor-slots": expect(ok=STAFF | {"advisor_a", "advisor_b"}),
    "POST /api/v1/advisor-slots/<int:slot_id>/booking": expect(ok=SIGNED_IN),
    "POST /api/v1/advisor-slots/<int:slot_id>/cancel": expect(ok=STAFF | {"advisor_a"}),
    "POST /api/v1/awards/<int:award_id>/revoke": expect(ok=STAFF),
    "POST /api/v1/categories": expect(ok=STAFF),
    "POST /api/v1/certifications": expect(ok=STAFF),
    "POST /api/v1/check-in": expect(ok=STAFF | {"advisor_a"}),
    "POST /api/v1/courses": expect(ok=STAFF),
    "POST /api/v1/enrolments/<int:enrolment_id>/accept": expect(
        ok=STAFF | {"participant_a"}, forbidden={"leader_a", "hr_a"}, rest="404"
    ),
    "POST /api/v1/enrolments/<int:enrolment_id>/approve": expect(
        ok=STAFF | {"leader_a"}, forbidden={"participant_a", "hr_a"}, rest="404"
    ),
    "POST /api/v1/enrolments/<int:enrolment_id>/cancel": expect(
        ok=STAFF | {"participant_a", "leader_a"}, forbidden={"hr_a"}, rest="404"
    ),
    "POST /api/v1/enrolments/<int:enrolment_id>/decline": expect(
        ok=STAFF | {"participant_a"}, forbidden={"leader_a", "hr_a"}, rest="404"
    ),
    "POST /api/v1/enrolments/<int:enrolment_id>/move": expect(ok=STAFF),
    "POST /api/v1/enrolments/<int:enrolment_id>/reject": expect(
        ok=STAFF | {"leader_a"}, forbidden={"participant_a", "hr_a"}, rest="404"
    ),
    "POST /api/v1/event-registrations/<int:registration_id>/cancel": expect(
        ok=STAFF | {"participant_a", "leader_a"}, forbidden={"hr_a"}, rest="404"
    ),
    "POST /api/v1/events": expect(ok=STAFF),
    "POST /api/v1/events/<int:event_id>/cancel": expect(ok=STAFF),
    "POST /api/v1/events/<int:event_id>/registrations": expect(ok=SIGNED_IN),
    "POST /api/v1/funding-programmes": expect(ok=STAFF),
    "POST /api/v1/organisations": expect(ok=ADMINS),
    "POST /api/v1/organisations/<int:organisation_id>/teams": expect(ok=ADMINS),
    "POST /api/v1/people": expect(ok=ADMINS),
    "POST /api/v1/people/<email>/erase": expect(ok=ADMINS),
    "POST /api/v1/people/<email>/invitation": expect(ok=STAFF),
    "POST /api/v1/sessions": expect(ok=STAFF),
    "POST /api/v1/sessions/<int:session_id>/cancel": expect(ok=STAFF),
    "POST /api/v1/sessions/<int:session_id>/close": expect(ok=STAFF),
    "POST /api/v1/sessions/<int:session_id>/enrolments": expect(ok=SIGNED_IN),
    "POST /api/v1/sessions/<int:session_id>/reservations": expect(ok=STAFF),
    "POST /api/v1/sessions/<int:session_id>/results": expect(ok=STAFF | {"advisor_a"}),
    "POST /api/v1/sessions/<int:session_id>/trainers": expect(ok=STAFF),
    "POST /api/v1/speakers": expect(ok=STAFF),
    "POST /api/v1/target-groups": expect(ok=STAFF),
    "POST /api/v1/team-bookings": expect(ok=STAFF | {"leader_a"}, hidden={"leader_b"}),
    "POST /api/v1/venues": expect(ok=STAFF),
    "POST /api/v1/webhooks": expect(ok=STAFF),
    "POST /beheer/adviseurs": expect(ok=STAFF),
    "POST /beheer/adviseurs/<int:user_id>/intrekken": expect(ok=STAFF),
    "POST /beheer/agenda": expect(ok=STAFF),
    "POST /beheer/berichten/<int:message_id>/opnieuw": expect(ok=STAFF),
    "POST /beheer/berichten/opnieuw": expect(ok=STAFF),
    "POST /beheer/catalogus/<kind>/<int:item_id>": expect(ok=STAFF),
    "POST /beheer/catalogus/<kind>/<int:item_id>/status": expect(ok=STAFF),
    "POST /beheer/catalogus/<kind>/<int:item_id>/verplaatsen": expect(ok=STAFF),
    "POST /beheer/catalogus/<kind>/<int:item_id>/verwijderen": expect(ok=STAFF),
    "POST /beheer/catalogus/<kind>/nieuw": expect(ok=STAFF),
    "POST /beheer/certificaten/<int:award_id>/intrekken": expect(ok=STAFF),
    "POST /beheer/certificeringen/<int:certification_id>/bewerken": expect(ok=STAFF),
    "POST /beheer/certificeringen/<int:certification_id>/buiten-gebruik": expect(ok=STAFF),
    "POST /beheer/certificeringen/<int:certification_id>/toekennen": expect(ok=STAFF),
    "POST /beheer/certificeringen/nieuw": expect(ok=STAFF),
    "POST /beheer/cursussen/<int:course_id>": expect(ok=STAFF),
    "POST /beheer/cursussen/nieuw": expect(ok=STAFF),
    "POST /beheer/evenementen/<int:event_id>/aanmeldingen": expect(ok=STAFF),
    "POST /beheer/evenementen/<int:event_id>/annuleren": expect(ok=STAFF),
    "POST /beheer/evenementen/<int:event_id>/bewerken": expect(ok=STAFF),
    "POST /beheer/evenementen/nieuw": expect(ok=STAFF),
    "POST /beheer/incompany/<int:request_id>/afwijzen": expect(ok=STAFF),
    "POST /beheer/locaties/<int:venue_id>": expect(ok=STAFF),
    "POST /beheer/locaties/nieuw": expect(ok=STAFF),
    "POST /beheer/mensen/<int:person_id>": expect(ok=ADMINS),
    "POST /beheer/mensen/<int:person_id>/actief": expect(ok=ADMINS),
    "POST /beheer/mensen/<int:person_id>/uitnodiging": expect(ok=ADMINS),
    "POST /beheer/mensen/importeren": expect(ok=ADMINS),
    "POST /beheer/mensen/importeren/<int:upload_id>": expect(ok=ADMINS),
    "POST /beheer/mensen/nieuw": expect(ok=ADMINS),
    "POST /beheer/organisaties": expect(ok=ADMINS),
    "POST /beheer/organisaties/<int:org_id>/sso": expect(ok=ADMINS),
    "POST /beheer/organisaties/<int:organisation_id>": expect(ok=ADMINS),
    "POST /beheer/privacy/<int:organisation_id>/bewaartermijn": expect(ok=ADMINS),
    "POST /beheer/privacy/wissen": expect(ok=ADMINS),
    "POST /beheer/sessies/<int:session_id>": expect(ok=STAFF),
    "POST /beheer/sessies/<int:session_id>/annuleren": expect(ok=STAFF),
    "POST /beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/annuleren": expect(
        ok=STAFF
    ),
    "POST /beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/besluit": expect(ok=STAFF),
    "POST /beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/verplaatsen": expect(
        ok=STAFF
    ),
    "POST /beheer/sessies/<int:session_id>/deelnemers/<int:enrolment_id>/wachtrij-verlaten": expect(
        ok=STAFF
    ),
    "POST /beheer/sessies/<int:session_id>/deelnemers/toevoegen": expect(ok=STAFF),
    "POST /beheer/sessies/<int:session_id>/inchecken": expect(ok=STAFF | {"advisor_a"}),
    "POST /beheer/sessies/<int:session_id>/inchecken/json": expect(ok=STAFF | {"advisor_a"}),
    "POST /beheer/sessies/<int:session_id>/opname": expect(ok=STAFF),
    "POST /beheer/sessies/<int:session_id>/reserveringen": expect(ok=STAFF),
    "POST /beheer/sessies/<int:session_id>/reserveringen/<int:reservation_id>/vrijgeven": expect(
        ok=STAFF
    ),
    "POST /beheer/sessies/nieuw": expect(ok=STAFF),
    "POST /beheer/sprekers/<int:speaker_id>": expect(ok=STAFF),
    "POST /beheer/sprekers/<int:speaker_id>/verwijderen": expect(ok=STAFF),
    "POST /beheer/sprekers/nieuw": expect(ok=STAFF),
    "POST /beheer/teams/<int:team_id>": expect(ok=ADMINS),
    "POST /beheer/teams/<int:team_id>/verwijderen": expect(ok=ADMINS),
    "POST /cursussen/<slug>/aanvragen": expect(ok={"leader_a", "leader_b"}),
    "POST /evenementen/<slug>/aanmelding": expect(ok=SIGNED_IN),
    "POST /evenementen/<slug>/aanmelding/annuleren": expect(ok={"participant_a"}, rest="404"),
    "POST /inloggen": expect(ok=EVERYONE),
    "POST /inloggen/code": expect(ok=EVERYONE),
    "POST /inschrijvingen/<int:enrolment_id>/aanbod": expect(
        ok=STAFF | {"participant_a"}, forbidden={"leader_a", "hr_a"}, rest="404"
    ),
    "POST /inschrijvingen/<int:enrolment_id>/annuleren": expect(
        ok=STAFF | {"participant_a", "leader_a"}, forbidden={"hr_a"}, rest="404"
    ),
    "POST /inschrijvingen/<int:enrolment_id>/besluit": expect(
        ok=STAFF | {"leader_a"}, forbidden={"participant_a", "hr_a"}, rest="404"
    ),
    "POST /inschrijvingen/<int:enrolment_id>/niet-meer-wachten": expect(
        ok=STAFF | {"participant_a", "leader_a"}, forbidden={"hr_a"}, rest="404"
    ),
    "POST /loopbaangesprekken/agenda/gesprekken/<int:booking_id>": expect(
        ok={"advisor_a"}, rest="404"
    ),
    "POST /loopbaangesprekken/agenda/profiel": expect(ok={"advisor_a", "advisor_b"}),
    "POST /loopbaangesprekken/agenda/reeks": expect(ok={"advisor_a", "advisor_b"}),
    "POST /loopbaangesprekken/agenda/tijden": expect(ok={"advisor_a", "advisor_b"}),
    "POST /loopbaangesprekken/agenda/tijden/<int:slot_id>/intrekken": expect(
        ok={"advisor_a"}, hidden={"advisor_b"}
    ),
    "POST /loopbaangesprekken/boekingen/<int:booking_id>/annuleren": expect(
        ok=STAFF | {"participant_a", "advisor_a"}, rest="404"
    ),
    "POST /loopbaangesprekken/boekingen/<int:booking_id>/verplaatsen": expect(
        ok=STAFF | {"participant_a", "advisor_a"}, rest="404"
    ),
    "POST /loopbaangesprekken/tijden/<int:slot_id>/boeken": expect(ok=SIGNED_IN),
    "POST /mijn-team/boeken": expect(ok={"leader_a", "leader_b"}),
    "POST /mijn-team/maatwerk": expect(ok={"leader_a", "leader_b"}),
    "POST /presentie/sessies/<int:session_id>/bijeenkomsten/<int:meeting_id>": expect(
        ok=STAFF | {"advisor_a"}, rest="404"
    ),
    "POST /presentie/sessies/<int:session_id>/resultaten": expect(ok=STAFF | {"advisor_a"}),
    "POST /presentie/sessies/<int:session_id>/sluiten": expect(
        ok=STAFF | {"advisor_a"}, rest="404"
    ),
    "POST /presentie/sessies/<int:session_id>/trainers": expect(
        ok=STAFF, forbidden={"advisor_a"}, rest="404"
    ),
    "POST /presentie/sessies/<int:session_id>/trainers/<int:user_id>/verwijderen": expect(
        ok=STAFF, forbidden={"advisor_a"}, rest="404"
    ),
    "POST /sessies/<int:session_id>/inschrijven": expect(ok=SIGNED_IN),
    "POST /taal": expect(ok=EVERYONE),
    "POST /uitloggen": expect(ok=SIGNED_IN),
    "POST /wachtwoord-herstellen/<secret>": UNKNOWN_LINK,
    "POST /wachtwoord-vergeten": expect(ok=EVERYONE),
    "POST /welkom/<secret>": UNKNOWN_LINK,
    "PUT /api/v1/event-registrations/<int:registration_id>": expect(
        ok=STAFF | {"participant_a", "leader_a"}, forbidden={"hr_a"}, rest="404"
    ),
    "PUT /api/v1/organisations/<int:organisation_id>/identity-provider": expect(ok=ADMINS),
    "PUT /api/v1/sessions/<int:session_id>/attendance": expect(ok=STAFF | {"advisor_a"}),
}
