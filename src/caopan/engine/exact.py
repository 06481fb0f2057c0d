"""Exact integer arithmetic as Ibis expressions: division, half-up rounding, largest-remainder
sharing and Asia/Shanghai calendar months — with no binary floating point anywhere.

Ibis compiles `a // b` to `FLOOR(a / b)`, and `/` divides in floating point on DuckDB and on
Spark, which is wrong for large money products. `Exact` calls each backend's own integer
division instead (DuckDB `divide`, Spark `div`; both truncate towards zero) and builds floor
division, half-up rounding and the calendar on it. Products that do not fit in 64 bits raise
on both engines (DuckDB checks overflow; Spark runs with ANSI mode on) rather than wrap.

Months are numbered `year × 12 + month − 1` in Asia/Shanghai, which has been UTC+8 without
daylight saving since 1991; the civil-calendar arithmetic is Howard Hinnant's
`days_from_civil`/`civil_from_days`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir

from caopan.domain.clock import MS_PER_DAY
from caopan.domain.errors import EngineError
from caopan.engine.staging import Staging

PLAIN = Staging()

SHANGHAI_OFFSET_MS = 8 * 3_600_000
SHARE_BUCKETS = 4_096
"""Remainder buckets per group in `Exact.share` (see there)."""


@ibis.udf.scalar.builtin(name="divide")  # type: ignore[untyped-decorator]
def _duckdb_divide(a: dt.Int64, b: dt.Int64) -> dt.Int64:
    """DuckDB's integer division (truncating)."""


@ibis.udf.scalar.builtin(name="div")  # type: ignore[untyped-decorator]
def _spark_div(a: dt.Int64, b: dt.Int64) -> dt.Int64:
    """Spark's `div` (IntegralDivide, truncating)."""


_DIVISIONS: dict[str, Any] = {"duckdb": _duckdb_divide, "pyspark": _spark_div}


def i64(value: int) -> ir.IntegerScalar:
    """An int64 literal (Ibis would otherwise pick the narrowest type and let it overflow)."""
    return ibis.literal(value, "int64")


def as_i64(value: ir.IntegerValue) -> ir.IntegerValue:
    """`value` cast to int64 in the SQL even where Ibis already types it int64.

    DuckDB sums BIGINT into HUGEINT (128 bits) while Ibis calls the sum int64 and elides a
    cast to int64; every product, division and comparison downstream of such a sum then runs
    in 128-bit arithmetic, several times slower. The explicit cast keeps the engines' columns
    64-bit (and raises, as a product would, if a sum leaves 64 bits)."""
    result: ir.IntegerValue = ops.Cast(value, to=dt.int64).to_expr()
    return result


def group_sum(
    t: ir.Table,
    by: Sequence[str],
    value: str,
    out: str,
    where: ir.BooleanValue | None = None,
    staging: Staging = PLAIN,
) -> ir.Table:
    """Add column `out`: the int64 sum of `value` (where `where` holds) over the rows with the
    same `by` values (nulls matching nulls), as a window `sum(...) over (partition by ...)`
    gives it — computed as a grouped aggregate (kept by `staging`) joined back, which streams
    the rows past a small hash table instead of buffering and partitioning every column."""
    keys = {f"_gk{i}": t[c] for i, c in enumerate(by)}
    sums = t.group_by(**keys).aggregate(**{out: as_i64(t[value].sum(where=where))})
    sums = staging.keep(sums)
    joined = t.left_join(sums, [t[c].identical_to(sums[k]) for c, k in zip(by, keys, strict=True)])
    return joined.drop(*keys)


