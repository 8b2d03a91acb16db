"""QA scorecards: versioned YAML files of weighted criteria, each saying how it is checked."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from core.models import Channel
from core.skills import CatalogueError, load_catalogue

__all__ = [
    "CHECK_RULES",
    "SCORECARD_DIR",
    "Check",
    "Criterion",
    "PhraseGroup",
    "RuleSpec",
    "Scorecard",
    "ScorecardError",
    "available_scorecards",
    "load_scorecard",
    "parse_scorecard",
]

SCORECARD_DIR = Path(__file__).resolve().parent / "scorecards"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class ScorecardError(ValueError):
    """A scorecard cannot be used; the message names the file, the line and the field."""


# What one check rule of the scoring engine needs from a criterion's `check:` block.
@dataclass(frozen=True)
class RuleSpec:
    description: str
    phrases: tuple[str, ...] = ()
    """Phrase groups (exemplars for semantic matching) the rule needs, by name."""
    terms: tuple[str, ...] = ()
    """Word lists the rule matches literally, by name; a list may be empty."""
    params: Mapping[str, float] = field(default_factory=dict)
    """Numeric thresholds by name, with the value used when the scorecard leaves one out."""


# The rules the scoring engine implements (`qa.scoring`); a scorecard may only name these.
CHECK_RULES: dict[str, RuleSpec] = {
    "greeting": RuleSpec(
        "The agent's first turn names the company and the agent. The agent: a self-introduction "
        "('my name is X', 'this is X', 'X speaking'). The company: one of `company_names`, the "
        "words after 'thanks for calling' / 'through to' / 'welcome to' unless they only name "
        "a desk ('customer services'), or a capitalised name that is not the agent's.",
        terms=("company_names",),
    ),
    "recording_disclosure": RuleSpec(
        "An agent sentence matching `disclosure` starts within `within_seconds` of the call.",
        phrases=("disclosure",),
        params={"within_seconds": 60.0},
    ),
    "verification": RuleSpec(
        "Once the agent asks for an account identifier (`account_identifiers`) or a strong "
        "identity check, an identity check (`identity_checks`) must be asked for before any "
        "agent sentence matching `account_details` (details read out or changed).",
        phrases=("account_details",),
        terms=("account_identifiers", "identity_checks", "strong_identity_checks"),
    ),
    "empathy": RuleSpec(
        "Every customer turn matching `customer_emotion` is followed, within the agent's next "
        "`within_agent_turns` turns, by an agent sentence matching `acknowledgement`.",
        phrases=("customer_emotion", "acknowledgement"),
        params={"within_agent_turns": 2},
    ),
    "hold_etiquette": RuleSpec(
        "Every agent-side silence of at least `min_hold_seconds` is asked for or explained "
        "before (`hold_request`, or a question the customer agrees to: `hold_consent`) and "
        "thanked after (`hold_thanks`).",
        phrases=(
            "hold_request",
            "hold_consent",
            "hold_thanks",
            "customer_steps_away",
            "still_there",
        ),
        params={"min_hold_seconds": 10.0},
    ),
    "resolution": RuleSpec(
        "The agent states a concrete outcome or next step (`concrete_outcome`), and the last "
        "word on it is not a vague deferral (`vague_outcome`).",
        phrases=("concrete_outcome", "vague_outcome"),
    ),
    "closing": RuleSpec(
        "The agent offers further help (`further_help`, or words of `offer_phrases`) and the "
        "agent's last turn thanks or says goodbye (`farewell`).",
        phrases=("further_help", "farewell"),
        terms=("offer_phrases",),
    ),
    "professionalism": RuleSpec(
        "No agent sentence matches `unprofessional` and none contains a `profanity` word.",
        phrases=("unprofessional",),
        terms=("profanity",),
    ),
    "dead_air": RuleSpec(
        "No agent-side silence longer than `max_silence_seconds` that was not announced "
        "(`hold_announcement`, or a question the customer agrees to: `hold_consent`). Silences "
        "after the customer steps away (`customer_steps_away`) are the customer's; a customer's "
        "'are you still there?' (`still_there`) does not end the agent's silence.",
        phrases=("hold_announcement", "hold_consent", "customer_steps_away", "still_there"),
        params={"max_silence_seconds": 10.0},
    ),
    "overtalk": RuleSpec(
        "The agent starts talking over the customer at most `max_count` times and for at most "
        "`max_seconds` in total (stereo calls only).",
        params={"max_count": 2, "max_seconds": 4.0},
    ),
    # Written conversations (chat, email, social): `na` on calls.
    "written_greeting": RuleSpec(
        "The agent's first message opens with one of `salutations` or `greetings`, and "
        "addresses the customer by name (after a salutation: 'Hi Sam', 'Dear Ms Ortiz'; at the "
        "end of a greeting: 'Thanks for getting in touch, Sam!'; not one of `not_names`) or "
        "gives the agent's name.",
        terms=("salutations", "greetings", "not_names"),
    ),
    "first_response": RuleSpec(
        "The agent's first reply to the customer's first message comes within the channel's "
        "target (`chat_seconds`, `email_seconds`, `social_seconds`); `na` without message times "
        "or when the agent wrote first.",
        params={"chat_seconds": 60.0, "email_seconds": 86400.0, "social_seconds": 3600.0},
    ),
    "response_times": RuleSpec(
        "After the first reply, every customer message (or run of them) the agent answers is "
        "answered within the channel's target, from the first of them; `na` without times.",
        params={"chat_seconds": 120.0, "email_seconds": 86400.0, "social_seconds": 3600.0},
    ),
    "understanding": RuleSpec(
        "A sentence of the agent's first `within_agent_messages` messages says back or asks "
        "about what the customer wrote: at least `min_similarity` close in meaning to a "
        "customer sentence before it, or matching `restatement`. Fails when the customer has "
        'to put the agent right after a reply (words of `correction_cues`: "I meant", '
        '"that\'s not what I asked").',
        phrases=("restatement",),
        terms=("correction_cues",),
        params={"within_agent_messages": 2, "min_similarity": 0.45},
    ),
    "written_tone": RuleSpec(
        "As `professionalism`, and no run of three or more words in capitals (words of "
        "`acronyms` aside).",
        phrases=("unprofessional",),
        terms=("profanity", "acronyms"),
    ),
    "written_empathy": RuleSpec(
        "As `empathy`, where a sentence with one of `emotion_cues` (words, or emoji) also "
        "expresses a feeling and one with one of `acknowledgement_cues` also acknowledges it.",
        phrases=("customer_emotion", "acknowledgement"),
        terms=("emotion_cues", "acknowledgement_cues"),
        params={"within_agent_turns": 2},
    ),
    "written_resolution": RuleSpec(
        "As `resolution`, reading every agent message (a written reply may hold everything in "
        "one message); a sentence with one of `further_help_cues` offers more help and is no "
        "vague promise.",
        phrases=("concrete_outcome", "vague_outcome"),
        terms=("further_help_cues",),
    ),
    "written_closing": RuleSpec(
        "The agent's last message offers more help (`further_help`, or words of "
        "`offer_phrases`) and ends politely (`farewell`, or words of `farewell_cues`).",
        phrases=("further_help", "farewell"),
        terms=("offer_phrases", "farewell_cues"),
    ),
    "earlier_contact": RuleSpec(
        "When the customer contacted the company before (`Transcript.earlier`; not applicable "
        "otherwise): fails when the agent asks the customer to repeat what they already said "
        "(`asks_again`: a question, or an item of a list in a message holding one of "
        "`request_cues`) or the customer protests having to (`repeat_protest`, or "
        "words of `protest_cues`); passes when the agent refers to the earlier contact "
        "(`picks_up`, or words of `pickup_cues`) or uses at least `min_facts` of its facts "
        "(uncommon words and codes the customer has not written in this conversation yet); "
        "neither is a low-confidence failure for a person to check.",
        phrases=("asks_again", "repeat_protest", "picks_up"),
        terms=("request_cues", "protest_cues", "pickup_cues", "common_words"),
        params={"min_facts": 2, "max_word_frequency": 5000},
    ),
    "spelling": RuleSpec(
        "The agent's messages have at most `max_misspellings` distinct words an English "
        "dictionary lacks (names, links, codes and `allowed_words` aside) and no `text_speak`.",
        terms=("allowed_words", "text_speak"),
        params={"max_misspellings": 1},
    ),
}


# Exemplar phrases a sentence is compared with; it matches when it is similar enough to one of
# the examples and more similar to the examples than to the counter-examples.
@dataclass(frozen=True)
class PhraseGroup:
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...] = ()
    """Phrases that look alike but must not match (e.g. 'calm down' for an acknowledgement)."""
    min_similarity: float = 0.6
    """Cosine similarity to the closest example a sentence needs to match."""
    margin: float = 0.0
    """How much closer to an example than to any counter-example a sentence must be."""
    windows: bool = False
    """Also compare runs of a few words taken from long comma-less stretches (speech-to-text
    run-ons). Helps short cues such as an apology inside a long sentence; leave it off for
    broad groups, where fragments match by accident."""


# How a criterion is checked: one engine rule and what it needs.
@dataclass(frozen=True)
class Check:
    rule: str
    phrases: dict[str, PhraseGroup] = field(default_factory=dict)
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    params: dict[str, float] = field(default_factory=dict)


# One line of a scorecard: what is judged, how much it weighs, and what a failure points to.
@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    description: str
    weight: float
    critical: bool
    """A failed critical criterion zeroes the call's score (auto-fail)."""
    check: Check
    not_applicable_when: str
    """When the criterion does not apply, in words (the rule decides it)."""
    skills: tuple[str, ...]
    """Skill ids of the lesson catalogue that a failure points to."""


