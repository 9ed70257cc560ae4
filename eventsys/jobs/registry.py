"""Imports every module that declares tasks, so a worker knows them all.

A feature with background work adds its ``tasks`` module here.
"""

from __future__ import annotations

import importlib
import pkgutil

import eventsys

for _module in pkgutil.iter_modules(eventsys.__path__):
    if _module.ispkg:
        try:
            importlib.import_module(f"eventsys.{_module.name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"eventsys.{_module.name}.tasks":
                raise
