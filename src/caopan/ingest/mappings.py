"""Mapping files for the generic importer: which column of a file is which canonical field.

A mapping is YAML (or JSON) with `columns` (canonical field → header name) and optional
`merchant`, `refund_prefix` (an order id starting with it is a cancellation whose lines become
refunds), `non_product` (product ids that are not goods → a label; kept out of GMV and
reported) and `postage` (which of those add to the order's freight). Mappings shipped with
caopan are named instead of a path: `uci-online-retail`.

>>> layout = load_mapping("uci-online-retail")
>>> layout.kind, layout.options["refund_prefix"], layout.signature[:2]
('generic', 'C', ('InvoiceNo', 'InvoiceDate'))
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from caopan.domain.errors import InvalidInput, NotFound
from caopan.domain.layouts import CellType, Field, Layout

_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where it is built in (~100× faster than the pure-Python one)."""

GENERIC_FIELDS: Final[dict[str, CellType]] = {
    "order_id": "id",
    "line_key": "id",
    "product_id": "id",
    "sku": "text",
    "product_name": "text",
    "quantity": "count",
    "unit_price": "price",
    "paid": "money",
    "freight": "money",
    "discount": "money",
    "created_at": "instant",
    "paid_at": "instant",
    "shipped_at": "instant",
    "received_at": "instant",
    "status": "text",
    "after_sale": "text",
    "buyer_id": "id",
    "channel": "text",
    "talent_id": "id",
    "leader_id": "id",
}
"""The canonical order-line fields a mapping may name, and how their cells are read."""

OPTIONS: Final = (
    "name",
    "title",
    "merchant",
    "merchant_name",
    "columns",
    "refund_prefix",
    "non_product",
    "postage",
)


def shipped() -> list[str]:
    """The names of the mappings shipped with caopan."""
    folder = resources.files("caopan.ingest") / "mappings"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def load_mapping(name_or_path: str) -> Layout:
    """A shipped mapping by name, or a mapping file by path, as a generic layout."""
    path = Path(name_or_path)
    if name_or_path in shipped():
        text = (resources.files("caopan.ingest") / "mappings" / f"{name_or_path}.yaml").read_text(
            encoding="utf-8"
        )
    elif path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        raise NotFound(
            f"no mapping {name_or_path!r}: neither a file nor a shipped mapping "
            f"({', '.join(shipped())})"
        )
    try:
        spec = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_LOADER)
    except (ValueError, yaml.YAMLError) as exc:
        raise InvalidInput(f"mapping {name_or_path}: not valid YAML/JSON: {exc}") from None
    return mapping_layout(spec, name_or_path)


def mapping_layout(spec: Any, where: str = "mapping") -> Layout:
    """Check a mapping and turn it into a generic layout."""
    if not isinstance(spec, dict):
        raise InvalidInput(f"{where}: a mapping is an object with `columns`")
    unknown = sorted(set(spec) - set(OPTIONS))
    if unknown:
        raise InvalidInput(f"{where}: unknown keys {unknown}; known: {', '.join(OPTIONS)}")
    columns = spec.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise InvalidInput(f"{where}: `columns` must map canonical fields to header names")
    bad = sorted(str(k) for k in columns if k not in GENERIC_FIELDS)
    if bad:
        raise InvalidInput(f"{where}: unknown fields {bad}; known: {', '.join(GENERIC_FIELDS)}")
    if any(not isinstance(v, str) or not v.strip() for v in columns.values()):
        raise InvalidInput(f"{where}: every field must name a header (a non-empty string)")
    if "order_id" not in columns:
        raise InvalidInput(f"{where}: `columns` must name the order_id column")
    if "paid" not in columns and not {"quantity", "unit_price"} <= set(columns):
        raise InvalidInput(f"{where}: name `paid`, or both `quantity` and `unit_price`")
    non_product = spec.get("non_product") or {}
    if isinstance(non_product, list):
        non_product = {str(code): str(code) for code in non_product}
    if not isinstance(non_product, dict):
        raise InvalidInput(f"{where}: `non_product` must list product ids")
    postage = [str(code) for code in spec.get("postage") or []]
    fields = tuple(
        Field(name, (str(header),), GENERIC_FIELDS[name], required=name == "order_id")
        for name, header in columns.items()
    )
    signature = tuple(
        str(columns[f])
        for f in ("order_id", "created_at", "paid", "quantity", "unit_price")
        if f in columns
    )
    options: dict[str, object] = {
        "name": str(spec.get("name") or where),
        "merchant": spec.get("merchant"),
        "merchant_name": spec.get("merchant_name"),
        "refund_prefix": spec.get("refund_prefix"),
        "non_product": {str(k): str(v) for k, v in non_product.items()},
        "postage": postage,
    }
    title = str(spec.get("title") or spec.get("name") or where)
    return Layout("generic", title, "orders", (), fields, signature, options)