# A whole scorecard as loaded; `version` and `sha256` identify exactly what an evaluation used.
@dataclass(frozen=True)
class Scorecard:
    name: str
    title: str
    version: str
    """The `version:` written in the file."""
    sha256: str
    """Hash of the file's bytes: catches edits made without bumping `version`."""
    review_below: float
    """A result with a confidence below this sends the call to human review."""
    criteria: tuple[Criterion, ...]
    channels: tuple[Channel, ...] = (Channel.CALL,)
    """The kinds of conversation it judges (`channels:` in the file; calls when left out)."""

    @property
    def version_tag(self) -> str:
        """What an evaluation records, e.g. `1+3fa9c2d1e0b4` (version + start of the hash)."""
        return f"{self.version}+{self.sha256[:12]}"

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id.

        Raises:
            KeyError: the scorecard has no such criterion.
        """
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)


@lru_cache(maxsize=1)
def _catalogue_skills() -> frozenset[str]:
    return frozenset(skill.id for skill in load_catalogue())


class _Reader:
    """Reads the composed YAML node tree, so every error can name the line it comes from."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, where: str, problem: str) -> ScorecardError:
        return ScorecardError(f"{self.source} line {node.start_mark.line + 1}: {where} {problem}")

    def mapping(
        self, node: yaml.Node, where: str, required: Collection[str], optional: Collection[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, "must be a mapping of keys to values")
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in found:
                raise self.fail(key_node, _join(where, str(key)), "is given twice")
            if key not in required and key not in optional:
                allowed = ", ".join(sorted({*required, *optional}))
                raise self.fail(key_node, _join(where, str(key)), f"is not a field ({allowed})")
            found[key] = (key_node, value_node)
        missing = [key for key in required if key not in found]
        if missing:
            raise self.fail(node, _join(where, missing[0]), "is missing")
        return found

    def dynamic_mapping(
        self, node: yaml.Node, where: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, "must be a mapping")
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.text(key_node, f"a key of {where}")
            if key in found:
                raise self.fail(key_node, _join(where, key), "is given twice")
            found[key] = (key_node, value_node)
        return found

    def scalar(self, node: yaml.Node, where: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, where, "must be a single value, not a list or mapping")
        try:
            return SafeConstructor().construct_object(node)
        except yaml.YAMLError as exc:
            raise self.fail(node, where, f"has a bad value: {exc}") from None

    def text(self, node: yaml.Node, where: str, *, pattern: re.Pattern[str] | None = None) -> str:
        value = self.scalar(node, where)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, where, f"must be non-empty text, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.fail(
                node, where, f"must be lower-case letters, digits, '-' or '_', got {value!r}"
            )
        return value.strip()

    def number(
        self, node: yaml.Node, where: str, *, low: float, high: float | None = None
    ) -> float:
        value = self.scalar(node, where)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, where, f"must be a number, got {value!r}")
        if value < low or (high is not None and value > high):
            bound = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise self.fail(node, where, f"must be {bound}, got {value!r}")
        return float(value)

    def boolean(self, node: yaml.Node, where: str) -> bool:
        value = self.scalar(node, where)
        if not isinstance(value, bool):
            raise self.fail(node, where, f"must be true or false, got {value!r}")
        return value

    def texts(self, node: yaml.Node, where: str, *, allow_empty: bool) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, where, "must be a list")
        if not node.value and not allow_empty:
            raise self.fail(node, where, "must not be empty")
        return tuple(self.text(item, f"{where}[{i}]") for i, item in enumerate(node.value))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _phrase_group(reader: _Reader, node: yaml.Node, where: str) -> PhraseGroup:
    fields = reader.mapping(
        node, where, ("examples",), ("counter_examples", "min_similarity", "margin", "windows")
    )
    options: dict[str, Any] = {
        "examples": reader.texts(fields["examples"][1], f"{where}.examples", allow_empty=False)
    }
    if "counter_examples" in fields:
        options["counter_examples"] = reader.texts(
            fields["counter_examples"][1], f"{where}.counter_examples", allow_empty=True
        )
    for key in ("min_similarity", "margin"):
        if key in fields:
            options[key] = reader.number(fields[key][1], f"{where}.{key}", low=0, high=1)
    if "windows" in fields:
        options["windows"] = reader.boolean(fields["windows"][1], f"{where}.windows")
    return PhraseGroup(**options)


