"""The language-model judge: JSON held by a grammar, quotes checked against the transcript,
opinions cached, and how its opinion and the rules' verdict combine."""

import json

import pytest

from core.models import Speaker
from qa.judge import (
    JUDGED_RULES,
    LlamaJudge,
    Opinion,
    _answer_confidence,
    _grammar,
    find_quote,
    prompt_for,
)
from qa.scorecard import load_scorecard
from qa.scoring import JudgePolicy, Result, evaluate
from tests.qa.test_scoring import GOOD_CALL, call

A, C = Speaker.AGENT, Speaker.CUSTOMER
CARD = load_scorecard("default")
JUDGED = [c for c in CARD.criteria if c.check.rule in JUDGED_RULES]

# A call the rules of the default scorecard are unsure about: an upset customer, an outcome in
# words no exemplar uses.
UPSET_CALL = [
    (A, 0.5, 6.0, "Morning, Brightline Energy, Tomasz here. Calls are recorded. What can I do?"),
    (C, 6.5, 14.0, "Third time calling about this bill and honestly I'm at the end of my rope."),
    (A, 14.5, 20.0, "That sounds exhausting, I'm sorry you've had to chase it. Let me look."),
    (C, 20.5, 22.0, "Thanks."),
    (
        A,
        22.5,
        32.0,
        "I've taken the duplicate charge off; forty pounds goes back to your card by "
        "Friday, and I've noted it so nobody bills it again.",
    ),
    (C, 32.5, 34.0, "Right, good. That's all."),
    (A, 34.5, 38.0, "Anything else at all? No? Take care, goodbye."),
]


def test_a_quote_is_found_whatever_its_case_punctuation_and_spacing():
    transcript = call(GOOD_CALL)
    segment, quote = find_quote(transcript, "done i've moved it to the FIFTEENTH")
    assert transcript.segments[segment].text.startswith("Done, I've moved it")
    assert quote == "Done, I've moved it to the fifteenth,"
    assert find_quote(transcript, "I've refunded your card") == (None, "")
    assert find_quote(transcript, "  ") == (None, "")


def test_the_grammar_allows_only_each_criterions_own_answers_in_the_prompts_shape():
    grammar = _grammar(JUDGED)
    assert grammar.count('\\"quote\\": \\"" quote') == len(JUDGED)
    assert '("no_feeling" | "acknowledged" | "ignored")' in grammar
    assert "quote ::= [^" in grammar and "{0,60}" in grammar
    messages = prompt_for(call(GOOD_CALL), JUDGED)
    user = messages[1]["content"]
    assert user.index("[0] Agent: Good afternoon") < user.index("Questions:")
    assert all(f'"{c.id}"' in user for c in JUDGED)


def test_the_answers_confidence_is_its_share_among_the_allowed_answers_at_that_token():
    content = '{"resolution": {"quote": "Done", "answer": "yes"}}'
    answer_at = content.index('yes"')
    tokens = [content[:answer_at], "yes", '"}}']
    logprobs = [
        {"token": tokens[0], "logprob": 0.0, "top_logprobs": []},
        {
            "token": "yes",
            "logprob": -0.2231,  # 0.8
            "top_logprobs": [
                {"token": "yes", "logprob": -0.2231},
                {"token": "no", "logprob": -1.6094},  # 0.2
                {"token": "The", "logprob": -3.0},  # not an allowed answer
            ],
        },
        {"token": tokens[2], "logprob": 0.0, "top_logprobs": []},
    ]
    assert _answer_confidence(content, logprobs, "resolution", ["yes", "no"]) == pytest.approx(
        0.8, abs=0.001
    )
    assert _answer_confidence(content, [], "resolution", ["yes", "no"]) == 0.5


# A judge with fixed opinions, counting how often it is asked.
class FixedJudge:
    def __init__(self, **results):
        self.results = results
        self.asked = 0

    def opinions(self, transcript, criteria, scorecard_version):
        self.asked += 1
        return {
            cid: Opinion(cid, result, confidence, "", None, False)
            for cid, (result, confidence) in self.results.items()
        }


def _by_rules_and_judge(turns, judge, policy=None, embedder=None):
    rules = evaluate(call(turns), CARD, embedder=embedder)
    hybrid = evaluate(
        call(turns), CARD, embedder=embedder, judge=judge, policy=policy or JudgePolicy()
    )
    return rules, hybrid


