"""Registering the default providers: each once, with a daily schedule, keys encrypted."""

from __future__ import annotations

from sqlalchemy import select

from frontier.db.session import Database
from frontier.ingest.models import DataSyncJob, ExternalDataSource
from frontier.ingest.service import DEFAULT_SOURCES, register_default_sources
from frontier.security.secrets import SecretBox


def test_default_sources_are_registered_once_with_daily_schedules(db: Database) -> None:
    box = SecretBox("k" * 40)
    with db.session() as session:
        first = register_default_sources(session, box, {"github": "ghp_secret"})
        second = register_default_sources(session, box, {})
        sources = session.scalars(select(ExternalDataSource)).all()
        jobs = session.scalars(select(DataSyncJob)).all()
    assert sorted(first) == sorted(str(s["source_name"]) for s in DEFAULT_SOURCES) and second == []
    assert len(sources) == len(DEFAULT_SOURCES) and len(jobs) == len(DEFAULT_SOURCES)
    github = next(s for s in sources if s.source_name == "github")
    assert github.api_key_encrypted is not None and "ghp_secret" not in github.api_key_encrypted
    assert box.decrypt(github.api_key_encrypted) == "ghp_secret"
    assert all(job.sync_schedule_cron for job in jobs)