def _check(reader: _Reader, node: yaml.Node, where: str) -> Check:
    fields = reader.mapping(node, where, ("rule",), ("phrases", "terms", "params"))
    rule_node = fields["rule"][1]
    rule = reader.text(rule_node, f"{where}.rule")
    spec = CHECK_RULES.get(rule)
    if spec is None:
        known = ", ".join(sorted(CHECK_RULES))
        raise reader.fail(rule_node, f"{where}.rule", f"{rule!r} is not a known rule ({known})")

    def named(key: str, wanted: Collection[str]) -> dict[str, yaml.Node]:
        if key not in fields:
            if wanted and key != "params":
                raise reader.fail(node, f"{where}.{key}", f"is missing (needs {', '.join(wanted)})")
            return {}
        given = reader.dynamic_mapping(fields[key][1], f"{where}.{key}")
        for name, (key_node, _) in given.items():
            if name not in wanted:
                raise reader.fail(
                    key_node, f"{where}.{key}.{name}", f"is not used by rule {rule!r}"
                )
        if key != "params":
            for name in wanted:
                if name not in given:
                    raise reader.fail(fields[key][0], f"{where}.{key}.{name}", "is missing")
        return {name: value_node for name, (_, value_node) in given.items()}

    phrases = {
        name: _phrase_group(reader, value, f"{where}.phrases.{name}")
        for name, value in named("phrases", spec.phrases).items()
    }
    terms = {
        name: tuple(
            t.lower() for t in reader.texts(value, f"{where}.terms.{name}", allow_empty=True)
        )
        for name, value in named("terms", spec.terms).items()
    }
    params = dict(spec.params)
    for name, value_node in named("params", tuple(spec.params)).items():
        params[name] = reader.number(value_node, f"{where}.params.{name}", low=0)
    return Check(rule=rule, phrases=phrases, terms=terms, params=params)