@dataclass(frozen=True, slots=True)
class Exact:
    """Exact integer operations for one backend (its name as `con.name` spells it)."""

    backend: str

    def __post_init__(self) -> None:
        if self.backend not in _DIVISIONS:
            raise EngineError(
                f"no exact integer division is known for the {self.backend!r} backend "
                f"(known: {', '.join(sorted(_DIVISIONS))})"
            )

    def trunc_div(self, a: ir.IntegerValue, b: ir.IntegerValue | int) -> ir.IntegerValue:
        """`a / b` truncated towards zero, in integers."""
        divisor = i64(b) if isinstance(b, int) else b.cast("int64")
        result: ir.IntegerValue = _DIVISIONS[self.backend](a.cast("int64"), divisor)
        return result

    def floor_div(self, a: ir.IntegerValue, b: int) -> ir.IntegerValue:
        """`a / b` rounded down, for a positive constant `b` (any sign of `a`)."""
        remainder = ((a % b) + b) % b
        return self.trunc_div(a - remainder, b)

    def half_up(self, numerator: ir.IntegerValue, denominator: ir.IntegerValue | int) -> Any:
        """`numerator / denominator` rounded half-up, for numerator ≥ 0 and denominator > 0."""
        d = i64(denominator) if isinstance(denominator, int) else denominator
        quotient = self.trunc_div(numerator, d)
        remainder = numerator - quotient * d
        return quotient + ibis.ifelse(remainder * 2 >= d, i64(1), i64(0))

    # -- Asia/Shanghai calendar months ------------------------------------------------------
    # Instants from 1970 to 2100-02-28, where the Gregorian calendar repeats every 4 years.

    def with_month(self, t: ir.Table, ms: str, out: str) -> ir.Table:
        """Add column `out`: the Shanghai calendar month of instant `ms`, `year × 12 + month − 1`.

        Days are counted from 1968-03-01, so each 4-year cycle ends with its leap day.
        """
        t = t.mutate(_z=self.floor_div(t[ms] + SHANGHAI_OFFSET_MS, MS_PER_DAY) + 671)
        t = t.mutate(_y4=self.trunc_div(t._z * 4 + 3, 1_461))
        doy = t._z - (t._y4 * 365 + self.trunc_div(t._y4, 4))
        t = t.mutate(_mp=self.trunc_div(doy * 5 + 2, 153))
        march_based = t._mp < 10
        year = t._y4 + 1_968 + ibis.ifelse(march_based, i64(0), i64(1))
        month0 = ibis.ifelse(march_based, t._mp + 2, t._mp - 10)
        return t.mutate(**{out: year * 12 + month0}).drop("_z", "_y4", "_mp")

    def month_start(self, month: ir.IntegerValue) -> ir.IntegerValue:
        """The first instant (epoch ms) of a month numbered as `with_month` numbers them."""
        year = self.trunc_div(month, 12)
        month0 = month - year * 12
        march_year = year - ibis.ifelse(month0 < 2, i64(1), i64(0)) - 1_968
        doy = self.trunc_div(((month0 + 10) % 12) * 153 + 2, 5)
        days = march_year * 365 + self.trunc_div(march_year, 4) + doy - 671
        result: ir.IntegerValue = days * MS_PER_DAY - SHANGHAI_OFFSET_MS
        return result

    # -- largest remainder -------------------------------------------------------------------

    def share(
        self,
        t: ir.Table,
        *,
        by: Sequence[str],
        total: str,
        weight: str,
        key: str,
        out: str,
        buckets: int = SHARE_BUCKETS,
        staging: Staging = PLAIN,
        weight_sum: str | None = None,
    ) -> ir.Table:
        """Add column `out`: the group's `total` (the same on every row of a group, ≥ 0) shared
        in proportion to `weight` (≥ 0): floors, then one fen each to the largest remainders,
        ties to the ascending `key` (compared as strings). Shares add up to the total exactly;
        a group whose weights are all zero must have a zero total.

        The `left` fen over go to the rows ranked first by (remainder descending, key). No
        row is ranked over a whole group: each remainder (in `[0, divisor)`) falls in one of
        about `buckets` equal buckets per group, a grouped count per bucket says from the
        top down how many rows lie above each bucket, so a bucket's rows all get a fen, or
        none does, except in the one bucket where the count crosses `left`, and only that
        bucket's rows are ranked by a window. The result is the same as ranking every row.
        `staging` keeps the weight sums, the counts and the ranked rows (few). `weight_sum`
        names a column already holding the group's sum of `weight`, if the caller has one."""
        columns = t.columns
        if weight_sum is None:
            t = group_sum(t, by, weight, "_wsum", staging=staging)
        else:
            t = t.mutate(_wsum=t[weight_sum])
        t = t.mutate(_div=ibis.greatest(t._wsum, i64(1)))
        t = t.mutate(_floor=self.trunc_div(t[total] * t[weight], t._div))
        t = t.mutate(_rem=t[total] * t[weight] - t._floor * t._div)
        t = t.mutate(_bucket=self.trunc_div(t._rem, self.trunc_div(t._div, buckets) + 1))
        keys = {f"_hk{i}": t[c] for i, c in enumerate(by)}
        hist = t.group_by(**keys, _hb=t._bucket).aggregate(
            _n=as_i64(t.count()), _hfloor=as_i64(t._floor.sum())
        )
        group = [hist[k] for k in keys]
        top_down = ibis.window(
            group_by=group, order_by=[hist._hb.desc()], preceding=None, following=0
        )
        hist = staging.keep(
            hist.mutate(
                _upto=as_i64(hist._n.sum().over(top_down)),
                _fsum=as_i64(hist._hfloor.sum().over(ibis.window(group_by=group))),
            )
        )
        on = [t[c].identical_to(hist[k]) for c, k in zip(by, keys, strict=True)]
        j = t.left_join(hist, [*on, t._bucket == hist._hb])
        j = j.mutate(_left=j[total] - j._fsum, _above=j._upto - j._n)
        crossing = (j._above < j._left) & (j._upto > j._left)
        whole = j.filter(~crossing).mutate(_win=j._upto <= j._left)
        part = j.filter(crossing)
        ranked = [part._rem.desc(), part[key].cast("string")]
        order = ibis.window(group_by=list(by), order_by=ranked)
        part = staging.keep(
            part.mutate(_win=ibis.row_number().over(order) < part._left - part._above)
        )
        u = whole.union(part)
        return u.select(*columns, **{out: u._floor + ibis.ifelse(u._win, i64(1), i64(0))})


def exact_for(con: Any) -> Exact:
    """The exact operations for a connected Ibis backend."""
    return Exact(str(con.name))
