"""System tasks: the heartbeat that proves the schedule runs."""

from __future__ import annotations

import os
import socket

import procrastinate

from frontier.db.system_logs import record
from frontier.jobs import runtime

blueprint = procrastinate.Blueprint()

HEARTBEAT_CRON = "*/5 * * * *"


@blueprint.periodic(cron=HEARTBEAT_CRON)
@blueprint.task(name="heartbeat", queue="system")
def heartbeat(timestamp: int) -> None:
    """Record that a worker ran a scheduled job: one row per schedule tick, by whichever worker ran it."""
    with runtime.database().session() as session:
        record(
            session,
            "heartbeat",
            "worker heartbeat",
            scheduled_for=timestamp,
            host=socket.gethostname(),
            pid=os.getpid(),
        )