def _criterion(
    reader: _Reader, node: yaml.Node, where: str, skill_ids: Collection[str]
) -> Criterion:
    fields = reader.mapping(
        node,
        where,
        ("id", "title", "description", "weight", "check", "skills"),
        ("critical", "not_applicable_when"),
    )
    skills_node = fields["skills"][1]
    skills = reader.texts(skills_node, f"{where}.skills", allow_empty=False)
    for i, skill in enumerate(skills):
        if skill not in skill_ids:
            raise reader.fail(
                skills_node.value[i], f"{where}.skills[{i}]", f"{skill!r} is not a catalogue skill"
            )
    return Criterion(
        id=reader.text(fields["id"][1], f"{where}.id", pattern=_NAME),
        title=reader.text(fields["title"][1], f"{where}.title"),
        description=reader.text(fields["description"][1], f"{where}.description"),
        weight=reader.number(fields["weight"][1], f"{where}.weight", low=0),
        critical=reader.boolean(fields["critical"][1], f"{where}.critical")
        if "critical" in fields
        else False,
        check=_check(reader, fields["check"][1], f"{where}.check"),
        not_applicable_when=reader.text(
            fields["not_applicable_when"][1], f"{where}.not_applicable_when"
        )
        if "not_applicable_when" in fields
        else "never",
        skills=skills,
    )


