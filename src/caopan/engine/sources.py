"""Traffic-source classes as an Ibis expression (the table is `caopan.domain.events`)."""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.types as ir

from caopan.domain.events import SOURCE_CLASS_NAMES, SOURCE_CLASSES


def source_class(
    source: ir.StringValue, classes: Mapping[str, str] = SOURCE_CLASSES
) -> ir.StringValue:
    """The class (natural / private / paid) of each source code; an unknown code (or none)
    falls in the class of `other`, as `caopan.domain.events.source_class` says."""
    default = classes.get("other", "natural")
    branches = [
        (source.isin(codes), ibis.literal(name))
        for name in SOURCE_CLASS_NAMES
        if name != default and (codes := sorted(c for c, k in classes.items() if k == name))
    ]
    if not branches:
        return ibis.literal(default).cast("string")
    return ibis.cases(*branches, else_=ibis.literal(default))
