"""API shapes of data sources (admin). An API key can be written, never read back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, StrictInt, StringConstraints

from frontier.api.inputs import Input

SourceType = Literal["github_api", "stackoverflow_api", "pypi_api", "npm_api", "job_board_api", "rss_feed"]
AuthType = Literal["none", "api_key", "oauth", "bearer_token"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$", max_length=2000)]


class SourceIn(Input):
    """A new data source."""

    model_config = ConfigDict(extra="forbid")

    source_name: Name
    source_type: SourceType
    base_url: HttpUrl
    authentication_type: AuthType = "none"
    api_key: SecretStr | None = Field(
        default=None, max_length=4000, description="Stored encrypted; never returned"
    )
    rate_limit_per_hour: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    is_active: StrictBool = True


class SourceUpdate(Input):
    """Changes to a data source; ``api_key: null`` removes the stored key."""

    model_config = ConfigDict(extra="forbid")

    base_url: HttpUrl | None = None
    authentication_type: AuthType | None = None
    api_key: SecretStr | None = Field(default=None, max_length=4000)
    rate_limit_per_hour: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    is_active: StrictBool | None = None


class SourceOut(BaseModel):
    """A data source as admins see it: whether a key is stored, never the key."""

    id: uuid.UUID
    source_name: str
    source_type: str
    base_url: str
    authentication_type: str | None
    has_api_key: bool
    rate_limit_per_hour: int | None
    consecutive_failures: int | None
    last_successful_fetch: datetime | None
    paused_at: datetime | None
    is_active: bool | None
    created_at: datetime
