import re
from datetime import timedelta

from sqlmodel import select

from core.models import ReviewCard, ReviewLog, utcnow
from tests.pages.conftest import texts
from tests.pages.test_learn import LESSON, RIGHT
from training.srs import new_card_state


def _due_card(session, agent, question=0):
    now = utcnow()
    card = ReviewCard(
        agent_id=agent.id,
        lesson_id=LESSON.id,
        question=question,
        state=new_card_state(now=now - timedelta(minutes=10)),
        due_at=now - timedelta(minutes=1),
        created_at=now,
    )
    session.add(card)
    session.commit()
    return card


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_due_review_is_answered_rated_and_rescheduled(signed_in, session, people):
    card = _due_card(session, people["a1"])
    at = signed_in("a1").switch_page("pages/reviews.py").run()
    assert "1 to review" in texts(at) and LESSON.quiz[0].question in texts(at)
    at.button(key=f"rc_{card.id}_{RIGHT[0]}").click().run()
    assert at.success[0].value.startswith("Right:")
    _button(at, "Easy").click().run()
    assert "All done" in texts(at)
    session.expire_all()
    log = session.exec(select(ReviewLog)).one()
    assert (log.correct, log.feel, log.rating) == (True, "easy", "easy")
    assert session.get(ReviewCard, card.id).due_at > utcnow() + timedelta(hours=12)


def test_a_wrong_answer_offers_no_easy_tap_and_comes_back_soon(signed_in, session, people):
    card = _due_card(session, people["a1"])
    at = signed_in("a1").switch_page("pages/reviews.py").run()
    wrong = (RIGHT[0] + 1) % len(LESSON.quiz[0].options)
    at.button(key=f"rc_{card.id}_{wrong}").click().run()
    assert at.error[0].value.startswith("Not quite:")
    assert [b.label for b in at.button if b.label in ("Easy", "Hard")] == []
    _button(at, "Next").click().run()
    session.expire_all()
    assert session.get(ReviewCard, card.id).due_at < utcnow() + timedelta(minutes=15)
    # Done for now, and told when the card is back: minutes away, not "tomorrow".
    assert re.search(r"Your next review is due in \d+ minutes?\.", texts(at))
    assert "tomorrow" not in texts(at)


def test_someone_elses_cards_never_show(signed_in, session, people):
    _due_card(session, people["a2"])
    at = signed_in("a1").switch_page("pages/reviews.py").run()
    assert "Nothing to review yet" in texts(at)


def test_a_card_answered_meanwhile_in_another_tab_is_said_and_not_answered_twice(
    signed_in, session, people
):
    card = _due_card(session, people["a1"])
    _due_card(session, people["a1"], question=1)
    phone = signed_in("a1").switch_page("pages/reviews.py").run()
    laptop = signed_in("a1").switch_page("pages/reviews.py").run()
    phone.button(key=f"rc_{card.id}_{RIGHT[0]}").click().run()
    laptop.button(key=f"rc_{card.id}_{RIGHT[0]}").click().run()
    _button(laptop, "Next").click().run()  # answered on the laptop first

    _button(phone, "Next").click().run()
    assert "answered meanwhile on another device or tab" in texts(phone)
    assert "1 to review" in texts(phone)  # and the phone goes on with the next card
    session.expire_all()
    assert len(session.exec(select(ReviewLog)).all()) == 1
