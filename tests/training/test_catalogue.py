import pytest

from core.skills import CatalogueError, load_catalogue, parse_catalogue

# The skill ids of issue 5, which scorecard criteria and lessons point at.
SKILL_IDS = [
    "call_opening",
    "compliance_disclosure",
    "identity_verification",
    "empathy",
    "active_listening",
    "de_escalation",
    "hold_and_transfer",
    "call_control",
    "resolution",
    "call_closing",
    "professional_language",
    "sales_and_upsell",
    "retention",
    "complaint_handling",
    "personalization",
    "omnichannel_continuity",
    "data_privacy",
    "self_service_guidance",
    "written_communication",
]


def test_the_catalogue_has_exactly_the_agreed_skills_each_described():
    skills = load_catalogue()
    assert [skill.id for skill in skills] == SKILL_IDS
    for skill in skills:
        assert skill.title and len(skill.description.split()) >= 20


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("skills: [", "not valid YAML"),
        ("skills: []", "non-empty `skills:` list"),
        ("skills:\n  - {id: empathy, title: Empathy}", "skill 1 has no description"),
        (
            "skills:\n  - {id: Empathy, title: E, description: d}",
            "'Empathy' is not snake_case",
        ),
        (
            "skills:\n  - {id: empathy, title: E, description: d}\n"
            "  - {id: empathy, title: F, description: e}",
            "'empathy' appears twice",
        ),
    ],
)
def test_a_malformed_catalogue_is_refused_with_the_problem(text, problem):
    with pytest.raises(CatalogueError, match=problem):
        parse_catalogue(text)


def test_a_missing_catalogue_file_is_reported(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read the skills file"):
        load_catalogue(tmp_path / "skills.yaml")
