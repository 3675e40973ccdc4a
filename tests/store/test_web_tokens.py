"""The life of a web token: issued to the logged-in identity, redeemed once, expires, and opens
the app of the login it was issued to and nobody else (cstui.store.web_tokens)."""

from datetime import UTC, datetime, timedelta

import pytest

from cstui.store import AccessDenied, Store
from cstui.store.web_tokens import SESSION_SECONDS, TokenDesk, TokenRefused

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def desk(store):
    with TokenDesk.open(store.path, login="svc") as d:
        yield d


def test_a_token_opens_one_session_for_its_login(store, desk):
    store.add_user("bob", "supervisor", ["T2"])
    with Store.open(store.path, login="bob") as bob:
        token = bob.issue_web_token(at=T0)
    session = desk.redeem(token, at=T0 + timedelta(minutes=1))
    assert session.login == "bob" and session.session_key != token
    assert desk.start(session.session_key, at=T0 + timedelta(minutes=1, seconds=5)) == "bob"


def test_a_token_is_redeemed_once(store, desk):
    token = store.issue_web_token(at=T0)
    desk.redeem(token, at=T0)
    with pytest.raises(TokenRefused, match="used already"):
        desk.redeem(token, at=T0)


def test_a_session_key_starts_one_app(store, desk):
    session = desk.redeem(store.issue_web_token(at=T0), at=T0)
    desk.start(session.session_key, at=T0)
    with pytest.raises(TokenRefused):
        desk.start(session.session_key, at=T0)


@pytest.mark.parametrize("minutes, refused", [(9, False), (10, True), (11, True)])
def test_a_token_expires_after_its_minutes(store, desk, minutes, refused):
    token = store.issue_web_token(minutes=10, at=T0)
    later = T0 + timedelta(minutes=minutes)
    if refused:
        with pytest.raises(TokenRefused, match="expired"):
            desk.redeem(token, at=later)
    else:
        assert desk.redeem(token, at=later).login == "alice"


def test_a_session_key_expires_if_no_app_starts(store, desk):
    session = desk.redeem(store.issue_web_token(at=T0), at=T0)
    with pytest.raises(TokenRefused):
        desk.start(session.session_key, at=T0 + timedelta(seconds=SESSION_SECONDS))


def test_a_wrong_token_or_key_opens_nothing_and_names_nobody(store, desk):
    token = store.issue_web_token(at=T0)
    for wrong in ("", "x", token[:-1], token + "x"):
        with pytest.raises(TokenRefused) as refused:
            desk.redeem(wrong, at=T0)
        assert "alice" not in str(refused.value)
    with pytest.raises(TokenRefused):
        desk.start(token, at=T0)  # the URL's token is not a session key
    assert desk.redeem(token, at=T0).login == "alice"  # the wrong tries spent nothing


def test_a_token_is_only_ever_for_the_issuing_login(store, desk):
    """Nobody gets a token for another login: issuing needs a role, and the token is the issuer's."""
    store.add_user("carol", "viewer", ["T1"])
    with pytest.raises(AccessDenied):
        Store.open(store.path, login="mallory")  # no role: no store, so no token
    with Store.open(store.path, login="carol") as carol:
        token = carol.issue_web_token(at=T0)
    assert desk.redeem(token, at=T0).login == "carol"


def test_tokens_are_stored_as_digests_and_audited(store, desk):
    token = store.issue_web_token(at=T0)
    session = desk.redeem(token, at=T0)
    dump = "\n".join(store.conn.iterdump())
    assert token not in dump and session.session_key not in dump
    actions = [(row["action"], row["who"]) for row in store.audit_log(entity="web_tokens")]
    assert ("issue-web-token", "alice") in actions and ("open-web-session", "alice") in actions
    assert store.verify_audit()[1] is None


def test_the_desk_refuses_a_file_of_another_schema_version(store):
    store.conn.execute("PRAGMA user_version = 3")
    with pytest.raises(Exception, match="schema version"):
        TokenDesk.open(store.path, login="svc")


def test_a_refused_link_reads_in_chinese(store, desk):
    import re

    from cstui.io.localize import user_message

    token = store.issue_web_token(at=T0)
    desk.redeem(token, at=T0)
    for wrong in (token, "not-a-token"):
        with pytest.raises(TokenRefused) as raised:
            desk.redeem(wrong, at=T0)
        zh = user_message(raised.value, "zh")
        assert "链接" in zh and set(re.findall(r"[A-Za-z]{3,}", zh)) <= {"cstui"}, zh
    assert str(raised.value) == "this link is not a cstui web token (mistyped or cut short?)"
