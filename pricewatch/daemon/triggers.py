"""APScheduler triggers for a job: cron or interval, with jitter and a daily start window."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pricewatch.daemon.schedules import JobSpec, in_window

#: Upper bound on fire times skipped while looking for one inside the window (a 15 s interval
#: skips ~5,000 fire times over a 20-hour night).
MAX_SKIPPED = 100_000


class WindowTrigger(BaseTrigger):
    """Fire times of ``inner`` that fall inside a daily window in ``tz`` (others skipped)."""

    def __init__(self, inner: BaseTrigger, window: Any, tz: ZoneInfo) -> None:
        self.inner, self.window, self.tz = inner, window, tz

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire = self.inner.get_next_fire_time(previous_fire_time, now)
        for _ in range(MAX_SKIPPED):
            if fire is None or in_window(self.window, fire.astimezone(self.tz).time()):
                return fire
            fire = self.inner.get_next_fire_time(fire, fire + timedelta(microseconds=1))
        return None

    def __str__(self) -> str:
        return f"{self.inner} within {self.window[0]:%H:%M}-{self.window[1]:%H:%M}"


def build_trigger(spec: JobSpec) -> BaseTrigger:
    tz = ZoneInfo(spec.timezone)
    jitter = int(spec.jitter.total_seconds()) if spec.jitter else None
    trigger: BaseTrigger
    if spec.cron is not None:
        trigger = CronTrigger.from_crontab(spec.cron, timezone=tz)
        trigger.jitter = jitter
    else:
        assert spec.every is not None
        trigger = IntervalTrigger(seconds=spec.every.total_seconds(), timezone=tz, jitter=jitter)
    if spec.window is not None:
        trigger = WindowTrigger(trigger, spec.window, tz)
    return trigger
