"""The export window in days and the seasonal intensity over it (the generator's calendar)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import REGIONS


class Calendar:
    """Days of the export window and the seasonal intensity over them."""

    def __init__(self, start: str, end: str, launch: str, today: str | None, p: dict) -> None:
        self.start = pd.Timestamp(start).normalize()
        self.end = pd.Timestamp(end).normalize()
        self.launch = pd.Timestamp(launch).normalize()
        self.today = pd.Timestamp(today).normalize() if today is not None else self.end
        if not self.start < self.launch <= self.end:
            raise ValueError(f"need start < launch_date <= end, got {start}, {launch}, {end}")
        if self.today < self.end:
            raise ValueError(f"today ({today}) is before end ({end})")
        self.n_days = (self.end - self.start).days + 1
        self.launch_day = (self.launch - self.start).days
        self.region_launch = {}
        for region, day in (p.get("region_launch_dates") or {}).items():
            if region not in REGIONS:
                raise ValueError(f"region_launch_dates: unknown region {region!r}")
            offset = (pd.Timestamp(day).normalize() - self.start).days
            if not self.launch_day <= offset < self.n_days:
                raise ValueError(f"region_launch_dates: {region} {day} is not in [launch_date, end]")
            self.region_launch[region] = offset
        self.today_day = (self.today - self.start).days
        days = pd.date_range(self.start, periods=self.n_days, freq="D")
        month = np.asarray(p["month_multiplier"], float)
        week = np.asarray(p["weekday_multiplier"], float)
        self.month_multiplier = month / month.mean()
        self.weekday_multiplier = week / week.mean()
        self.intensity = (self.month_multiplier[days.month.to_numpy() - 1]
                          * self.weekday_multiplier[days.day_of_week.to_numpy()])
        self.edges = np.arange(self.n_days + 1, dtype=float)
        self.cum = np.concatenate([[0.0], np.cumsum(self.intensity)])
        window = int(p["campaign_window_days"])
        last_send = max(self.launch_day, self.n_days - window)
        n_campaigns = len(p["campaign_effects"])
        self.campaigns = {  # spread evenly over [launch, end - window]
            cid: int(round(self.launch_day + (k + 0.5) / n_campaigns * (last_send - self.launch_day)))
            for k, cid in enumerate(p["campaign_effects"])
        }

    def region_launch_day(self, region: str) -> int:
        """Day the program launches in `region`: region_launch_dates, else the launch day."""
        return self.region_launch.get(region, self.launch_day)

    def S(self, t: np.ndarray) -> np.ndarray:
        """Cumulative intensity at time t (days since start, clipped to the window)."""
        return np.interp(t, self.edges, self.cum)

    def S_inv(self, u: np.ndarray) -> np.ndarray:
        return np.interp(u, self.cum, self.edges)

    def date_strings(self, days: np.ndarray, fmt: str = "%d.%m.%Y") -> np.ndarray:
        """Formatted dates of integer day offsets (formats each distinct day once)."""
        days = np.asarray(days, dtype=np.int64)
        if days.size == 0:
            return np.array([], dtype=object)
        uniq, inv = np.unique(days, return_inverse=True)
        text = (self.start + pd.to_timedelta(uniq, unit="D")).strftime(fmt).to_numpy(dtype=object)
        return text[inv]

    def iso_day(self, day: int) -> str:
        return (self.start + pd.Timedelta(days=int(day))).strftime("%Y-%m-%d")
