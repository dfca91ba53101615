"""Quarters and months: calendar quarters (January to March is Quarter 1) or financial ones (April
to June is Quarter 1 of the year 2016/17); every report says which."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


def month_add(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Quarter:
    year: int  # the calendar year, or the year a financial year starts in
    number: int  # 1 to 4
    financial: bool = False

    @classmethod
    def parse(cls, text: str, *, financial: bool = False) -> Quarter:
        """``2016Q1`` (the year, then the quarter's number)."""
        found = re.fullmatch(r"\s*(\d{4})\s*[Qq]([1-4])\s*", text)
        if not found:
            raise ValueError(f"“{text[:20]}” is not a quarter: write it as 2016Q1.")
        year = int(found.group(1))
        if not 2000 <= year <= 2100:
            raise ValueError(f"{year} is outside the years a report can cover.")
        return cls(year, int(found.group(2)), financial)

    @property
    def first_month(self) -> dt.date:
        start = dt.date(self.year, 4 if self.financial else 1, 1)
        return month_add(start, 3 * (self.number - 1))

    @property
    def months(self) -> list[dt.date]:
        return [month_add(self.first_month, n) for n in range(3)]

    @property
    def last_day(self) -> dt.date:
        return month_add(self.first_month, 3) - dt.timedelta(days=1)

    def year_before(self) -> Quarter:
        return Quarter(self.year - 1, self.number, self.financial)

    @property
    def label(self) -> str:
        if self.financial:
            return f"Quarter {self.number} {self.year}/{str(self.year + 1)[-2:]}"
        return f"Quarter {self.number} {self.year}"

    @property
    def kind(self) -> str:
        return "financial year (April to March)" if self.financial else "calendar year (January to December)"

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"
