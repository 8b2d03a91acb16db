from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP, sign_in, texts


def test_the_app_opens_on_the_sign_in_form(app_db):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.text_input(key="sign_in_email")
    assert "Callcoach" in texts(at)


def test_wrong_password_shows_a_clear_message(app_db, people):
    at = sign_in("a1@example.com", "not-the-password")
    assert "don't match an account" in texts(at)
    assert at.text_input(key="sign_in_email")  # still on the sign-in page


def test_unknown_user_shows_the_same_message(app_db, people):
    at = sign_in("nobody@example.com")
    assert "don't match an account" in texts(at)


def test_empty_form_asks_for_both_fields(app_db, people):
    at = sign_in("", "")
    assert "Enter your email and your password" in texts(at)


def test_sign_out_returns_to_the_sign_in_form(signed_in):
    at = signed_in("a1")
    at.button(key="sign_out").click().run()
    assert at.text_input(key="sign_in_email")


def test_a_malformed_database_url_stops_the_app_with_a_clear_message(monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("DATABASE_URL", "nonsense")
    get_settings.cache_clear()
    try:
        at = AppTest.from_file(APP, default_timeout=30).run()
    finally:
        get_settings.cache_clear()
    assert not at.exception
    assert "DATABASE_URL" in at.error[0].value
    assert not at.text_input  # nothing else is shown


def test_after_too_many_wrong_passwords_the_form_says_to_wait(app_db, people, monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("SIGN_IN_MAX_FAILURES", "3")
    get_settings.cache_clear()
    at = sign_in("a1@example.com", "guess-one")
    for guess in ("guess-two", "guess-three"):
        at.text_input(key="sign_in_password").input(guess)
        at.button[0].click().run()
    at.text_input(key="sign_in_password").input("correct-horse-1")
    at.button[0].click().run()
    assert "Too many failed sign-ins for this account. Try again in 15 minutes" in texts(at)
    assert at.text_input(key="sign_in_email")  # not signed in
    get_settings.cache_clear()
