"""Imports every domain's models so that ``Base.metadata`` describes the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData

from frontier.accounts import models as accounts_models
from frontier.community import models as community_models
from frontier.db import system_logs
from frontier.db.base import Base
from frontier.devices import models as devices_models
from frontier.discovery import models as discovery_models
from frontier.events import models as events_models
from frontier.explorations import models as explorations_models
from frontier.ingest import models as ingest_models
from frontier.innovation import models as innovation_models
from frontier.models import models as ai_models
from frontier.opensource import models as opensource_models
from frontier.trends import models as trends_models

DOMAIN_MODULES = (
    accounts_models,
    community_models,
    devices_models,
    discovery_models,
    events_models,
    explorations_models,
    ingest_models,
    innovation_models,
    ai_models,
    opensource_models,
    system_logs,
    trends_models,
)


def metadata() -> MetaData:
    """The metadata of every Frontier table."""
    return Base.metadata
