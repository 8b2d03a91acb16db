import pytest

from core.config import ConfigError, get_settings


@pytest.fixture(autouse=True)
def _fresh_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "is not a database URL"),
        ("mysql://u:p@localhost/db", "driver 'mysql' is not supported"),
    ],
)
def test_a_malformed_database_url_is_refused_with_the_variable_named(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError, match=message) as caught:
        get_settings()
    assert "DATABASE_URL" in str(caught.value)


def test_default_database_is_a_sqlite_file_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert get_settings().sqlalchemy_url == f"sqlite:///{tmp_path / 'callcoach.db'}"


def test_plain_postgresql_urls_use_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:secret@db:5432/callcoach")
    assert get_settings().sqlalchemy_url == "postgresql+psycopg://u:secret@db:5432/callcoach"


def test_env_example_documents_every_setting():
    import re

    from core.config import PROJECT_ROOT, Settings

    text = (PROJECT_ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z_]+)=", text, re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}
