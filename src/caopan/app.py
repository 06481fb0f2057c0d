"""The App object: the one seam that the CLI, the web app and the tests all use.

Faces translate arguments into App calls and App results into text, JSON or HTTP; nothing
below the App knows which face called it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.alerts import Alert
from caopan.domain.alerts import Thresholds as AlertThresholds
from caopan.domain.catalog import COMMISSION_METRIC
from caopan.domain.clock import now_ms, shanghai_date
from caopan.domain.commission import Contract
from caopan.domain.entities import Merchant, Provider
from caopan.domain.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from caopan.domain.ids import check_id
from caopan.domain.stages import Thresholds
from caopan.domain.tokens import new_token, token_hash
from caopan.engine import contracts as contract_store
from caopan.engine import diagnosis as engine_diagnosis
from caopan.engine import (
    diagnosis_details,
    event_log,
    layout,
    readings_store,
    settlement,
    stage_store,
)
from caopan.engine import reconcile as engine_reconcile
from caopan.engine import review as engine_review
from caopan.engine.backend import Engine, connect, default_url, normalize_url
from caopan.engine.commission_estimate import Range, commission_estimates
from caopan.engine.earnings import session_earnings
from caopan.engine.indicators import merchant_scope
from caopan.engine.key_index import KeyIndex
from caopan.engine.scope import Span, resolve
from caopan.engine.settlement_store import settle_contract
from caopan.engine.statement import statement_rows
from caopan.ingest import http as http_intake
from caopan.ingest import plans, quarantine
from caopan.ingest.files import FileReport, check_readable, ingest_file
from caopan.ingest.imports import ImportReport, Request, import_context, import_file
from caopan.reports import statement as statement_report
from caopan.reports.contract_terms import contract_view
from caopan.sim import history, replay
from caopan.sim.world import WorldSpec

FileProgress = Callable[[Path, int], None]


class App:
    """caopan over one store."""

    def __init__(self, db: str | None = None) -> None:
        self.url = normalize_url(db) if db else default_url()
        self._engine: Engine | None = None
        self._keys: KeyIndex | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = connect(self.url)
        return self._engine

    @property
    def keys(self) -> KeyIndex:
        """The stored event keys, for the event log of this (the store's only) writer."""
        if self._keys is None:
            self._keys = KeyIndex(self.engine)
        return self._keys

    def _forget_keys(self) -> None:
        if self._keys is not None:
            self._keys.close()
            self._keys = None

    def close(self) -> None:
        self._forget_keys()
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- store ---------------------------------------------------------------------------

    def init_db(self) -> list[str]:
        """Create the schema; return the tables created (none if it existed)."""
        engine = connect(self.url, create=False)
        self._engine = engine
        return engine.ensure_schema()

    def table_counts(self) -> dict[str, int]:
        return {
            name: int(self.engine.con.table(name).count().to_pyarrow().as_py())
            for name in sorted(self.engine.con.list_tables())
            if not name.startswith("ibis_")
        }

    def optimize_store(self) -> dict[str, int]:
        """Cluster `orders` and `order_lines` by merchant (see `caopan.engine.layout`)."""
        return asdict(layout.optimize(self.engine))

    # -- parties -------------------------------------------------------------------------

    def add_provider(self, provider: Provider) -> bool:
        """Store a provider; False if the same one is already stored."""
        return self._add("providers", "provider_id", provider.provider_id, asdict(provider))

    def providers(self) -> list[dict[str, Any]]:
        return self._rows("providers", "provider_id")

    def add_merchant(self, merchant: Merchant) -> bool:
        """Store a merchant; False if the same one is already stored."""
        if merchant.provider_id is not None:
            self._require("providers", "provider_id", merchant.provider_id)
        return self._add("merchants", "merchant_id", merchant.merchant_id, asdict(merchant))

    def merchants(self, provider_id: str | None = None) -> list[dict[str, Any]]:
        rows = self._rows("merchants", "merchant_id")
        if provider_id is not None:
            rows = [r for r in rows if r["provider_id"] == provider_id]
        return rows

    def _require(self, table: str, key: str, value: str) -> None:
        t = self.engine.table(table)
        if t.filter(t[key] == value).count().to_pyarrow().as_py() == 0:
            raise NotFound(f"{table[:-1]} {value!r} does not exist")

    def _add(self, table: str, key: str, value: str, record: dict[str, object]) -> bool:
        t = self.engine.table(table)
        existing = t.filter(t[key] == value).drop("created_at").to_pyarrow().to_pylist()
        if existing:
            if existing[0] != {k: record.get(k) for k in existing[0]}:
                raise AlreadyExists(
                    f"{table[:-1]} {value!r} already exists with other details: {existing[0]}"
                )
            return False
        row = {**record, "created_at": now_ms()}
        schema = self.engine.arrow_schema(table)
        self.engine.insert(table, pa.Table.from_pylist([row], schema=schema))
        return True

    def _rows(self, table: str, key: str) -> list[dict[str, Any]]:
        t = self.engine.table(table)
        return list(t.order_by(ibis.asc(key)).to_pyarrow().to_pylist())

    # -- events --------------------------------------------------------------------------

    def ingest_event_files(
        self, paths: Sequence[Path], progress: FileProgress | None = None
    ) -> list[FileReport]:
        """Ingest NDJSON event files in order; every path is checked before any is read."""
        for path in paths:
            check_readable(path)
        with self._bulk():
            return [
                ingest_file(self.engine, path, _per_file(progress, path), self.keys)
                for path in paths
            ]

    @contextmanager
    def _bulk(self) -> Iterator[None]:
        """Bulk writes (see `Engine.bulk`)."""
        with self.engine.bulk():
            yield

    def ingest_body(
        self, session_id: str, body: bytes, provider_id: str | None
    ) -> http_intake.BatchReport:
        """Events posted for one session (stored durably before this returns)."""
        return self.store_body(http_intake.check_body(session_id, body), provider_id)

    def store_body(
        self, checked: http_intake.CheckedBody, provider_id: str | None
    ) -> http_intake.BatchReport:
        """Store a body checked beforehand (`caopan.ingest.http.check_body`, which needs no
        store: a server runs it off its store thread)."""
        self.check_owner(checked.session_id, provider_id)
        return http_intake.store_body(self.engine, checked, provider_id, now_ms(), self.keys)

    def add_session(
        self,
        session_id: str,
        provider_id: str,
        merchant_id: str | None = None,
        anchor_id: str | None = None,
        title: str | None = None,
    ) -> bool:
        """Announce a live session before its first event: who operates it and for whom.

        Its events may then come over HTTP with the provider's token; the merchant's contract
        gives the screen its commission (metric 42). False when the very same session is
        already known; AlreadyExists when it is known with other details.
        """
        session_id = check_id("session", session_id)
        self._require("providers", "provider_id", provider_id)
        if merchant_id is not None:
            self._require("merchants", "merchant_id", merchant_id)
        record: dict[str, object] = {
            "session_id": session_id,
            "merchant_id": merchant_id,
            "anchor_id": anchor_id,
            "provider_id": provider_id,
            "title": title,
        }
        return self._add("live_sessions", "session_id", session_id, record)

    def add_products(self, rows: pa.Table) -> int:
        """Add products (rows of the `products` table) whose ids are not known yet; the known
        ones are left as they are. Returns how many were added."""
        schema = self.engine.arrow_schema("products")
        known = self.engine.table("products").product_id.to_pyarrow().to_pylist()
        for merchant in set(rows.column("merchant_id").to_pylist()) - {None}:
            self._require("merchants", "merchant_id", merchant)
        ids = rows.column("product_id")
        fresh = rows.filter(pc.invert(pc.is_in(ids, pa.array(known, pa.string()))))
        if fresh.num_rows:
            self.engine.insert("products", fresh.select(schema.names).cast(schema))
        return int(fresh.num_rows)

    def check_owner(self, session_id: str, provider_id: str | None) -> None:
        """Refuse a provider other than the session's owner (a session without one: anyone)."""
        owners = event_log.session_owners(self.engine, [session_id]).get(session_id)
        if owners and provider_id not in owners:
            raise Forbidden(f"session {session_id!r} belongs to another provider")

    def record_alerts(
        self, session_id: str, window: int, changes: Sequence[tuple[Alert, str]], at: int
    ) -> None:
        """Store alerts that fired or cleared (append-only: one row per change)."""
        rows = [
            {
                "session_id": session_id,
                "rule": a.rule,
                "severity": a.severity,
                "state": state,
                "message_zh": a.zh,
                "message_en": a.en,
                "action_zh": a.action_zh,
                "action_en": a.action_en,
                "window_minutes": window,
                "at": at,
            }
            for a, state in changes
        ]
        self.engine.insert("alerts", pa.Table.from_pylist(rows))

    def product_facts(
        self, product_ids: Sequence[str], engine: Engine | None = None
    ) -> dict[str, tuple[str | None, int | None]]:
        """The known name and stock (`products.name`, `products.stock`) of some products, in one
        read; a product absent from `products` is left out (with several rows: the first name
        in id order and the smallest stock)."""
        if not product_ids:
            return {}
        t = (engine or self.engine).table("products")
        mine = t.filter(t.product_id.isin(list(product_ids)))
        rows = mine.group_by("product_id").aggregate(name=mine.name.min(), stock=mine.stock.min())
        got = rows.to_pyarrow().to_pylist()
        return {r["product_id"]: (r["name"], r["stock"]) for r in got}

    def product_stock(
        self, product_ids: Sequence[str], engine: Engine | None = None
    ) -> dict[str, int | None]:
        """The known stock of some products; a product absent or without a stock is left out."""
        return stock_of(self.product_facts(product_ids, engine))

    def product_names(
        self, product_ids: Sequence[str], engine: Engine | None = None
    ) -> dict[str, str]:
        """The names of some products; a product absent or unnamed is left out."""
        return names_of(self.product_facts(product_ids, engine))

    def set_alert_thresholds(self, session_id: str, values: dict[str, Any]) -> AlertThresholds:
        """Change some alert thresholds of a session (the rest keep their current values)."""
        thresholds = AlertThresholds.of(values, self.alert_thresholds(session_id))
        row = {"session_id": session_id, "settings": json.dumps(asdict(thresholds))}
        self.engine.insert("alert_thresholds", pa.Table.from_pylist([{**row, "set_at": now_ms()}]))
        return thresholds

    def alert_thresholds(self, session_id: str, engine: Engine | None = None) -> AlertThresholds:
        """A session's alert thresholds: the latest set, or the defaults."""
        t = (engine or self.engine).table("alert_thresholds")
        mine = t.filter(t.session_id == session_id).order_by(ibis.desc("set_at")).limit(1)
        rows = mine.settings.to_pyarrow().to_pylist()
        return AlertThresholds.of(json.loads(rows[0])) if rows else AlertThresholds()

    # -- commission ----------------------------------------------------------------------

    @staticmethod
    def commission_calc(plan: Path, orders: Path, as_of: int | None = None) -> dict[str, Any]:
        """The what-if calculator over files, without a store (spec commission.md)."""
        terms = plans.read_plan(plan)
        return settlement.calculate(terms, plans.read_order_lines(orders), as_of or now_ms())

    # -- contracts -----------------------------------------------------------------------

    def contract_create(
        self, merchant_id: str, provider_id: str, plan_file: Path, contract_id: str | None = None
    ) -> dict[str, Any]:
        """Store a contract from a plan file (YAML or JSON); invalid plans are refused."""
        plan = plans.read_plan(plan_file)
        if plan.valid_from is None:
            raise InvalidInput(f"{plan_file}: a contract needs valid_from (its first day)")
        self._require("merchants", "merchant_id", merchant_id)
        self._require("providers", "provider_id", provider_id)
        cid = contract_id or f"{merchant_id}-{provider_id}-{plan.valid_from:%Y%m%d}"
        contract_store.add_contract(
            self.engine, Contract(cid, merchant_id, provider_id, plan), now_ms()
        )
        return contract_view(contract_store.load_stored(self.engine, cid))

    def contracts(
        self, merchant_id: str | None = None, provider_id: str | None = None
    ) -> list[dict[str, Any]]:
        return [
            contract_view(s)
            for s in contract_store.stored_contracts(self.engine, merchant_id, provider_id)
        ]

    def contract(self, contract_id: str, engine: Engine | None = None) -> dict[str, Any]:
        return contract_view(contract_store.load_stored(engine or self.engine, contract_id))

    def contract_end(self, contract_id: str, last_day: date) -> dict[str, Any]:
        """End a contract after `last_day` (inclusive)."""
        return contract_view(
            contract_store.end_contract(self.engine, contract_id, last_day, now_ms())
        )

    def settle_month(
        self,
        month: str,
        merchant_id: str | None = None,
        as_of: int | None = None,
        xlsx: Path | None = None,
    ) -> dict[str, Any]:
        """Settle every contract in force in `month` (of one merchant) as of `as_of` (default
        now), idempotently, and build each merchant's statement; `xlsx` writes them (one
        workbook; with several merchants, one per merchant named `<stem>-<merchant><suffix>`)."""
        lo, hi = _month_days(month)
        at = now_ms() if as_of is None else as_of
        if merchant_id is not None:
            self._require("merchants", "merchant_id", merchant_id)
        active = [
            s
            for s in contract_store.stored_contracts(self.engine, merchant_id)
            if s.in_force(lo, hi)
        ]
        reports = [settle_contract(self.engine, s.contract.contract_id, at) for s in active]
        rows = statement_rows(self.engine, active, month, at)
        statements = statement_report.build(month, at, rows, active)
        files: list[str] = []
        if xlsx is not None:
            for st in statements:
                path = xlsx
                if len(statements) > 1:
                    path = xlsx.with_name(f"{xlsx.stem}-{st['merchant_id']}{xlsx.suffix}")
                files.append(str(statement_report.write_xlsx(st, path)))
        return {
            "month": month,
            "as_of": at,
            "settled": [asdict(r) for r in reports],
            "statements": statements,
            "files": files,
        }

    def statement(
        self, month: str, merchant_id: str, as_of: int | None = None, engine: Engine | None = None
    ) -> dict[str, Any]:
        """A merchant's statement for a month from the stored lines, without settling."""
        lo, hi = _month_days(month)
        store = engine or self.engine
        at = now_ms() if as_of is None else as_of
        active = [
            s for s in contract_store.stored_contracts(store, merchant_id) if s.in_force(lo, hi)
        ]
        built = statement_report.build(month, at, statement_rows(store, active, month, at), active)
        if not built:
            raise NotFound(f"merchant {merchant_id!r} has no contract in force in {month}")
        return built[0]

    def earnings(
        self, session_id: str, as_of: int | None = None, engine: Engine | None = None
    ) -> dict[str, Any]:
        """A session's earnings (收益) as of `as_of` (default now): commission by state, fees,
        the merchant's real result and the ROI after service fees."""
        at = now_ms() if as_of is None else as_of
        return session_earnings(engine or self.engine, session_id, at)

    # -- tokens --------------------------------------------------------------------------

    def create_token(self, provider_id: str) -> str:
        """A new intake token for a provider; only its hash is stored."""
        self._require("providers", "provider_id", provider_id)
        token = new_token()
        row = {"token_hash": token_hash(token), "provider_id": provider_id, "created_at": now_ms()}
        self.engine.insert("api_tokens", pa.Table.from_pylist([row]))
        return token

    def token_provider(self, token: str) -> str | None:
        """The provider a token belongs to, or None if it is unknown or revoked."""
        t = self.engine.table("api_tokens")
        rows = t.filter((t.token_hash == token_hash(token)) & t.revoked_at.isnull())
        found = rows.provider_id.to_pyarrow().to_pylist()
        return str(found[0]) if found else None

    # -- imports -------------------------------------------------------------------------

    def import_files(
        self, paths: Sequence[Path], request: Request, progress: FileProgress | None = None
    ) -> list[ImportReport]:
        """Import platform exports (spec imports.md); every path is checked before any is read."""
        for path in paths:
            check_readable(path)
        with self._bulk():
            return [
                import_file(self.engine, path, request, _per_file(progress, path)) for path in paths
            ]

    def reconcile(
        self, bill: Path, merchant: str | None = None, progress: FileProgress | None = None
    ) -> dict[str, Any]:
        """Import a 快手 货款账单 and reconcile each order's contract commission with the billed
        服务商佣金 (issue 6 item 7), with the reason for every difference."""
        check_readable(bill)
        [report] = self.import_files([bill], Request(kind="ks-bill", merchant=merchant), progress)
        if report.refused:
            raise InvalidInput(report.refused)
        orders = engine_reconcile.reconcile(self.engine, report.file)
        totals = {
            "orders": len(orders),
            "contract_fen": sum(o["contract_fen"] or 0 for o in orders),
            "billed_fen": sum(o["billed_fen"] or 0 for o in orders),
            "difference_fen": sum(o["difference_fen"] for o in orders),
            "by_reason": {
                reason: sum(1 for o in orders if o["reason"] == reason)
                for reason in engine_reconcile.REASONS_ZH
                if any(o["reason"] == reason for o in orders)
            },
        }
        return {"bill": report.to_json(), "totals": totals, "orders": orders}

    def quarantine_entry(self, quarantine_id: str) -> dict[str, Any]:
        """One quarantined row; an imported row laid out column by column."""
        t = self.engine.table("quarantine")
        rows = t.filter(t.quarantine_id.startswith(quarantine_id)).to_pyarrow().to_pylist()
        if not rows:
            raise NotFound(f"no quarantined row {quarantine_id!r}")
        if len(rows) > 1:
            raise InvalidInput(f"{quarantine_id!r} names {len(rows)} rows: give more of the id")
        row = rows[0]
        raw = row.pop("raw") or b""
        found = import_context(raw)
        if found is None:
            row["raw"] = raw.decode("utf-8", errors="backslashreplace")
            return dict(row)
        request, body = found
        row["import"] = request.to_json()
        if body.get("cells") is not None:
            row["cells"] = dict(zip(body["header"], body["cells"], strict=False))
        else:
            row["raw"] = body.get("text")
        return dict(row)

    def quarantine_retry(self, source: str, progress: FileProgress | None = None) -> ImportReport:
        """Import a source file again, as it was imported, after it has been fixed: its
        quarantined rows that now import leave quarantine."""
        t = self.engine.table("quarantine")
        raws = t.filter(t.source == source).raw.to_pyarrow().to_pylist()
        found = [c for c in (import_context(r or b"") for r in raws) if c is not None]
        if not found:
            raise NotFound(f"no quarantined imported rows from {source!r}")
        path = Path(source)
        check_readable(path)
        return self.import_files([path], found[0][0], progress)[0]

    def quarantine(self, source: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        return quarantine.listing(self.engine, source, limit)

    def quarantine_count(self) -> int:
        return quarantine.count(self.engine)

    # -- review --------------------------------------------------------------------------

    def review(
        self,
        session_id: str,
        as_of: int | None = None,
        window: int | None = None,
        engine: Engine | None = None,
    ) -> dict[str, Any]:
        """The session's 42 metrics and breakdowns (复盘), in the spec's output shape, with
        metric 42 (the provider's estimated commission) under the merchant's contract.

        `engine` may be a reader of this App's store (see `Engine.reader`).
        """
        store = engine or self.engine
        scope = resolve(store, session_id, as_of)
        spans = [scope.session_span()] if window is None else list(scope.window_spans(window))
        estimates = commission_estimates(store, session_id, scope.as_of, spans)
        return engine_review.review(
            store,
            session_id,
            scope.as_of,
            window,
            commission_est_fen=estimates[0],
            previous_commission_est_fen=estimates[1] if window is not None else None,
        )

    def review_many(
        self, session_ids: Sequence[str] | None = None, engine: Engine | None = None
    ) -> list[dict[str, Any]]:
        """The review of every stored session (or of those named) over its whole range as of
        its latest event, in session order: `review(sid)` of each. The sessions' ranges come
        from one query; then each session is reviewed by the review's own cached statements
        (`engine.review.review_many`, which can also group several sessions per query)."""
        store = engine or self.engine
        docs = engine_review.review_many(store, session_ids)
        for sid, doc in docs.items():
            every = Span(-1, doc["as_of"])  # every payment of the session up to as_of
            [estimate] = commission_estimates(store, sid, doc["as_of"], [every])
            doc["metrics"][COMMISSION_METRIC] = estimate
        return [docs[sid] for sid in sorted(docs)]

    @staticmethod
    def commission_estimates(
        engine: Engine, session_id: str, as_of: int, ranges: Sequence[Range]
    ) -> list[int | None]:
        """Metric 42 per range of payment instants (for the live screen's aggregator)."""
        return commission_estimates(engine, session_id, as_of, ranges)

    @staticmethod
    def review_events(
        paths: Sequence[Path],
        session_id: str | None = None,
        as_of: int | None = None,
        window: int | None = None,
    ) -> tuple[dict[str, Any], list[FileReport]]:
        """Review events from files, without a store (a temporary in-memory one)."""
        with App("duckdb://:memory:") as scratch:
            reports = scratch.ingest_event_files(paths)
            sessions = [str(s["session_id"]) for s in scratch.session_summaries()]
            if not sessions:
                names = ", ".join(str(p) for p in paths)
                raise InvalidInput(f"no events to review in {names}")
            if session_id is None:
                if len(sessions) > 1:
                    raise InvalidInput(
                        f"the files hold {len(sessions)} sessions ({', '.join(sessions[:5])}"
                        f"{', …' if len(sessions) > 5 else ''}): name one"
                    )
                session_id = sessions[0]
            return scratch.review(session_id, as_of, window), reports

    # -- diagnosis -----------------------------------------------------------------------

    def diagnose(
        self,
        merchant_id: str,
        window: int = 30,
        as_of: date | None = None,
        thresholds: Thresholds | None = None,
        record: bool = True,
        engine: Engine | None = None,
    ) -> dict[str, Any]:
        """One merchant's diagnosis (spec diagnosis.md) with the page's breakdowns and stage
        history. Its peers' values come from the stored `diagnose --all` of the same day and
        window when there is one, else from a pass over the merchant's category. `record`
        stores a stage change (a leap when it moves up)."""
        eng = engine or self.engine
        _check_window(window)
        day = as_of or shanghai_date(now_ms())
        rules = thresholds or Thresholds()

        def stored(category: str, stage: str) -> dict[str, dict[str, float | None]] | None:
            return readings_store.peers(eng, day, window, category, stage)

        span = engine_diagnosis.span_of(day, window)
        # The merchant's paid orders and lines, materialised once for the sums and the page.
        with merchant_scope(eng, span, merchant_id) as scope:
            found = engine_diagnosis.diagnose_one(
                eng, merchant_id, day, window, rules, stored, scope
            )
            if found is None:  # no stored `--all` for this day: the pass over the category
                peers = self._peers_of(eng, merchant_id)
                results = engine_diagnosis.diagnose_many(eng, day, window, rules, peers)
                if merchant_id not in results:
                    raise NotFound(f"merchant {merchant_id!r} has no record and no orders")
                found = results[merchant_id]
            result = found
            if record:
                stage_store.record(eng, day, {merchant_id: result["stage"]}, window, now_ms())
            result["details"] = diagnosis_details.details(eng, merchant_id, span, scope)
        result["stage_history"] = stage_store.history(eng, merchant_id)
        result["name"] = self._merchant_name(eng, merchant_id)
        return result

    @staticmethod
    def _peers_of(engine: Engine, merchant_id: str) -> list[str]:
        m = engine.table("merchants")
        row = m.filter(m.merchant_id == merchant_id).category.to_pyarrow().to_pylist()
        if not row or row[0] is None:
            return [merchant_id]
        same = m.filter(m.category == row[0]).merchant_id.to_pyarrow().to_pylist()
        return sorted({merchant_id, *same})

    @staticmethod
    def _merchant_name(engine: Engine, merchant_id: str) -> str | None:
        m = engine.table("merchants")
        names = m.filter(m.merchant_id == merchant_id).name.to_pyarrow().to_pylist()
        return str(names[0]) if names and names[0] is not None else None

    def diagnose_all(
        self,
        window: int = 30,
        as_of: date | None = None,
        thresholds: Thresholds | None = None,
        record: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Every merchant's diagnosis in one pass (no page breakdowns), by merchant id;
        `record` stores the stage changes and every merchant's readings (the peers of later
        one-merchant diagnoses of the same day and window)."""
        _check_window(window)
        day = as_of or shanghai_date(now_ms())
        results = engine_diagnosis.diagnose_many(
            self.engine, day, window, thresholds or Thresholds(), progress=progress
        )
        ordered = [results[mid] for mid in sorted(results)]
        if record:
            stages = {mid: r["stage"] for mid, r in results.items()}
            stage_store.record(self.engine, day, stages, window, now_ms())
            readings_store.save(self.engine, day, window, ordered, now_ms())
        return ordered

    def track_stages(
        self,
        start: date,
        end: date,
        every: int = 7,
        window: int = 30,
        thresholds: Thresholds | None = None,
    ) -> list[dict[str, Any]]:
        """Place every merchant in its stage on `start`, every `every` days after, and `end`;
        record the changes (leaps among them). Returns the changes recorded."""
        _check_window(window)
        if every < 1 or end < start:
            raise InvalidInput("--every must be at least 1 and --to not before --from")
        days = [start + timedelta(days=k) for k in range(0, (end - start).days + 1, every)]
        if days[-1] != end:
            days.append(end)
        changes = []
        for day in days:
            results = engine_diagnosis.diagnose_many(
                self.engine, day, window, thresholds or Thresholds()
            )
            stages = {mid: r["stage"] for mid, r in results.items()}
            changes += stage_store.record(self.engine, day, stages, window, now_ms())
        return changes

    def stage_history(self, merchant_id: str | None = None) -> list[dict[str, Any]]:
        return stage_store.history(self.engine, merchant_id)

    def leaps_by_provider(self) -> list[dict[str, Any]]:
        return stage_store.leaps_by_provider(self.engine)

    # -- simulation ----------------------------------------------------------------------

    def simulate(
        self,
        spec: WorldSpec,
        progress: history.Progress | None = None,
        events_out: Path | None = None,
        events_format: str = "parquet",
    ) -> history.Summary:
        """Build a simulated world and its history into the store."""
        if events_format not in ("parquet", "ndjson"):
            raise InvalidInput(f"--events-format must be parquet or ndjson (got {events_format!r})")
        self._forget_keys()  # the simulator writes events in bulk, past the event log
        with self._bulk():
            return history.populate(self.engine, spec, progress, events_out, events_format)

    def replay(
        self, events: pa.Table, speed: float, url: str | None = None, token: str | None = None
    ) -> replay.ReplayStats:
        """Send events at wall-clock pace (× speed) to a server's intake, or into this store."""
        if url is not None:
            if not token:
                raise InvalidInput("--token is needed to post to a server")
            return replay.replay(events, replay.http_sink(url, token), speed)
        return replay.replay(events, replay.store_sink(self.engine, now_ms, self.keys), speed)

    def stored_events(
        self, session_id: str, engine: Engine | None = None
    ) -> Iterator[pa.RecordBatch]:
        """Every stored event of a session, in Arrow batches (to rebuild a live aggregator)."""
        t = (engine or self.engine).table("live_events")
        mine = t.filter(t.session_id == session_id)
        yield from mine.to_pyarrow_batches(chunk_size=1_000_000)

    def session_summaries(self, engine: Engine | None = None) -> list[dict[str, Any]]:
        """Per stored session: events, first and last instant, distinct viewers who entered."""
        ev = (engine or self.engine).table("live_events")
        summary = ev.group_by("session_id").aggregate(
            events=ev.count(),
            start=ev.ts.min(),
            last=ev.ts.max(),
            viewers=ev.user_id.nunique(where=ev.type == "enter"),
        )
        return list(summary.order_by("session_id").to_pyarrow().to_pylist())


def _month_days(month: str) -> tuple[date, date]:
    """The first and last day of 'YYYY-MM'; InvalidInput otherwise."""
    if not isinstance(month, str) or not re.fullmatch(r"\d{4}-\d{2}", month):
        raise InvalidInput(f"month must be YYYY-MM, not {month!r}")
    year, mon = int(month[:4]), int(month[5:])
    if not 1 <= mon <= 12 or year < 1970:
        raise InvalidInput(f"month must be YYYY-MM, not {month!r}")
    first = date(year, mon, 1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _check_window(window: int) -> None:
    if not 1 <= window <= 366:
        raise InvalidInput(f"--window must be between 1 and 366 days (got {window})")


def _per_file(progress: FileProgress | None, path: Path) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(path, done)


def stock_of(facts: dict[str, tuple[str | None, int | None]]) -> dict[str, int | None]:
    """The stocks of `App.product_facts`, products without one left out."""
    return {p: stock for p, (_, stock) in facts.items() if stock is not None}


def names_of(facts: dict[str, tuple[str | None, int | None]]) -> dict[str, str]:
    """The names of `App.product_facts`, unnamed products left out."""
    return {p: name for p, (name, _) in facts.items() if name is not None}