@pytest.mark.model
def test_the_judge_is_asked_only_where_the_rules_are_unsure_and_its_opinion_moves_confidence(
    embedder,
):
    rules = evaluate(call(UPSET_CALL), CARD, embedder=embedder)
    unsure = {
        r.criterion_id
        for r in rules.criteria
        if r.criterion_id in {c.id for c in JUDGED} and r.confidence < 0.9
    }
    assert unsure, "the example call must leave the rules unsure of something"
    cid = sorted(unsure)[0]
    ruled = rules.result(cid)

    asked_below = JudgePolicy(ask_below=0.9)
    agrees = FixedJudge(**{cid: (ruled.result, 0.97)})
    _, hybrid = _by_rules_and_judge(UPSET_CALL, agrees, asked_below, embedder=embedder)
    assert agrees.asked == 1
    assert hybrid.result(cid).result is ruled.result
    assert hybrid.result(cid).confidence == pytest.approx(0.97)
    assert "judge agrees" in hybrid.result(cid).reason

    other = Result.FAIL if ruled.result is Result.PASS else Result.PASS
    doubts = FixedJudge(**{cid: (other, 0.99)})
    _, hybrid = _by_rules_and_judge(UPSET_CALL, doubts, asked_below, embedder=embedder)
    assert hybrid.result(cid).result is ruled.result  # by default it never overrules
    assert hybrid.result(cid).confidence <= 0.5 and hybrid.needs_review

    overrules = FixedJudge(**{cid: (other, 0.99)})
    policy = JudgePolicy(ask_below=0.9, overrule_above=0.95)
    _, hybrid = _by_rules_and_judge(UPSET_CALL, overrules, policy, embedder=embedder)
    assert hybrid.result(cid).result is other
    assert hybrid.result(cid).confidence <= 0.5 and hybrid.needs_review  # a person confirms

    never = FixedJudge(**{cid: (other, 0.99)})
    evaluate(call(UPSET_CALL), CARD, embedder=embedder, judge=never, policy=JudgePolicy(0.0))
    assert never.asked == 0  # nothing is less sure than 0


@pytest.fixture(scope="session")
def llama_judge(tmp_path_factory):
    from core.config import get_settings
    from qa.judge_model import resolve_judge_model

    settings = get_settings()
    model = resolve_judge_model(settings.judge_model, settings.model_cache_dir)
    return LlamaJudge(model, cache_dir=tmp_path_factory.mktemp("opinions"))


@pytest.mark.model
def test_the_real_judge_answers_every_question_with_quotes_from_the_call_and_caches_them(
    llama_judge,
):
    transcript = call(UPSET_CALL)
    opinions = llama_judge.opinions(transcript, CARD.criteria, CARD.version_tag)
    assert set(opinions) == {c.id for c in JUDGED}
    for criterion in JUDGED:
        opinion = opinions[criterion.id]
        assert opinion.result in JUDGED_RULES[criterion.check.rule].answers.values()
        assert 0.0 <= opinion.confidence <= 1.0
        if opinion.verified:  # the quote is the transcript's own words
            assert opinion.quote in transcript.segments[opinion.segment].text
    assert opinions["empathy"].result is Result.PASS  # "That sounds exhausting, I'm sorry"
    assert opinions["resolution"].result is Result.PASS  # refund by Friday

    files = list(llama_judge.cache_dir.glob("*.json"))
    assert len(files) == 1 and set(json.loads(files[0].read_text())) >= {"content", "answers"}
    spent = llama_judge.seconds
    assert llama_judge.opinions(transcript, CARD.criteria, CARD.version_tag) == opinions
    assert llama_judge.seconds == spent  # read from the cache, the model not asked again


def test_qa_score_with_a_judge_model_that_is_not_there_says_so_and_scores_nothing(
    tmp_path, monkeypatch, capsys
):
    from core.config import get_settings
    from qa.__main__ import main

    transcript = tmp_path / "call.json"
    segments = [{"start": s, "end": e, "speaker": str(w), "text": t} for w, s, e, t in GOOD_CALL]
    transcript.write_text(json.dumps({"id": "c1", "channels": 2, "segments": segments}))
    monkeypatch.setenv("QA_JUDGE", "hybrid")
    monkeypatch.setenv("JUDGE_MODEL", str(tmp_path / "missing.gguf"))
    get_settings.cache_clear()
    try:
        assert main(["score", str(transcript)]) == 2
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    assert out == ""
    assert "judge (QA_JUDGE=hybrid) cannot be loaded" in err and "missing.gguf" in err
