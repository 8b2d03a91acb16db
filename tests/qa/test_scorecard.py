import re

import pytest
import yaml

from core.models import Channel
from core.skills import CATALOGUE_PATH
from qa.scorecard import (
    CHECK_RULES,
    ScorecardError,
    available_scorecards,
    load_scorecard,
    parse_scorecard,
)
from tests.qa.conftest import DEFAULT_CRITERIA

SKILLS_FILE = CATALOGUE_PATH
CATALOGUE = {s["id"] for s in yaml.safe_load(SKILLS_FILE.read_text())["skills"]}

# A small valid scorecard; the malformed cases below change one line of it. Line numbers:
VALID = """\
name: mini
version: 3
review_below: 0.5
criteria:
  - id: disclosure
    title: Recording disclosure
    description: The call may be recorded.
    weight: 2
    critical: true
    check:
      rule: recording_disclosure
      phrases:
        disclosure:
          examples: ["This call may be recorded."]
          min_similarity: 0.6
      params:
        within_seconds: 30
    skills: [compliance_disclosure]
  - id: overtalk
    title: Overtalk
    description: No talking over the customer.
    weight: 1
    check:
      rule: overtalk
    skills: [active_listening]
"""


def test_the_default_scorecard_has_the_ten_criteria_of_the_issue():
    card = load_scorecard("default")
    assert [c.id for c in card.criteria] == list(DEFAULT_CRITERIA)
    assert {c.id for c in card.criteria if c.critical} == {"recording_disclosure", "verification"}
    for criterion in card.criteria:
        assert criterion.weight > 0
        assert criterion.check.rule in CHECK_RULES
        assert set(criterion.skills) <= CATALOGUE
        assert criterion.title and criterion.description and criterion.not_applicable_when
    assert card.criterion("recording_disclosure").check.params["within_seconds"] == 60
    assert card.criterion("dead_air").check.params["max_silence_seconds"] == 10
    assert card.criterion("overtalk").check.params == {"max_count": 2, "max_seconds": 4}


def test_the_version_records_the_written_version_and_the_content_hash(tmp_path):
    first = parse_scorecard(VALID)
    assert re.fullmatch(r"3\+[0-9a-f]{12}", first.version_tag)
    assert parse_scorecard(VALID).version_tag == first.version_tag
    edited = parse_scorecard(VALID.replace("weight: 2", "weight: 3"))
    assert edited.version == first.version
    assert edited.sha256 != first.sha256


def test_a_scorecard_loads_by_path_and_fills_parameter_defaults(tmp_path):
    path = tmp_path / "team.yaml"
    path.write_text(VALID)
    card = load_scorecard(str(path))
    assert card.name == "mini"
    assert card.review_below == 0.5
    assert card.criterion("disclosure").check.params == {"within_seconds": 30.0}
    assert card.criterion("overtalk").check.params == {"max_count": 2, "max_seconds": 4.0}
    assert card.criterion("overtalk").critical is False


def test_an_unknown_scorecard_name_lists_the_available_ones():
    with pytest.raises(
        ScorecardError,
        match=r"unknown scorecard 'nope' \(available: complaints, default, written\)",
    ):
        load_scorecard("nope")


@pytest.mark.parametrize(
    ("old", "new", "field", "line"),
    [
        ("weight: 2", "weight: heavy", "criteria[0].weight", 8),
        ("weight: 2", "weight: -1", "criteria[0].weight", 8),
        ("weight: 2", "wieght: 2", "criteria[0].wieght", 8),
        ("critical: true", "critical: maybe", "criteria[0].critical", 9),
        ("rule: recording_disclosure", "rule: vibes", "criteria[0].check.rule", 11),
        ("min_similarity: 0.6", "min_similarity: 1.5", "min_similarity", 15),
        ("min_similarity: 0.6", "windows: often", "disclosure.windows", 15),
        ("disclosure:\n          examples", "opening:\n          examples", "phrases.opening", 13),
        ("within_seconds: 30", "within_minutes: 1", "params.within_minutes", 17),
        ("[compliance_disclosure]", "[compliance_disclosure, juggling]", "skills[1]", 18),
        ("  - id: overtalk", "  - id: disclosure", "criteria[1].id", 19),
        ("    title: Overtalk\n", "", "criteria[1].title", 19),
        ("version: 3", "version: [3]", "version", 2),
        ('examples: ["This call may be recorded."]', "examples: []", "examples", 14),
    ],
)
def test_a_malformed_scorecard_is_rejected_naming_the_field_and_line(old, new, field, line):
    assert old in VALID
    with pytest.raises(ScorecardError) as caught:
        parse_scorecard(VALID.replace(old, new, 1), source="team.yaml", skill_ids=CATALOGUE)
    message = str(caught.value)
    assert message.startswith(f"team.yaml line {line}: ")
    assert field in message


def test_a_scorecard_says_which_channels_it_judges():
    assert load_scorecard("default").channels == (Channel.CALL,)
    assert available_scorecards(Channel.CALL) == ["complaints", "default"]
    assert available_scorecards(Channel.EMAIL) == ["written"]
    assert load_scorecard("written").channels == (Channel.CHAT, Channel.EMAIL, Channel.SOCIAL)
    chat_only = VALID.replace("review_below: 0.5", "review_below: 0.5\nchannels: [chat, chat]")
    assert parse_scorecard(chat_only, skill_ids=CATALOGUE).channels == (Channel.CHAT,)
    with pytest.raises(ScorecardError, match=r"line 4: channels\[1\] 'fax' is not one of call"):
        parse_scorecard(
            VALID.replace("review_below: 0.5", "review_below: 0.5\nchannels: [chat, fax]"),
            skill_ids=CATALOGUE,
        )


def test_a_rule_without_the_phrases_it_needs_is_rejected():
    text = VALID.replace(
        '      phrases:\n        disclosure:\n          examples: ["This call may be recorded."]\n'
        "          min_similarity: 0.6\n",
        "",
    )
    with pytest.raises(ScorecardError, match=r"line 11: criteria\[0\]\.check\.phrases is missing"):
        parse_scorecard(text, skill_ids=CATALOGUE)


def test_a_key_given_twice_is_rejected():
    with pytest.raises(ScorecardError, match=r"line 3: version is given twice"):
        parse_scorecard(VALID.replace("review_below: 0.5", "version: 4"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\ncriteria: [\n", r"line \d+: not valid YAML"),
        ("", "the scorecard is empty"),
        ("- just\n- a list\n", "line 1:  must be a mapping"),
        ("name: x\nversion: 1\ncriteria: []\n", "line 3: criteria must be a non-empty list"),
    ],
)
def test_broken_documents_are_rejected_with_a_message(text, message):
    with pytest.raises(ScorecardError, match=message):
        parse_scorecard(text)


def test_the_bundled_scorecards_load_and_the_complaints_one_weighs_empathy_most():
    assert set(available_scorecards()) >= {"default", "complaints"}
    loaded = {name: load_scorecard(name) for name in available_scorecards()}
    complaints = {c.id: c for c in loaded["complaints"].criteria}
    assert complaints["empathy"].weight == 3 and complaints["professionalism"].critical
