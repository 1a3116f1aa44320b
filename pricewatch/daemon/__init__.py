"""The scheduled crawl daemon: schedules (TOML), APScheduler 3, supervised subprocess jobs,
persistent job state, health, metrics."""