def parse_scorecard(
    text: str, *, source: str = "<scorecard>", skill_ids: Collection[str] | None = None
) -> Scorecard:
    """Read a scorecard from YAML text.

    Args:
        text: the YAML document.
        source: what error messages call the document (usually the file name).
        skill_ids: the skill ids a criterion may point to; the lesson catalogue
            (`training/skills.yaml`) when None.

    Raises:
        ScorecardError: the YAML is malformed or a field is missing, unknown or has a bad value;
            the message names the field and its line.
    """
    reader = _Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScorecardError(f"{source}{line}: not valid YAML: {problem}") from None
    if root is None:
        raise ScorecardError(f"{source}: the scorecard is empty")
    # `shared` holds YAML anchors (phrase groups several criteria use); it is not read itself.
    fields = reader.mapping(
        root,
        "",
        ("name", "version", "criteria"),
        ("title", "description", "review_below", "channels", "shared"),
    )
    version = reader.scalar(fields["version"][1], "version")
    if isinstance(version, bool) or not isinstance(version, str | int | float) or not str(version):
        raise reader.fail(
            fields["version"][1], "version", f"must be a number or text, got {version!r}"
        )
    criteria_node = fields["criteria"][1]
    if not isinstance(criteria_node, yaml.SequenceNode) or not criteria_node.value:
        raise reader.fail(criteria_node, "criteria", "must be a non-empty list")
    try:
        skills = _catalogue_skills() if skill_ids is None else frozenset(skill_ids)
    except CatalogueError as exc:
        raise ScorecardError(
            f"{source}: cannot check the skills against the catalogue: {exc}"
        ) from None
    criteria = tuple(
        _criterion(reader, item, f"criteria[{i}]", skills)
        for i, item in enumerate(criteria_node.value)
    )
    seen: set[str] = set()
    for i, criterion in enumerate(criteria):
        if criterion.id in seen:
            raise reader.fail(
                criteria_node.value[i], f"criteria[{i}].id", f"{criterion.id!r} is given twice"
            )
        seen.add(criterion.id)
    if not any(c.weight > 0 for c in criteria):
        raise reader.fail(criteria_node, "criteria", "need at least one weight above 0")
    name = reader.text(fields["name"][1], "name", pattern=_NAME)
    channels = (Channel.CALL,)
    if "channels" in fields:
        channels_node = fields["channels"][1]
        given = reader.texts(channels_node, "channels", allow_empty=False)
        for i, channel in enumerate(given):
            if channel not in {str(c) for c in Channel}:
                known = ", ".join(str(c) for c in Channel)
                raise reader.fail(
                    channels_node.value[i], f"channels[{i}]", f"{channel!r} is not one of {known}"
                )
        channels = tuple(dict.fromkeys(Channel(c) for c in given))
    return Scorecard(
        name=name,
        title=reader.text(fields["title"][1], "title") if "title" in fields else name,
        version=str(version),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        review_below=reader.number(fields["review_below"][1], "review_below", low=0, high=1)
        if "review_below" in fields
        else 0.6,
        criteria=criteria,
        channels=channels,
    )


def available_scorecards(channel: Channel | None = None) -> list[str]:
    """Names of the bundled scorecards (`qa/scorecards/NAME.yaml`); with `channel`, only those
    that judge that kind of conversation."""
    names = sorted(path.stem for path in SCORECARD_DIR.glob("*.yaml"))
    if channel is None:
        return names
    return [name for name in names if channel in load_scorecard(name).channels]


def load_scorecard(
    name_or_path: str | Path = "default", *, skill_ids: Collection[str] | None = None
) -> Scorecard:
    """Load a bundled scorecard by name (`default`) or any scorecard file by path.

    Raises:
        ScorecardError: no such scorecard or file, or the file is malformed (the message names
            the field and line).
    """
    text_name = str(name_or_path)
    if isinstance(name_or_path, Path) or not _NAME.match(text_name):
        path = Path(name_or_path)
    else:
        path = SCORECARD_DIR / f"{text_name}.yaml"
        if not path.is_file():
            known = ", ".join(available_scorecards()) or "none"
            raise ScorecardError(f"unknown scorecard {text_name!r} (available: {known})")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScorecardError(f"cannot read scorecard {path}: {exc}") from None
    return parse_scorecard(text, source=path.name, skill_ids=skill_ids)
