"""What is derived from a parsed plan, between reading and RDF: area types and owners (next,
upstream links). Plain data in (an ingest.model.Plan), the same plan with its derived facts out."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.ownership import OwnerModel
    from ingest.model import Plan


def derive(plan: Plan, owners: OwnerModel | None = None) -> Plan:
    """Give the plan its kind and area types and, with an owner model, every item its owners."""
    from derive.areas import type_areas
    from derive.ownership import assign_owners

    type_areas(plan)
    if owners is not None:
        assign_owners(plan, owners)
    return plan
