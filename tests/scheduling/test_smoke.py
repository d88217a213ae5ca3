def test_factories_make_a_session(make, db_session):
    s = make.session(mode="hybrid")
    db_session.commit()
    assert s.id and s.capacity("in_person") == 10 and s.capacity("online") == 30
