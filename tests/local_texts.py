"""Short local-news texts the cleaning tests share (written here, not copied)."""

from __future__ import annotations

from tasks.records import RawRecord

STORIES = [
    "The harbour board approved a dredging plan on Monday after two years of delays and "
    "complaints from the fishing fleet.",
    "A fire destroyed a barn on the county road overnight, and no one was hurt, the fire "
    "chief said on Wednesday morning.",
    "The school district will add two bus routes in March to serve the new housing estate "
    "north of the river.",
]
# Wordings no rule of the line filter names: only their recurring makes them boilerplate.
TEMPLATE = ["Tap to hear this story read aloud", "Pass this along to a neighbour"]


def record(number: int, body: str, outlet: str = "Harbour Times") -> RawRecord:
    return RawRecord(
        path=f"{number}.txt", record=None, format="text", body=body, title=None, outlet=outlet
    )
