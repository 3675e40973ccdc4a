"""cstui's data store: one SQLite file per company (WAL, busy timeout, foreign keys).

- every write is one ``BEGIN IMMEDIATE`` transaction with its audit rows (``Store.write()``);
- edited rows (employees, scorecards, incidents) carry a version: a stale one raises Conflict;
- the login's role and teams scope every query in one place (``Store._team_scope``);
- a closed period (month, or the quarter it is in) locks its scorecards, incidents and results;
- money and scores are TEXT decimals; scorecard values are the raw strings as typed.
"""

from cstui.store.errors import (
    AccessDenied,
    BadInput,
    ChangedMeanwhile,
    Conflict,
    NotFound,
    PeriodClosed,
    Refused,
    StoreError,
)
from cstui.store.files import Busy, NoDatabase, NotOurs, StorageFailure
from cstui.store.identity import USER_ROLES, User, current_login, os_login, resolve_db_path
from cstui.store.migrations import SCHEMA_VERSION
from cstui.store.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "USER_ROLES",
    "AccessDenied",
    "BadInput",
    "Busy",
    "ChangedMeanwhile",
    "Conflict",
    "NoDatabase",
    "NotOurs",
    "NotFound",
    "PeriodClosed",
    "Refused",
    "Store",
    "StorageFailure",
    "StoreError",
    "User",
    "current_login",
    "os_login",
    "resolve_db_path",
]
